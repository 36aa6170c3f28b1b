"""What the business watches, as CloudWatch metrics: Powertools Metrics in the Embedded Metric Format.

Each business event is one EMF line printed by `count` at the moment it happens (`single_metric`,
flushed at once, so no handler needs a decorator to flush it and a function that fails later still
reports what it did). CloudWatch Logs turns the line into a metric of the namespace `ConsumerPortal`,
with the dimensions `service` (the function's POWERTOOLS_SERVICE_NAME) and the event's own; the
alarms and the dashboard of template.yaml read these metrics. Locally the stack keeps the lines and
shows them at /_local/metrics (infra/local.py).

| metric | dimension | emitted when |
| --- | --- | --- |
| Registrations | - | an account is created (functions/auth/account_jobs.py) |
| RequestsFiled | RequestType | a service request is filed (functions/requests/filing.py) |
| ReadingsSubmitted | - | a consumer's reading is stored (functions/readings/service.py) |
| AskueSyncs | Outcome = synced, failed, credentials_refused | the sync worker ends an account's sync |
| MailsSent | - | SES took a mail (functions/mail/sender.py) |
| MailsFailed | - | a mail job failed and goes back to the queue (functions/mail/worker.py) |
| MailsSuppressed | - | a mail was not sent: its address bounced for good or complained |
| MailsUndeliverable | Kind = bounce, complaint | SES reported an address (functions/mail/bounces.py) |
| EventsFailed | - | an event for integrators was not published (functions/common/events.py) |
| OutboxRelays | Outcome = relayed, failed | an outbox item relayed, or not (retried): functions/outbox/ |
| OutboxOverdue | - | each sweeper run: the items it found pending over 10 minutes (a number, 0 too) |

`count` records one occurrence; `gauge` a number observed (OutboxOverdue), so that an alarm on its
Maximum sees it, and sees 0 when all is well.
"""

from enum import StrEnum

from aws_lambda_powertools.metrics import MetricUnit, single_metric

NAMESPACE = "ConsumerPortal"


class BusinessMetric(StrEnum):
    REGISTRATIONS = "Registrations"
    REQUESTS_FILED = "RequestsFiled"
    READINGS_SUBMITTED = "ReadingsSubmitted"
    ASKUE_SYNCS = "AskueSyncs"
    MAILS_SENT = "MailsSent"
    MAILS_FAILED = "MailsFailed"
    MAILS_SUPPRESSED = "MailsSuppressed"
    MAILS_UNDELIVERABLE = "MailsUndeliverable"
    EVENTS_FAILED = "EventsFailed"
    OUTBOX_RELAYS = "OutboxRelays"
    OUTBOX_OVERDUE = "OutboxOverdue"
    CONNECTION_STAGES_OVERDUE = "ConnectionStagesOverdue"


def count(metric: BusinessMetric, **dimensions: str) -> None:
    """One occurrence of `metric`, with its dimensions (e.g. RequestType="connection")."""
    gauge(metric, 1, **dimensions)


def gauge(metric: BusinessMetric, observed: int, **dimensions: str) -> None:
    """A number of things `metric` observed at this moment (e.g. the items overdue), with its dimensions."""
    with single_metric(name=metric.value, unit=MetricUnit.Count, value=observed, namespace=NAMESPACE) as line:
        for name, value in dimensions.items():
            line.add_dimension(name=name, value=value)
