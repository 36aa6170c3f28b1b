"""The integrators' change feed (`GET /api/integration/changes?after=<sequence>`): every event the
portal owes, numbered 1, 2, 3… with no gap, so that a reader holding the last number it read never
misses one (docs/architecture.md «Change feed»).

Why not the lists: they read the index ByStatus, which DynamoDB fills eventually, and filter by the
writer's clock; a request whose index copy lands after a poll was skipped for good. The feed reads no
index and no clock.

How the numbers are given: the outbox's relay (functions/outbox/service.py), before it puts an
item's events on the bus, records them here in ONE transaction that (1) moves the counter item from
`n` to `n + k` — conditioned on it being `n`, as read —, (2) puts the `k` feed items `n+1 … n+k`, and
(3) marks the outbox item with its first number (conditioned on it having none, so that the stream's
relay and the sweeper, relaying the same item at once, number it once). Number `n + 1` can therefore
be committed only after number `n` was; a reader's strongly consistent Query of the base table
(never an index) sees a prefix of the numbers, and `after=<last read>` resumes exactly. Two relays
numbering at once: one transaction fails on the counter's condition, reads it again and numbers
after the other (`ATTEMPTS` times). The events then carry their number (`feed_sequence`), the same
as here.

The order is the order the relay numbered the changes in: within seconds of their commits, and a
change of one subject (a request) keeps its own counter (`sequence` in the event) for its order.

The items (IntegrationTable; this module alone knows them): the counter `pk` `changes#counter`, `sk`
`counter`, `seq` the last number given; a change `pk` `changes`, `sk` its number as 20 digits
(strings sort as numbers do), `seq`, `event_id`, `detail_type`, `detail` (the event's JSON, as on the
bus), `outbox_id`, `recorded_at`, `expires_at` — DynamoDB's TTL deletes a change `RETENTION` after
it was recorded. A reader whose cursor is older than that gets 410 and re-reads the lists.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from functions.common.backoff import Backoff
from functions.common.claims import integration_table
from functions.common.clock import now
from functions.common.dynamo import cancellation_reasons

if TYPE_CHECKING:
    from functions.common.outbox import OwedEvent

FEED_PK = "changes"
COUNTER_KEY = {"pk": "changes#counter", "sk": "counter"}
RETENTION = timedelta(days=14)
MAX_PAGE = 500
ATTEMPTS = 20
_DIGITS = 20


def _sk(sequence: int) -> str:
    return f"{sequence:0{_DIGITS}d}"


@dataclass(frozen=True)
class Change:
    """One change as the feed gives it."""

    sequence: int
    event_id: str
    detail_type: str
    detail: dict[str, Any]
    recorded_at: datetime


@dataclass(frozen=True)
class ChangesPage:
    changes: list[Change]
    last: int  # the number of the last change recorded (the counter), read before the page
    read_to: int  # the number of the last change the page looked at (some filtered out)
    expired: bool  # the changes right after the cursor are gone (older than RETENTION)


class NumberingContended(RuntimeError):
    """Other relays kept numbering first: the item stays pending, the relay tries it again."""


def with_sequence(detail: str, sequence: int) -> str:
    """The event's detail as published: with its number in the feed."""
    return json.dumps({**json.loads(detail), "feed_sequence": sequence}, ensure_ascii=False)


class ChangeFeed:
    def __init__(self) -> None:
        self._table = integration_table()

    def last(self) -> int:
        """The last number given (0 before any): one strongly consistent GetItem."""
        item = self._table.get(COUNTER_KEY, consistent=True)
        return int(item["seq"]) if item is not None else 0

    def number(self, outbox_pk: str, outbox_id: str, events: Sequence["OwedEvent"]) -> int:
        """Records the outbox item's events in the feed, numbered on from the counter; the first
        number. `numbered` is the item's number when it has one already (given by an earlier try)."""
        from functions.common.outbox import feed_mark_action  # the relay's: it has the outbox loaded

        backoff = Backoff(first=0.01, cap=0.2, budget=5.0)
        for _ in range(ATTEMPTS):
            last = self.last()
            at = now()
            first = last + 1
            actions = [
                self._table.update_action(
                    COUNTER_KEY,
                    "SET seq = :new",
                    condition="attribute_not_exists(seq) AND :last = :zero OR seq = :last",
                    values={":new": last + len(events), ":last": last, ":zero": 0},
                ),
                *(
                    self._table.put_action(
                        {
                            "pk": FEED_PK,
                            "sk": _sk(first + n),
                            "seq": first + n,
                            "event_id": event.event_id,
                            "detail_type": event.detail_type,
                            "detail": with_sequence(event.detail, first + n),
                            "outbox_id": outbox_id,
                            "recorded_at": at.isoformat(),
                            "expires_at": int((at + RETENTION).timestamp()),
                        },
                        condition="attribute_not_exists(pk)",
                    )
                    for n, event in enumerate(events)
                ),
                feed_mark_action(outbox_pk, first),
            ]
            try:
                self._table.transact(actions)
            except ClientError as error:
                reasons = cancellation_reasons(error)
                if reasons is None:
                    raise
                if reasons[-1].code == "ConditionalCheckFailed":  # numbered meanwhile by another relay
                    raise AlreadyNumbered from None
                if not backoff.wait():
                    break
                continue
            return first
        raise NumberingContended(outbox_pk)

    def page(self, after: int, limit: int, detail_type: str | None = None) -> ChangesPage:
        """The changes numbered after `after`, oldest first, of `limit` looked at (of those, only
        `detail_type`'s when given): one GetItem of the counter, then one strongly consistent Query
        of the base table."""
        last = self.last()
        values: dict[str, Any] = {":pk": FEED_PK, ":after": _sk(after)}
        if detail_type is not None:
            values[":type"] = detail_type
        found = self._table.query(
            "pk = :pk AND sk > :after",
            values,
            limit=limit,
            consistent=True,
            filter="detail_type = :type" if detail_type is not None else None,
        )
        changes = [
            Change(
                sequence=int(item["seq"]),
                event_id=str(item["event_id"]),
                detail_type=str(item["detail_type"]),
                detail=json.loads(str(item["detail"])),
                recorded_at=datetime.fromisoformat(str(item["recorded_at"])),
            )
            for item in found.items
        ]
        if found.last_key is not None:
            read_to = int(str(found.last_key["sk"]))
        else:
            # The partition read to its end: everything up to the counter as read, and beyond it what
            # was committed meanwhile (a prefix, as ever).
            read_to = max([last, *(change.sequence for change in changes)])
        first_seen = changes[0].sequence if changes and detail_type is None else None
        expired = 0 < after < last and detail_type is None and (first_seen is None or first_seen > after + 1)
        return ChangesPage(changes=changes, last=last, read_to=max(read_to, after), expired=expired)


class AlreadyNumbered(Exception):
    """The outbox item was numbered by another relay of it: its number is on the item."""
