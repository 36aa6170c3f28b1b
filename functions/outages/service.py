"""Outages: the rules of publishing, moving and withdrawing one, and of who sees it
(docs/architecture.md «Domain rules → Outages»).

A publication, a change and a withdrawal are each one transaction: the outage, its streets' entries and
one outbox item, which owes the event integrators hear and one fan-out job (functions/outages/fanout.py)
— never a mail per consumer in the transaction: the job, run by MailFunction, finds the objects of each
street by the objects' index and mails their consumers, each mail with a job id of its own that a
redelivery repeats.
"""

from datetime import datetime

from aws_lambda_powertools import Logger

from functions.common.addresses import parse_houses, settlement_key, street_key
from functions.common.clock import now
from functions.common.errors import Conflict, NotFound, TryLater, coded, invalid_field
from functions.common.events import OutageChanged, OutagePublished, OutageWithdrawn, PortalEvent
from functions.common.idempotency import checked_key, refused_key, sha256
from functions.common.outbox import OutboxEntry, outbox_put
from functions.objects import service as objects
from functions.objects.models import ObjectEntry, SupplyObject
from functions.objects.store import ObjectAtAddress
from functions.outages.jobs import FanoutPurpose, OutageFanout
from functions.outages.models import (
    AffectedObject,
    MyOutage,
    MyOutageList,
    Outage,
    OutageChange,
    OutageKind,
    OutageList,
    OutagePublication,
    OutageStatus,
    OutageStreet,
)
from functions.outages.store import OutageExists, OutageMoved, OutageStore

logger = Logger()
_NOT_FOUND = "Отключение не найдено."
_ONE_EACH = "одну на каждое новое отключение. По нему повторная отправка не опубликует второе."
_REUSED = "С этим Idempotency-Key уже опубликовано другое отключение. Для нового создайте новый ключ."
_TRIES = 3


def _merged_streets(publication: OutagePublication) -> list[OutageStreet]:
    """The publication's streets, one per street key (the same street twice: its houses together)."""
    merged: dict[str, OutageStreet] = {}
    for address in publication.addresses:
        key = street_key(address.settlement, address.street)
        houses = str(address.houses)
        if key in merged:
            earlier = merged[key]
            together = ", ".join(part for part in (earlier.houses, houses) if part)
            # One of them the whole street: the whole street.
            merged[key] = earlier.model_copy(update={"houses": together if earlier.houses and houses else ""})
        else:
            merged[key] = OutageStreet(settlement=address.settlement, street=address.street, houses=houses)
    return list(merged.values())


def _owing(outage: Outage, event: PortalEvent, purpose: FanoutPurpose) -> OutboxEntry:
    job = OutageFanout(outage_id=outage.id, version=outage.version, purpose=purpose)
    return OutboxEntry.owing(mails=[job], events=[event])


def publish(scope: str, idempotency_key: str | None, publication: OutagePublication) -> tuple[Outage, bool]:
    """Publishes the outage, once per Idempotency-Key (a repeat is answered with what the key
    published); and whether it is such a repeat."""
    key = checked_key(idempotency_key, _ONE_EACH)
    payload = sha256(publication.model_dump_json())
    at = now()
    outage = Outage(
        id=sha256(f"{scope}:{key}")[:32],
        kind=publication.kind,
        status=OutageStatus.PUBLISHED,
        starts_at=publication.starts_at,
        ends_at=publication.ends_at,
        reason=publication.reason,
        addresses=_merged_streets(publication),
        version=1,
        published_at=at,
        changed_at=at,
    )
    event = OutagePublished(
        outage_id=outage.id,
        kind=outage.kind.value,
        sequence=1,
        starts_at=outage.starts_at,
        ends_at=outage.ends_at,
        streets=len(outage.addresses),
    )
    try:
        OutageStore().publish(outage, payload, outbox_put(_owing(outage, event, FanoutPurpose.PUBLISHED)))
    except OutageExists as exists:
        if exists.earlier is None:
            raise Conflict("Отключение уже публикуется", "Повторите запрос через несколько секунд.") from None
        if exists.earlier.payload_hash != payload:
            raise coded(refused_key(_REUSED), "idempotency-key-reused") from None
        return exists.earlier.outage, True
    logger.info(
        "outage published",
        extra={"outage_id": outage.id, "kind": outage.kind, "streets": len(outage.addresses)},
    )
    return outage, False


def _current(store: OutageStore, outage_id: str) -> Outage:
    found = store.outage(outage_id)
    if found is None:
        raise NotFound(_NOT_FOUND)
    return found.outage


