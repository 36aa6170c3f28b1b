"""Sending through SES: plain Russian text, one sender from the template. Only MailFunction sends."""

from aws_lambda_powertools import Logger

from functions.common.aws import ses
from functions.common.metrics import BusinessMetric, count
from functions.common.settings import portal_settings

logger = Logger()


def send_mail(to: str, subject: str, text: str) -> None:
    settings = portal_settings()
    signed = f"{text.rstrip()}\n\n—\nЛичный кабинет потребителя: {settings.portal_url}\n"
    result = ses().send_email(
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
