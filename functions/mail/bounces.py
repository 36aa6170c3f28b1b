"""SES's reports of mail that did not arrive: an address that bounces for good or complains is never
mailed again.

SES publishes each mail's events through the configuration set MailFunction sends with
(template.yaml, MailConfigurationSet) to MailEventsTopic; MailBounceFunction takes them from SNS. A
permanent bounce (the mailbox does not exist) and a complaint (the consumer marked the mail as
spam) suppress the address (functions/mail/store.py: MailLedger.suppress; the sender then skips it),
and each `Marker` the function's handler gives is told, so that the domain that owns the address can
mark it (auth marks the profile of the consumer whose login it is: functions/auth/mail_bounces.py,
the handler). A transient bounce (mailbox full, server down) changes nothing: SES itself retries
those. Locally `POST /_local/bounce` sends the same notification (infra/bounces.py).
"""

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, Literal

from aws_lambda_powertools import Logger

from functions.common.clock import now
from functions.common.metrics import BusinessMetric, count
from functions.mail.store import MailLedger

logger = Logger()

Undeliverable = Literal["bounce", "complaint"]
Marker = Callable[[str, datetime], None]
"""What a domain does about an address (lower case) that takes no mail since the moment given."""


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


def suppress(address: str, reason: Undeliverable, *markers: Marker) -> None:
    """The address gets no more mail; each marker is told."""
    at = now()
    address = address.strip().lower()
    MailLedger().suppress(address, reason, at)
    for mark in markers:
        mark(address, at)
    count(BusinessMetric.MAILS_UNDELIVERABLE, Kind=reason)
    logger.warning("address suppressed", extra={"reason": reason})


def suppress_reported(event: dict[str, Any], *markers: Marker) -> None:
    """Suppresses every address SNS's event (SES's notifications) reports as taking no mail."""
    for record in event.get("Records", []):
        notification = json.loads(record["Sns"]["Message"])
        for address, reason in undeliverable_addresses(notification):
            suppress(address, reason, *markers)