def change(outage_id: str, change: OutageChange) -> Outage:
    """Moves the outage's times or reason; a moved restoration estimate of an emergency is mailed to
    its consumers (the fan-out), any change is an event."""
    if change.starts_at is None and change.ends_at is None and change.reason is None:
        raise invalid_field("ends_at", "Укажите, что изменить: начало, окончание или причину отключения.")
    store = OutageStore()
    for _ in range(_TRIES):
        before = _current(store, outage_id)
        if before.status != OutageStatus.PUBLISHED:
            raise Conflict("Отключение отозвано", "Отозванное отключение не изменяется.")
        starts = change.starts_at or before.starts_at
        ends = change.ends_at or before.ends_at
        if ends <= starts:
            raise invalid_field("ends_at", "Время окончания должно быть позже начала отключения.")
        reason = change.reason or before.reason
        if (starts, ends, reason) == (before.starts_at, before.ends_at, before.reason):
            return before  # as asked already (a retry of a change that was made): nothing owed again
        at = now()
        after = before.model_copy(
            update={
                "starts_at": starts,
                "ends_at": ends,
                "reason": reason,
                "version": before.version + 1,
                "changed_at": at,
            }
        )
        estimate_moved = before.kind == OutageKind.EMERGENCY and ends != before.ends_at
        purpose = FanoutPurpose.ESTIMATE_CHANGED if estimate_moved else FanoutPurpose.CHANGED
        event = OutageChanged(
            outage_id=after.id,
            kind=after.kind.value,
            sequence=after.version,
            starts_at=after.starts_at,
            ends_at=after.ends_at,
            changed_at=at,
        )
        try:
            store.replace(before, after, outbox_put(_owing(after, event, purpose)))
        except OutageMoved:
            continue
        logger.info("outage changed", extra={"outage_id": outage_id, "version": after.version})
        return after
    raise TryLater(
        "Отключение меняется одновременно", "Повторите запрос через несколько секунд.", retry_after=5
    )


def withdraw(outage_id: str) -> Outage:
    """Withdraws the outage: it is listed no more, and leaves its consumers' pages (the fan-out)."""
    store = OutageStore()
    for _ in range(_TRIES):
        before = _current(store, outage_id)
        if before.status == OutageStatus.WITHDRAWN:
            return before  # withdrawn already: a repeat changes nothing
        at = now()
        after = before.model_copy(
            update={"status": OutageStatus.WITHDRAWN, "version": before.version + 1, "changed_at": at}
        )
        event = OutageWithdrawn(
            outage_id=after.id, kind=after.kind.value, sequence=after.version, withdrawn_at=at
        )
        try:
            store.replace(before, after, outbox_put(_owing(after, event, FanoutPurpose.WITHDRAWN)))
        except OutageMoved:
            continue
        logger.info("outage withdrawn", extra={"outage_id": outage_id})
        return after
    raise TryLater(
        "Отключение меняется одновременно", "Повторите запрос через несколько секунд.", retry_after=5
    )


def _ordered(outages: list[Outage]) -> list[Outage]:
    """Emergencies first, then by start."""
    return sorted(outages, key=lambda o: (o.kind != OutageKind.EMERGENCY, o.starts_at, o.id))


def listed(settlement: str | None, street: str | None, at: datetime | None = None) -> OutageList:
    """The outages not over yet: of a street, of a settlement, or all; one Query each."""
    moment = at or now()
    store = OutageStore()
    if street is not None and settlement is None:
        raise invalid_field("settlement", "Укажите населённый пункт: улица ищется в нём.")
    if settlement is not None and not settlement_key(settlement):
        raise invalid_field("settlement", "Укажите название населённого пункта, например «Бор».")
    if settlement is None:
        found = store.active(moment)
    elif street is None:
        found = [outage for outage, _ in store.in_settlement(settlement_key(settlement), moment)]
    else:
        found = [outage for outage, _ in store.in_street(street_key(settlement, street), moment)]
    unique = {outage.id: outage for outage in found}
    return OutageList(items=_ordered(list(unique.values())))


def one(outage_id: str) -> Outage:
    found = OutageStore().public(outage_id)
    if found is None:
        raise NotFound(_NOT_FOUND)
    return found


def add_object(user_id: str, entry: ObjectEntry) -> SupplyObject:
    """«Мои объекты»: adds the consumer's object and puts on their page the outages already published
    at its address (the fan-out ran before the object existed). The street's outages are read first
    (one Query): when that fails, nothing is added."""
    covering: list[Outage] = []
    if entry.settlement is not None and entry.house is not None:
        for outage, houses in OutageStore().in_street(street_key(entry.settlement, entry.street), now()):
            if outage.status == OutageStatus.PUBLISHED and parse_houses(houses).covers(entry.house):
                covering.append(outage)
    added = objects.add_object(user_id, entry)
    found = ObjectAtAddress(user_id=user_id, object_id=added.id, name=added.name, house=added.house or "")
    for outage in covering:
        OutageStore().mark_consumer(outage, found)
    return added


def exists(outage_id: str) -> bool:
    """Whether an outage of this id was ever published (one GetItem)."""
    return OutageStore().public(outage_id) is not None


def mine(user_id: str, at: datetime | None = None) -> MyOutageList:
    """The outages at the consumer's objects, not over yet: one Query of the consumer's entries."""
    moment = at or now()
    grouped: dict[str, MyOutage] = {}
    for outage, found in OutageStore().at_consumer(user_id):
        if outage.ends_at < moment or outage.status != OutageStatus.PUBLISHED:
            continue
        entry = grouped.setdefault(outage.id, MyOutage(outage=outage, objects=[]))
        entry.objects.append(AffectedObject(object_id=found.object_id, name=found.name, house=found.house))
    return MyOutageList(
        items=[grouped[outage.id] for outage in _ordered([m.outage for m in grouped.values()])]
    )
