"""The outbox items as the relay and the sweeper read and mark them (the layout is
functions/common/outbox.py's): one consistent GetItem of an item still owed, the two marks, and the
pending items older than a moment, oldest first, from the sparse index `Pending`."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from functions.common.dynamo import Table, condition_failed
from functions.common.outbox import (
    KEPT_AFTER_RELAY,
    PENDING,
    PENDING_INDEX,
    OutboxEntry,
    outbox_table,
    stamp,
)


@dataclass(frozen=True)
class Owed:
    """An item still pending: what it owes, whether its mails were queued already, and the number
    of its first event in the change feed once it was given (functions/common/changes.py)."""

    entry: OutboxEntry
    mails_queued: bool
    feed_seq: int | None = None


class OutboxStore:
    def __init__(self) -> None:
        self._table: Table = outbox_table()

    def owed(self, pk: str) -> Owed | None:
        """The item if it is still pending (one strongly consistent GetItem): None when it was
        relayed already (by the stream or the sweeper) or is gone."""
        item = self._table.get({"pk": pk}, consistent=True)
        if item is None or item.get("pending") != PENDING:  # relayed, gone, or held (common/held.py)
            return None
        numbered = item.get("feed_seq")
        return Owed(
            OutboxEntry.from_item(item),
            "mails_queued_at" in item,
            int(numbered) if numbered is not None else None,
        )

    def feed_seq(self, pk: str) -> int | None:
        """The number the item's events were given in the change feed (one consistent GetItem)."""
        item = self._table.get({"pk": pk}, consistent=True, projection="feed_seq")
        numbered = item.get("feed_seq") if item is not None else None
        return int(numbered) if numbered is not None else None

    def mark_mails_queued(self, pk: str, at: datetime) -> None:
        self._update(pk, "SET mails_queued_at = :at", {":at": stamp(at)})

    def mark_relayed(self, pk: str, at: datetime) -> None:
        """Nothing is owed any more: out of the Pending index, deleted by TTL KEPT_AFTER_RELAY later."""
        self._update(
            pk,
            "REMOVE pending SET relayed_at = :at, expires_at = :expires",
            {":at": stamp(at), ":expires": int((at + KEPT_AFTER_RELAY).timestamp())},
        )

    def _update(self, pk: str, expression: str, values: dict[str, Any]) -> None:
        # Never makes an item of a key that is gone (an UpdateItem otherwise would).
        try:
            self._table.update({"pk": pk}, expression, condition="attribute_exists(pk)", values=values)
        except ClientError as error:
            if not condition_failed(error):
                raise

    def pending_before(self, cutoff: datetime) -> Iterator[tuple[str, datetime]]:
        """The key and the time of each item written before `cutoff` and still pending, oldest first
        (a Query of the keys-only index per page)."""
        for item in self._table.query_all(
            "pending = :pending AND created_at < :cutoff",
            {":pending": PENDING, ":cutoff": stamp(cutoff)},
            index=PENDING_INDEX,
        ):
            yield str(item["pk"]), datetime.fromisoformat(str(item["created_at"]))
