"""An account's deletion: the withdrawal of consent (152-ФЗ ст. 9 ч. 2), the account closed at once and
its personal data erased within 30 days by functions/auth/erasure.py (ст. 21 ч. 5) — whoever starts
it. The consumer does in «Профиль» (`DELETE /api/profile`, confirmed by their password:
functions/auth/service.py); support does on the consumer's request to the operator (the policy's
section 6: «запрос или обращение … ответственному лицу»), through
`POST /api/integration/consumers/{user_id}/deletion` under the integrator's `accounts:delete` scope.

Either way the same steps, each idempotent: the deletion is recorded once on the profile — its time
and who started it (`deleted_by`: `consumer` or `integrator:<name>`, kept after the erasure beside the
proof of consent) — in one transaction with what it owes: the notice to the account's address (the
consumer's own words, or support's) and the event portal.account.deleted.v1 (functions/common/outbox.py);
then Cognito disables the user and every session ends. A retry (after a 503) finds the deletion
recorded and finishes the rest without owing anything again.
"""

from dataclasses import replace
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from functions.auth import mails
from functions.auth.store import DELETED_BY_CONSUMER, DeletionRecord, NoProfile, ProfileStore
from functions.common import events, russian
from functions.common.clock import now
from functions.common.errors import NotFound
from functions.common.identity import UserDirectory
from functions.common.mail import NoticeJob
from functions.common.outbox import OutboxEntry, outbox_put
from functions.common.sessions import end_sessions

logger = Logger()

# 152-ФЗ ст. 21 ч. 5: personal data are destroyed within 30 days of the withdrawal of consent (the
# erasure runs daily, so it is done a day later; the event promises the statutory bound).
ERASE_WITHIN = timedelta(days=30)
UNKNOWN_CONSUMER = "Потребитель с таким id не найден."


def record_deletion(user_id: str, email: str, by: str, at: datetime) -> bool:
    """Records the deletion with its notice to `email` and its event, in one transaction: True for
    the call that recorded it, False when it was recorded already (nothing owed again). Raises
    NoProfile when the account has no profile with an address.

    From that record on the account is deleted (a retry finishes the rest; the erasure deletes the
    user whatever happens), and it is recorded once, so the notice is owed once."""
    notice = mails.account_deleted if by == DELETED_BY_CONSUMER else mails.account_deleted_by_support
    subject, text = notice(russian.date_time(at))
    deleted = events.AccountDeleted(user_id=user_id, deleted_at=at, erase_by=at + ERASE_WITHIN, deleted_by=by)
    owed = OutboxEntry.owing(mails=[NoticeJob(to=email, subject=subject, text=text)], events=[deleted])
    return ProfileStore().mark_deleted(user_id, at.isoformat(), by, outbox_put(owed))


def close_account(user_id: str) -> None:
    """The deleted account can no longer log in: Cognito disables it and every session ends."""
    UserDirectory().disable(user_id)
    end_sessions(user_id)


def delete_on_request(user_id: str, by: str) -> DeletionRecord:
    """Support deletes the account on its consumer's request: the deletion as recorded (the first
    one's time and author when it was deleted already, by anyone; an erased account as it is).
    NotFound for an id no account has."""
    store = ProfileStore()
    record = store.deletion(user_id)
    if record is None:
        raise NotFound(UNKNOWN_CONSUMER)
    if record.erased_at is not None:
        return record
    if record.deleted_at is None:
        if record.email is None:
            raise NotFound(UNKNOWN_CONSUMER)
        at = now()
        try:
            recorded = record_deletion(user_id, record.email, by, at)
        except NoProfile:
            raise NotFound(UNKNOWN_CONSUMER) from None
        found = replace(record, deleted_at=at, deleted_by=by) if recorded else store.deletion(user_id)
        record = found or record
    close_account(user_id)
    logger.info("account deleted on request, pending erasure", extra={"user_id": user_id, "by": by})
    return record
