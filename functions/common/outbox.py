"""The transactional outbox: the mail and the events a change owes, written with the change.

A route used to store its change and then, best effort, queue a mail job and put events on the bus:
a failure there, or a Lambda stopped in between, lost them. A change that owes a mail or an event now
writes an outbox item (template.yaml's OutboxTable) in the change's own DynamoDB transaction
(`outbox_put`: one action of its TransactWriteItems; one table serves every domain, since a
transaction spans tables), or, for a change that is not itself one DynamoDB write, on its own
(`write_outbox`). What is written is owed until it is relayed: the relay
(functions/outbox/relay.py, on the table's stream) sends each mail job to MailQueue and puts the
events on PortalEventBus, then marks the item relayed; the sweeper (functions/outbox/sweeper.py,
every minute) relays whatever is still pending a while later, however long the queue or the bus was
down. docs/architecture.md «Outbox».

The item (this module is the only one that knows its layout):

- `pk` `outbox#<id>`; `id` a new unique id (32 hex digits);
- `created_at` when it was written, UTC, fixed width (`2026-03-02T06:15:00.000000Z`: sorts as it reads);
- `pending` `"1"` while anything is owed, removed when relayed: the sparse index `Pending`
  (`pending`, `created_at`) holds only the items not yet relayed, oldest first;
- `mails` the mail jobs owed, each `{job_id, kind, body}`: `body` is the job as the mail queue's
  message (any `MailJob` of functions/common/mail.py), its id `job_id` = `<id>-m<n>`, so every
  delivery of it is the same job;
- `events` the events owed, each `{event_id, detail_type, detail}`: `detail` is the event's detail as
  PutEvents takes it (functions/common/events.py), its `event_id` = `<id>-e<n>`, the same on every
  delivery;
- `mails_queued_at` set when the mails were queued but the events were not: a retry puts the events only;
- `feed_seq` the number of the item's first event in the integrators' change feed, set by the relay
  in the transaction that records the events there (functions/common/changes.py); its events are
  numbered `feed_seq`, `feed_seq + 1`… and carry that number on the bus (`feed_sequence`);
- `relayed_at`, `expires_at` set by the relay; DynamoDB's TTL deletes a relayed item
  `KEPT_AFTER_RELAY` later. An item not relayed never expires.

Nothing owed is sent twice but by accident, and then harmlessly: a mail job delivered again has the
same id, and the mail worker skips a job id it finished (functions/mail/store.py's ledger); an event
published again has the same `event_id`, which integrators deduplicate by (docs/events.md). A mail
job holds an address and a text, as on the mail queue; an event holds no personal data.
"""

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from functions.common.clock import now
from functions.common.dynamo import Table
from functions.common.events import PortalEvent
from functions.common.fields import HexId
from functions.common.mail import MailJob
from functions.common.settings import load_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

KEY_PREFIX = "outbox#"
# The one value of the Pending index's partition key: every pending item is in it, oldest first.
# A single partition of a GSI takes about 1,000 writes a second; should the portal ever write outbox
# items near that, shard it ("1".."N") and have the sweeper Query each.
PENDING = "1"
PENDING_INDEX = "Pending"
# A relayed item is kept this long (then DynamoDB's TTL deletes it): to look at, and longer than any
# stream record of it can live (24 hours).
KEPT_AFTER_RELAY = timedelta(days=7)
# One PutEvents takes at most 10 entries: an item's events are put in one call.
MAX_EVENTS = 10
_NOT_WRITTEN = "attribute_not_exists(pk)"


class OutboxSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    outbox_table: str


def new_outbox_id() -> str:
    return uuid.uuid4().hex


def stamp(moment: datetime) -> str:
    """A moment as the item keeps it: UTC, fixed width, so that strings sort as times do."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def key_of(outbox_id: str) -> dict[str, str]:
    return {"pk": f"{KEY_PREFIX}{outbox_id}"}


class OwedMail(BaseModel):
    """A mail job the change owes, as the mail queue's message body."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    job_id: str = Field(min_length=1, max_length=64)
    kind: str
    body: str = Field(min_length=2)


