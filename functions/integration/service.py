"""What the company's systems may do: support resets a consumer's password; the company changes an
object (its лицевой счёт's confirmation, the meters its ИСУ reads).

The reset is a job for the mail queue (auth's `ResetPasswordJob`): MailFunction sets a new generated
password, ends every session and mails it (functions/auth/account_jobs.py). What support must know is
answered here: an unknown address (404), and an address that had its mails for this hour already
(429, with Retry-After). The job is counted against the address's limit and owed through the outbox
(functions/common/outbox.py) in one transaction: counted and owed, or neither — a function stopped
in between can no longer count a reset that never happens. The worker, seeing the same job id, does
not count it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from functions.auth.jobs import ResetPasswordJob
from functions.common.errors import NotFound, TooManyAttempts, invalid_field
from functions.common.identity import UserDirectory
from functions.common.outbox import OutboxEntry, outbox_put
from functions.mail.store import MailLedger, seconds_to_next_hour
from functions.objects import service as objects
from functions.objects.models import IntegrationObject, ObjectChange
from functions.readings import service as readings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

logger = Logger()


def reset_password(email: str, also: Sequence[TransactWriteItemTypeDef] = ()) -> None:
    """Owes the reset of a registered account's password, within the address's mail limit; `also`
    joins the transaction (the Idempotency-Key's answer: a retry of a reset done never mails again)."""
    if UserDirectory().find(email) is None:
        raise NotFound("Потребитель с таким email не зарегистрирован.")
    requested = ResetPasswordJob(email=email)
    entry = OutboxEntry.owing(mails=[requested])
    job_id = entry.mails[0].job_id  # the job as the outbox owes it: the id the worker sees
    ledger = MailLedger()
    if not ledger.allow_with(email, job_id, requested.requested_at, [outbox_put(entry), *also]):
        wait = seconds_to_next_hour(requested.requested_at)
        logger.info("support reset refused: mail limit of the address reached", extra={"job_id": job_id})
        raise TooManyAttempts(
            "Слишком много писем на этот адрес",
            f"На этот адрес в течение часа можно отправить не больше {ledger.limit} писем о регистрации "
            f"и сбросе пароля, и они уже отправлены. Повторите сброс через {-(-wait // 60)} мин.",
            retry_after=wait,
        )
    logger.info("password reset owed by support", extra={"job_id": job_id})


def change_object(object_id: str, change: ObjectChange, by: str) -> IntegrationObject:
    """Confirms the object's лицевой счёт (or withdraws it) and/or sets which of its meters the
    company's ИСУ reads (those refuse manual readings: functions/readings/service.py). Everything is
    checked before anything is written."""
    if change.confirmed is None and change.isu_meters is None:
        raise invalid_field("confirmed", "Укажите confirmed (лицевой счёт подтверждён) или isu_meters.")
    if change.isu_meters is None:
        return objects.confirm_account(object_id, bool(change.confirmed), by)
    current = objects.integration_object(object_id)
    numbers = {meter.meter_number for meter in current.meters}
    for index, number in enumerate(change.isu_meters):
        if number not in numbers:
            raise invalid_field(
                f"isu_meters.{index}",
                f"Прибора учёта № {number} нет на этом объекте: укажите номера его приборов учёта "
                f"({', '.join(sorted(numbers))}).",
            )
    changed = (
        current if change.confirmed is None else objects.confirm_account(object_id, change.confirmed, by)
    )
    read = sorted(set(change.isu_meters))
    readings.mark_read_by_isu(current.user_id, read, sorted(numbers - set(read)))
    logger.info("object meters read by the ISU set", extra={"object_id": object_id, "meters": len(read)})
    return changed
