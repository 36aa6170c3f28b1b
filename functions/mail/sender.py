"""Sending through SES: plain Russian text, one sender from the template. Only MailFunction sends."""

from aws_lambda_powertools import Logger

from functions.common.aws import ses
from functions.common.metrics import BusinessMetric, count
from functions.common.settings import portal_settings
from functions.mail.settings import sender_settings
from functions.mail.store import MailLedger

logger = Logger()


def send_mail(to: str, subject: str, text: str) -> None:
    """Sends through SES, unless the address bounced for good or complained (then nothing is sent)."""
    ledger = MailLedger()
    if ledger.is_suppressed(to):
        logger.info("mail not sent: the address does not take mail", extra={"subject": subject})
        count(BusinessMetric.MAILS_SUPPRESSED)
        return
    settings = portal_settings()
    signed = f"{text.rstrip()}\n\n—\nЛичный кабинет потребителя: {settings.portal_url}\n"
    result = ses().send_email(
        ConfigurationSetName=sender_settings().mail_configuration_set,
        Source=settings.mail_sender,
        Destination={"ToAddresses": [to]},
        Message={
            "Subject": {"Data": subject, "Charset": "UTF-8"},
            "Body": {"Text": {"Data": signed, "Charset": "UTF-8"}},
        },
    )
    # The text may hold a password: only the fact of sending is logged.
    logger.info("mail sent", extra={"subject": subject, "message_id": result["MessageId"]})
    count(BusinessMetric.MAILS_SENT)
