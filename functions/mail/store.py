"""The mail ledger (template.yaml's MailLedgerTable): per-address counts and finished jobs.

`limit#<SHA-256 of the address and the hour>`: the ids of the jobs that mailed (or will mail) the
address in that clock hour, from registration and support resets. A job is counted by one
conditional UpdateItem that adds its id unless the set is full — and a job already in the set is
let through again, so a redelivered job is counted once. The hour is the one the job was asked for
(not the one it is delivered in), so a retry never counts in a second hour. No address is stored in
clear. `job#<id>`: a job that is done, so that a message SQS delivers again is not mailed twice.
Both expire by TTL (`expires_at`). `suppressed#<SHA-256 of the address>`: an address SES reported
as bouncing for good or complaining (functions/mail/bounces.py); never mailed again, kept until the
consumer changes the address.
"""

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from functions.common.dynamo import Table, cancellation_reasons, condition_failed
from functions.common.retention import RetentionKind, retention_of
from functions.mail.settings import ledger_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

# A finished job is remembered for the mail ledger's retention (functions/common/retention.py), which
# is at least 15 days: longer than a message can live on the queue (1 day) or in the dead-letter
# queue (14 days), from where it may be redriven.


def hour_of(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def seconds_to_next_hour(at: datetime) -> int:
    """Until the count of `at`'s hour no longer applies (what Retry-After says), at least 1 s."""
    return max(1, int((hour_of(at) + timedelta(hours=1) - at.astimezone(UTC)).total_seconds()))


class MailLedger:
    def __init__(self) -> None:
        settings = ledger_settings()
        self._table = Table(settings.mail_ledger_table)
        self.limit = settings.mails_per_address_per_hour

    @staticmethod
    def _limit_key(address: str, at: datetime) -> dict[str, Any]:
        digest = hashlib.sha256(f"{address.lower()}|{hour_of(at).isoformat()}".encode()).hexdigest()
        return {"pk": f"limit#{digest}"}

    _COUNT = "ADD job_ids :job SET expires_at = :expires"
    _WITHIN_LIMIT = "attribute_not_exists(job_ids) OR size(job_ids) < :limit OR contains(job_ids, :id)"

    def _count_values(self, job_id: str, at: datetime) -> dict[str, Any]:
        expires = hour_of(at) + timedelta(hours=2)
        return {":job": {job_id}, ":id": job_id, ":limit": self.limit, ":expires": int(expires.timestamp())}

    def allow(self, address: str, job_id: str, at: datetime) -> bool:
        """Counts the job's mail to `address` in `at`'s hour; False when the hour's limit is reached."""
        try:
            self._table.update(
                self._limit_key(address, at),
                self._COUNT,
                condition=self._WITHIN_LIMIT,
                values=self._count_values(job_id, at),
            )
        except ClientError as error:
            if condition_failed(error):
                return False
            raise
        return True

    def allow_with(
        self, address: str, job_id: str, at: datetime, also: Sequence["TransactWriteItemTypeDef"]
    ) -> bool:
        """`allow`, in one transaction with `also` (the outbox's Put of the job: counted and owed
        together, or neither); False, and nothing written, when the hour's limit is reached."""
        count = self._table.update_action(
            self._limit_key(address, at),
            self._COUNT,
            condition=self._WITHIN_LIMIT,
            values=self._count_values(job_id, at),
        )
        try:
            self._table.transact([count, *also])
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if reasons and reasons[0].code == "ConditionalCheckFailed":
                return False
            raise
        return True

    def release(self, address: str, job_id: str, at: datetime) -> None:
        """Uncounts a job that will not mail after all (it could not be queued)."""
        self._table.update(self._limit_key(address, at), "DELETE job_ids :job", values={":job": {job_id}})

    def is_done(self, job_id: str) -> bool:
        return self._table.get({"pk": f"job#{job_id}"}, consistent=True) is not None

    def mark_done(self, job_id: str, at: datetime) -> None:
        expires = retention_of(RetentionKind.MAIL_LEDGER).expires_at(at)
        self._table.put({"pk": f"job#{job_id}", "done_at": at.isoformat(), "expires_at": expires})

    @staticmethod
    def _suppressed_key(address: str) -> dict[str, Any]:
        return {"pk": f"suppressed#{hashlib.sha256(address.lower().encode()).hexdigest()}"}

    def suppress(self, address: str, reason: str, at: datetime) -> None:
        """No mail goes to `address` any more: it bounced for good (`bounce`) or complained."""
        self._table.put({**self._suppressed_key(address), "reason": reason, "at": at.isoformat()})

    def is_suppressed(self, address: str) -> bool:
        return self._table.get(self._suppressed_key(address), consistent=True) is not None
