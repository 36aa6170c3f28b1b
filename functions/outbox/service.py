"""Relaying one outbox item: what the stream's relay and the sweeper both do (the same code).

For an item still pending (read again, consistently: the stream's record may be old news), each mail
job is sent to MailQueue, the events are put on PortalEventBus in one PutEvents, and the item is
marked relayed (out of the Pending index, with a TTL). Any failure raises, the item stays pending and
is tried again: by the stream (its retries) or by the sweeper (every minute, however long it takes).

Delivered at least once, and done once where it counts: a mail job sent again is the same job (its
id derives from the item's), which the mail worker skips once it finished it, so its mail goes out
once; an event put again carries the same `event_id`, which integrators deduplicate by. When the
mails went out and the events did not, the item says so (`mails_queued_at`) and the retry sends the
events only.
"""

from aws_lambda_powertools import Logger

from functions.common import events
from functions.common.aws import sqs
from functions.common.changes import AlreadyNumbered, ChangeFeed, with_sequence
from functions.common.clock import now
from functions.common.mail import MailSettings
from functions.common.metrics import BusinessMetric, count
from functions.common.outbox import OwedEvent, OwedMail
from functions.common.settings import load_settings
from functions.outbox.store import OutboxStore, Owed

logger = Logger()


class EventsRefused(Exception):
    """EventBridge took the call and refused some of its entries: the item's events are put again."""


def _queue(mails: tuple[OwedMail, ...]) -> None:
    url = load_settings(MailSettings).mail_queue_url
    for mail in mails:
        sqs().send_message(QueueUrl=url, MessageBody=mail.body)


def _publish(owed: tuple[OwedEvent, ...], first: int) -> None:
    bus = events.bus_name()
    refused = events.put_entries(
        [events.bus_entry(e.detail_type, with_sequence(e.detail, first + n), bus) for n, e in enumerate(owed)]
    )
    if refused:
        raise EventsRefused(", ".join(refused))


def relay(pk: str) -> str:
    """Relays the item `pk` if it is still owed; what happened: relayed, or nothing_owed (relayed
    before, or gone). Raises when something owed was not relayed."""
    store = OutboxStore()
    owed = store.owed(pk)
    if owed is None:
        return "nothing_owed"
    entry = owed.entry
    first = _numbered(store, pk, owed) if entry.events else 0
    queue_now = bool(entry.mails) and not owed.mails_queued
    if queue_now:
        _queue(entry.mails)
    if entry.events:
        try:
            _publish(entry.events, first)
        except Exception:
            if queue_now:
                _remember_mails_queued(store, pk)
            raise
    store.mark_relayed(pk, now())
    return "relayed"


def _numbered(store: OutboxStore, pk: str, owed: Owed) -> int:
    """The number of the item's first event in the change feed: given before (an earlier try, the
    other relay), or given now, with the events recorded in the feed (functions/common/changes.py)."""
    if owed.feed_seq is not None:
        return owed.feed_seq
    try:
        return ChangeFeed().number(pk, owed.entry.id, owed.entry.events)
    except AlreadyNumbered:
        numbered = store.feed_seq(pk)
        if numbered is None:  # the item went meanwhile: relayed and expired
            raise
        return numbered


def _remember_mails_queued(store: OutboxStore, pk: str) -> None:
    try:
        store.mark_mails_queued(pk, now())
    except Exception:
        # The retry then queues the mails again: the same jobs, which the mail worker mails once.
        logger.exception("outbox item's mails queued, not marked so", extra={"pk": pk})


def relay_counted(pk: str, by: str) -> str:
    """`relay`, logged and counted (OutboxRelays by Outcome); re-raises its failure."""
    try:
        outcome = relay(pk)
    except Exception:
        logger.exception("outbox item not relayed, to be retried", extra={"pk": pk, "by": by})
        count(BusinessMetric.OUTBOX_RELAYS, Outcome="failed")
        raise
    if outcome == "relayed":
        logger.info("outbox item relayed", extra={"pk": pk, "by": by})
        count(BusinessMetric.OUTBOX_RELAYS, Outcome="relayed")
    return outcome
