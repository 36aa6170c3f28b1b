"""What the company's systems may do: support resets a consumer's password.

The reset is a job for the mail queue (auth's `ResetPasswordJob`): MailFunction sets a new generated
password, ends every session and mails it (functions/auth/account_jobs.py). What support must know is
answered here: an unknown address (404), and an address that had its mails for this hour already
(429, with Retry-After). The job is counted against the address's limit and owed through the outbox
(functions/common/outbox.py) in one transaction: counted and owed, or neither — a function stopped
in between can no longer count a reset that never happens. The worker, seeing the same job id, does
not count it again.
"""

from aws_lambda_powertools import Logger

from functions.auth.jobs import ResetPasswordJob
from functions.common.errors import NotFound, TooManyAttempts
from functions.common.identity import UserDirectory
from functions.common.outbox import OutboxEntry, outbox_put
from functions.mail.store import MailLedger, seconds_to_next_hour

logger = Logger()


def reset_password(email: str) -> None:
    """Owes the reset of a registered account's password, within the address's mail limit."""
    if UserDirectory().find(email) is None:
        raise NotFound("Потребитель с таким email не зарегистрирован.")
    requested = ResetPasswordJob(email=email)
    entry = OutboxEntry.owing(mails=[requested])
    job_id = entry.mails[0].job_id  # the job as the outbox owes it: the id the worker sees
    ledger = MailLedger()
    if not ledger.allow_with(email, job_id, requested.requested_at, [outbox_put(entry)]):
        wait = seconds_to_next_hour(requested.requested_at)
        logger.info("support reset refused: mail limit of the address reached", extra={"job_id": job_id})
        raise TooManyAttempts(
            "Слишком много писем на этот адрес",
            f"На этот адрес в течение часа можно отправить не больше {ledger.limit} писем о регистрации "
            f"и сбросе пароля, и они уже отправлены. Повторите сброс через {-(-wait // 60)} мин.",
            retry_after=wait,
        )
    logger.info("password reset owed by support", extra={"job_id": job_id})
