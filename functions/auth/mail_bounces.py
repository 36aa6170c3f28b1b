"""MailBounceFunction (template.yaml): mail's bounces (functions/mail/bounces.py) suppress an address
SES reports as bouncing for good or complaining; here auth marks the profile of the consumer whose
login it is (`mail_undeliverable_since`, which «Профиль» shows).

The composition root of the bounces: it imports both domains, so it lives on the auth side (auth may
import mail; mail imports no domain, tests/unit/test_structure.py).
"""

from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.auth.store import ProfileStore
from functions.common.identity import UserDirectory
from functions.common.tracing import tracer
from functions.mail import bounces

logger = Logger()


def mark_profile(address: str, at: datetime) -> None:
    """The consumer whose login `address` is sees in the profile that it takes no mail."""
    account = UserDirectory().find(address)
    if account is None:
        return
    ProfileStore().mark_mail_undeliverable(account.user_id, at)
    logger.info("profile marked: its address takes no mail", extra={"user_id": account.user_id})


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> None:
    bounces.suppress_reported(event, mark_profile)
