"""SES's reports of mail that did not arrive: an address that bounces for good or complains is never
mailed again, and its consumer sees it in «Профиль».

SES publishes each mail's events through the configuration set MailFunction sends with
(template.yaml, MailConfigurationSet) to MailEventsTopic; this function takes them from SNS. A
permanent bounce (the mailbox does not exist) and a complaint (the consumer marked the mail as
spam) suppress the address (functions/mail/store.py: MailLedger.suppress; the sender then skips it)
and mark the profile of the consumer whose login it is (`mail_undeliverable_since`). A transient
bounce (mailbox full, server down) changes nothing: SES itself retries those. Locally
`POST /_local/bounce` sends the same notification (infra/bounces.py).
"""

import json
from collections.abc import Iterator
from typing import Any, Literal

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.auth.store import ProfileStore
from functions.common.clock import now
from functions.common.identity import UserDirectory
from functions.common.metrics import BusinessMetric, count
from functions.mail.store import MailLedger

logger = Logger()
# X-Ray (Tracing: Active); off outside Lambda. Answers hold tokens: never put in a trace.
tracer = Tracer()

Undeliverable = Literal["bounce", "complaint"]


def undeliverable_addresses(notification: dict[str, Any]) -> Iterator[tuple[str, Undeliverable]]:
    """The addresses an SES event (configuration set: `eventType`; identity: `notificationType`)
    reports as not taking mail, each with why."""
    kind = notification.get("eventType") or notification.get("notificationType")
    if kind == "Bounce":
        bounce = notification.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return
        for recipient in bounce.get("bouncedRecipients") or []:
            yield str(recipient["emailAddress"]), "bounce"
    elif kind == "Complaint":
        for recipient in (notification.get("complaint") or {}).get("complainedRecipients") or []:
            yield str(recipient["emailAddress"]), "complaint"


def suppress(address: str, reason: Undeliverable) -> None:
    """The address gets no more mail; its consumer's profile says so."""
    at = now()
    address = address.strip().lower()
    MailLedger().suppress(address, reason, at)
    account = UserDirectory().find(address)
    if account is not None:
        ProfileStore().mark_mail_undeliverable(account.user_id, at)
    count(BusinessMetric.MAILS_UNDELIVERABLE, Kind=reason)
    logger.warning(
        "address suppressed", extra={"reason": reason, "user_id": account.user_id if account else None}
    )


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> None:
    for record in event.get("Records", []):
        notification = json.loads(record["Sns"]["Message"])
        for address, reason in undeliverable_addresses(notification):
            suppress(address, reason)
