"""ASKUE links and snapshots in DynamoDB (AskueTable), the only place that knows the item layout.

One partition per consumer (`user_id`), two kinds of items by sort key `sk`:

- `link` — the remembered ASKUE account: login, the password as KMS ciphertext, `link_state`
  (active | credentials_rejected) and, only while active, `sync_shard`: the key of the sparse index
  LinkedAccounts, so the planner finds exactly the links to sync without reading anything else;
- `snapshot#<newest first>` — every successful fetch, kept as history (expires after the retention
  table's ASKUE_COPIES period, functions/common/retention.py), keyed so that the newest sorts first,
  right after `link`: the page reads the latest data and the link state in one Query of two items,
  and older data can never take the newest one's place, whatever order the writes arrive in. Each
  fetch is written once;
- `counter#sync_failed` — the count of the consumer's syncs that failed for good (`last_sequence`,
  the `sequence` of the last portal.askue.sync.failed.v1), moved on in the transaction that records
  the failure, with the outbox item of its event (functions/common/outbox.py); no item is a count of
  0. It is not the link's attribute: a link forgotten and remembered again (a new item) goes on
  counting, so no number is given twice. It sorts before `link`, out of the page's Query; the
  erasure leaves it (a number, nothing personal).

Through `common/dynamo.py`'s Table (the thread-safe low-level client): the sync worker writes from
several threads.
"""

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from functions.askue.models import AskueRow, Snapshot, StoredLink
from functions.common.dynamo import Table, cancellation_reasons
from functions.common.retention import RetentionKind, retention_of

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

LINK, SNAPSHOT_PREFIX = "link", "snapshot#"
FAILURES = "counter#sync_failed"
# Tries of a failure's transaction when a concurrent one moved the count first (a rejection and the
# worker's last attempt of the same consumer at once: rare, never more than a few).
_COUNT_ATTEMPTS = 5
_SNAPSHOTS_END = "snapshot$"  # sorts after every "snapshot#…"
_NEWEST_FIRST_BASE = 10**17  # microseconds since 1970: the keys work until the year 5138
SYNC_INDEX = "LinkedAccounts"
SYNC_SHARDS = 16  # spreads the planner's index reads; more shards only when links reach millions


def stamp(moment: datetime) -> str:
    """One sortable text form of a moment (UTC, microseconds): the sort keys and conditions compare it."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def snapshot_key(moment: datetime) -> str:
    """`snapshot#` and the microseconds left until a far moment, zero-padded: later sorts first."""
    microseconds = round(moment.timestamp() * 1_000_000)
    return f"{SNAPSHOT_PREFIX}{_NEWEST_FIRST_BASE - microseconds:017d}"


def sync_shard(user_id: str) -> str:
    return str(int(hashlib.sha256(user_id.encode()).hexdigest()[:8], 16) % SYNC_SHARDS)


def _snapshot_item(user_id: str, snapshot: Snapshot) -> dict[str, Any]:
    expires = retention_of(RetentionKind.ASKUE_COPIES).expires_at(snapshot.fetched_at)
    return {
        "user_id": user_id,
        "sk": snapshot_key(snapshot.fetched_at),
        "rows": [_row(row) for row in snapshot.rows],
        "fetched_at": stamp(snapshot.fetched_at),
        "login": snapshot.login,
        "source": snapshot.source,
        "expires_at": expires,
    }


def _link_key(user_id: str) -> dict[str, str]:
    return {"user_id": user_id, "sk": LINK}


def _failures_key(user_id: str) -> dict[str, str]:
    return {"user_id": user_id, "sk": FAILURES}


Owing = Callable[[int], "TransactWriteItemTypeDef"]
"""What a failure owes, given its number among the consumer's: the outbox's Put of its event (and
mail)."""


class CountBusy(Exception):
    """Concurrent failures of the consumer kept moving the count first: nothing was recorded."""


def link_item(link: StoredLink) -> dict[str, Any]:
    """The link's item; an active one carries its shard of the sparse index the planner reads."""
    item: dict[str, Any] = {
        **_link_key(link.user_id),
        "email": link.email,
        "login": link.login,
        "password_ciphertext": link.password_ciphertext,
        "link_state": link.state,
        "linked_at": stamp(link.linked_at),
    }
    if link.state == "active":
        item["sync_shard"] = sync_shard(link.user_id)
    return item