class OwedEvent(BaseModel):
    """An event the change owes, as its PutEvents entry (the bus is the relay's)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: str = Field(min_length=1, max_length=64)
    detail_type: str = Field(min_length=1)
    detail: str = Field(min_length=2)


class OutboxEntry(BaseModel):
    """One outbox item: what one change owes. Made by `owing`, which gives each mail job and event
    its id derived from the entry's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: HexId = Field(default_factory=new_outbox_id)
    created_at: AwareDatetime = Field(default_factory=now)
    mails: tuple[OwedMail, ...] = ()
    events: tuple[OwedEvent, ...] = Field(default=(), max_length=MAX_EVENTS)

    @model_validator(mode="after")
    def _owes_something(self) -> "OutboxEntry":
        if not self.mails and not self.events:
            raise ValueError("an outbox entry owes at least one mail or one event")
        return self

    @classmethod
    def owing(
        cls,
        *,
        mails: Sequence[MailJob] = (),
        events: Sequence[PortalEvent] = (),
        created_at: datetime | None = None,
    ) -> "OutboxEntry":
        """The entry of a change that owes `mails` and `events`: mail job `n` gets the id
        `<entry id>-m<n>` and event `n` the event id `<entry id>-e<n>`, whatever ids they had."""
        outbox_id = new_outbox_id()
        owed_mails = []
        for n, job in enumerate(mails):
            job = job.model_copy(update={"id": f"{outbox_id}-m{n}"})
            owed_mails.append(
                OwedMail(job_id=job.id, kind=str(getattr(job, "kind", "mail")), body=job.model_dump_json())
            )
        owed_events = []
        for n, event in enumerate(events):
            event = event.model_copy(update={"event_id": f"{outbox_id}-e{n}"})
            owed_events.append(
                OwedEvent(
                    event_id=event.event_id,
                    detail_type=event.DETAIL_TYPE,
                    detail=event.model_dump_json(exclude={"feed_sequence"}),
                )
            )
        return cls(
            id=outbox_id,
            created_at=created_at or now(),
            mails=tuple(owed_mails),
            events=tuple(owed_events),
        )

    @property
    def key(self) -> dict[str, str]:
        return key_of(self.id)

    def item(self) -> dict[str, Any]:
        """The item as written: pending."""
        return {
            **self.key,
            "id": self.id,
            "created_at": stamp(self.created_at),
            "pending": PENDING,
            "mails": [mail.model_dump() for mail in self.mails],
            "events": [event.model_dump() for event in self.events],
        }

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> "OutboxEntry":
        return cls(
            id=str(item["id"]),
            created_at=datetime.fromisoformat(str(item["created_at"])),
            mails=tuple(OwedMail.model_validate(mail) for mail in item.get("mails", [])),
            events=tuple(OwedEvent.model_validate(event) for event in item.get("events", [])),
        )


def outbox_table() -> Table:
    return Table(load_settings(OutboxSettings).outbox_table)


def outbox_put(entry: OutboxEntry) -> "TransactWriteItemTypeDef":
    """The Put of the entry's item, for the change's own TransactWriteItems: the change and what it
    owes are written together or not at all. Conditioned on the item being new (an id is never
    written twice)."""
    return outbox_table().put_action(entry.item(), condition=_NOT_WRITTEN)


def feed_mark_action(pk: str, first: int) -> "TransactWriteItemTypeDef":
    """The mark of the item `pk`'s events as numbered from `first` in the change feed, for the
    feed's transaction; conditioned on the item having no number yet (one relay numbers it)."""
    return outbox_table().update_action(
        {"pk": pk},
        "SET feed_seq = :first",
        condition="attribute_exists(pk) AND attribute_not_exists(feed_seq)",
        values={":first": first},
    )


def write_outbox(entry: OutboxEntry) -> None:
    """Writes the entry's item on its own (one PutItem), for a change that is not itself a DynamoDB
    transaction (a Cognito change, one PutItem). The caller orders it with its change: written first,
    a change that then fails still owes its mail; written after, a Lambda stopped in between loses it."""
    outbox_table().put(entry.item(), condition=_NOT_WRITTEN)