class AskueStore:
    def __init__(self, table_name: str) -> None:
        self._table = Table(table_name)

    # ------------------------------------------------------------------ links
    def save_link(self, link: StoredLink) -> None:
        """Stores (or replaces) the consumer's link as active: the planner will find it."""
        self._table.put(link_item(link))

    def get_link(self, user_id: str) -> StoredLink | None:
        found = self._table.get(_link_key(user_id), consistent=True)
        return _link(found) if found else None

    def get_links(self, user_ids: list[str]) -> dict[str, StoredLink]:
        """The links of several consumers in one BatchGetItem (the worker reads a batch's at once)."""
        keys = [_link_key(user_id) for user_id in dict.fromkeys(user_ids)]
        links = (_link(item) for item in self._table.batch_get(keys, consistent=True))
        return {link.user_id: link for link in links}

    def delete_link(self, user_id: str) -> None:
        self._table.delete(_link_key(user_id))

    def mark_rejected(self, user_id: str, linked_at: datetime, at: datetime, owing: Owing) -> bool:
        """Marks the link whose password ASKUE refused and takes it off the schedule, in one
        transaction with the failure's count and what it owes (`owing(number)`).

        True only for the call that changed it: the link is still the one that was tried (not
        replaced meanwhile, nor deleted by the erasure) and was active, so the consumer is told once
        and nothing is owed to a link gone. Raises CountBusy as `record_failure` does.
        """
        mark = self._table.update_action(
            _link_key(user_id),
            "SET link_state = :rejected, rejected_at = :at REMOVE sync_shard",
            condition="link_state = :active AND linked_at = :linked_at",
            values={
                ":rejected": "credentials_rejected",
                ":active": "active",
                ":at": stamp(at),
                ":linked_at": stamp(linked_at),
            },
        )
        return self._counted(user_id, owing, mark)

    def record_failure(self, user_id: str, owing: Owing) -> None:
        """A failure that marks nothing (every attempt of the sync failed): the count moved on and
        what it owes (`owing(number)`) in one transaction. Raises CountBusy when concurrent failures
        of the consumer kept moving the count first."""
        self._counted(user_id, owing)

    def sync_failures(self, user_id: str) -> int:
        """The number of the consumer's last failure counted (0: none)."""
        item = self._table.get(_failures_key(user_id), consistent=True)
        return int(item["last_sequence"]) if item else 0

    def _counted(self, user_id: str, owing: Owing, change: "TransactWriteItemTypeDef | None" = None) -> bool:
        """Writes `change` (when given), the count moved from the one read to the next number and
        `owing(that number)` in one transaction; False when `change`'s condition refused it."""
        for _ in range(_COUNT_ATTEMPTS):
            number = self.sync_failures(user_id) + 1
            counted = {**_failures_key(user_id), "last_sequence": number}
            count = (
                self._table.put_action(counted, condition="attribute_not_exists(sk)")
                if number == 1
                else self._table.put_action(
                    counted, condition="last_sequence = :read", values={":read": number - 1}
                )
            )
            actions = [*([change] if change is not None else []), count, owing(number)]
            try:
                self._table.transact(actions)
            except ClientError as error:
                reasons = cancellation_reasons(error)
                if reasons is None:
                    raise
                if change is not None and reasons[0].code == "ConditionalCheckFailed":
                    return False
                if all(r.code in ("None", "ConditionalCheckFailed", "TransactionConflict") for r in reasons):
                    continue  # the count moved (or a write raced this one): read it again
                raise
            return True
        raise CountBusy(user_id)

    def linked_accounts(self, shard: int) -> list[str]:
        """The users whose link is active in one shard of the sparse index (a Query, never a Scan)."""
        items = self._table.query_all(
            "sync_shard = :shard", {":shard": str(shard)}, index=SYNC_INDEX, projection="user_id"
        )
        return [item["user_id"] for item in items]

    # ------------------------------------------------------------------ snapshots
    def save_snapshot(self, user_id: str, snapshot: Snapshot) -> None:
        """Adds the snapshot to the history; being the newest is its key's place, no second item."""
        self._table.put(_snapshot_item(user_id, snapshot))

    def save_snapshots(self, snapshots: dict[str, Snapshot]) -> set[str]:
        """Adds each consumer's snapshot (one each) with BatchWriteItem, 25 to a call (the sync's
        batch: one call instead of one PutItem an account); returns the consumers whose snapshot
        DynamoDB left unwritten (none written twice: a snapshot's key is its own time)."""
        items = [_snapshot_item(user_id, snapshot) for user_id, snapshot in snapshots.items()]
        return {str(item["user_id"]) for item in self._table.batch_put_unwritten(items)}

    def latest_and_link(self, user_id: str) -> tuple[Snapshot | None, dict[str, Any] | None]:
        """The newest snapshot and the link's state in ONE Query of two items: 'link' sorts just
        before the snapshots, and the newest snapshot first among them (without a link, the two
        newest snapshots come). The password ciphertext is not even read."""
        page = self._table.query(
            "user_id = :u AND sk BETWEEN :link AND :end",
            {":u": user_id, ":link": LINK, ":end": _SNAPSHOTS_END},
            projection="sk, #rows, fetched_at, login, #source, link_state, linked_at, rejected_at",
            names={"#rows": "rows", "#source": "source"},
            limit=2,
        )
        latest: Snapshot | None = None
        link: dict[str, Any] | None = None
        for item in page.items:
            if item["sk"] == LINK:
                link = item
            elif latest is None:
                latest = _snapshot(item)
        return latest, link

    def snapshots(self, user_id: str) -> list[Snapshot]:
        """Every snapshot kept of the consumer, newest first (a Query per 1 MB): the export's."""
        items = self._table.query_all(
            "user_id = :u AND sk BETWEEN :first AND :end",
            {":u": user_id, ":first": SNAPSHOT_PREFIX, ":end": _SNAPSHOTS_END},
        )
        return [_snapshot(item) for item in items]

    def delete_snapshots(self, user_id: str) -> int:
        """Deletes every snapshot of the consumer (the erasure: they hold the ASKUE login and the
        meters' data); a Query of keys per 1 MB and a DeleteItem each. Returns how many."""
        keys = self._table.query_all(
            "user_id = :u AND sk BETWEEN :first AND :end",
            {":u": user_id, ":first": SNAPSHOT_PREFIX, ":end": _SNAPSHOTS_END},
            projection="user_id, sk",
        )
        deleted = 0
        for key in keys:
            self._table.delete({"user_id": str(key["user_id"]), "sk": str(key["sk"])})
            deleted += 1
        return deleted


def _row(row: AskueRow) -> dict[str, Any]:
    item = {
        **row.model_dump(exclude={"read_at", "profile"}, exclude_none=True),
        "read_at": stamp(row.read_at),
    }
    if row.profile is not None:  # the day as text: DynamoDB has no date type
        item["profile"] = {**row.profile.model_dump(), "day": row.profile.day.isoformat()}
    return item


def _snapshot(item: dict[str, Any]) -> Snapshot:
    return Snapshot.model_validate({key: item[key] for key in ("rows", "fetched_at", "login", "source")})


def _link(item: dict[str, Any]) -> StoredLink:
    return StoredLink(
        user_id=item["user_id"],
        email=item["email"],
        login=item["login"],
        password_ciphertext=bytes(item["password_ciphertext"]),
        state=item["link_state"],
        linked_at=item["linked_at"],
        rejected_at=item.get("rejected_at"),
    )
