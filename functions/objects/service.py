"""«Мои объекты»: the rules of a consumer's supply points and of the confirmation of their лицевой
счёт by the company (docs/architecture.md, «Domain rules → Objects»)."""

import uuid
from datetime import timedelta

from aws_lambda_powertools import Logger

from functions.common import events
from functions.common.clock import now
from functions.common.errors import Conflict, NotFound, ServiceUnavailable, invalid_field
from functions.common.outbox import OutboxEntry, outbox_put
from functions.objects.models import (
    IntegrationObject,
    IntegrationObjectList,
    ObjectEntry,
    ObjectList,
    SupplyObject,
)
from functions.objects.store import MAX_OBJECTS, ObjectChangedMeanwhile, ObjectStore, StoredObject

logger = Logger()
INTEGRATION_PAGE = 100
# An object sent again within this long, every field the same, is a retry of the first (`_sent_again`).
REPEAT_WINDOW = timedelta(minutes=10)
# Tries of a confirmation when the consumer keeps changing the object meanwhile (rare: a few at most).
CONFIRM_ATTEMPTS = 3
_NOT_FOUND = "Объект не найден."
_NOT_CHANGED = "Объект не изменён"
_MEANWHILE = "Объект изменили в другом окне или на другом устройстве: обновите страницу и повторите."
CONFIRMED_ACCOUNT = (
    "Лицевой счёт подтверждён сетевой компанией: изменить его можно только через сетевую компанию. "
    "Подайте заявку в разделе «Заявки» или оставьте прежний номер."
)


def objects(user_id: str) -> ObjectList:
    """The consumer's objects, oldest first."""
    found = sorted(ObjectStore().objects(user_id), key=lambda o: o.created_at)
    return ObjectList(items=found)


def _refuse_repeated_meters(entry: ObjectEntry) -> list[str]:
    numbers = [meter.meter_number for meter in entry.meters]
    for index, number in enumerate(numbers):
        if number in numbers[:index]:
            raise invalid_field(
                f"meters.{index}.meter_number", f"Прибор учёта № {number} уже указан для этого объекта."
            )
    return numbers


def add_object(user_id: str, entry: ObjectEntry) -> SupplyObject:
    """Registers a supply point; its лицевой счёт waits for the company's confirmation. Written
    with its event (portal.object.added.v1) in one transaction."""
    numbers = _refuse_repeated_meters(entry)
    store = ObjectStore()
    existing = store.objects(user_id)
    repeated = _sent_again(existing, entry)
    if repeated is not None:
        logger.info(
            "object sent again: answered as added", extra={"user_id": user_id, "object_id": repeated.id}
        )
        return repeated  # nothing written, nothing owed again
    if len(existing) >= MAX_OBJECTS:
        raise Conflict("Объект не добавлен", f"В личном кабинете не больше {MAX_OBJECTS} объектов.")
    added = SupplyObject(
        id=uuid.uuid4().hex,
        name=entry.name,
        address=entry.typed_address,
        settlement=entry.settlement,
        street=entry.street,
        house=entry.house,
        account_number=entry.account_number,
        cadastral_number=entry.cadastral_number,
        meters=entry.meters,
        account_state="pending",
        account_confirmed_at=None,
        created_at=now(),
    )
    event = events.ObjectAdded(
        user_id=user_id,
        object_id=added.id,
        sequence=1,
        account_number=added.account_number,
        account_state="pending",
        meters=len(numbers),
        added_at=added.created_at,
    )
    store.add(user_id, added, outbox_put(OutboxEntry.owing(events=[event], created_at=added.created_at)))
    logger.info("object added", extra={"user_id": user_id, "object_id": added.id, "meters": len(numbers)})
    return added


def _sent_again(existing: list[SupplyObject], entry: ObjectEntry) -> SupplyObject | None:
    """The object this entry added already, when it is the same entry sent again: a client's retry
    after a lost answer (API Gateway's 502 when the function was stopped after its write). An object
    with every field the same, added within REPEAT_WINDOW, is that one: a consumer has no reason to
    add one object twice (POST /api/objects takes no Idempotency-Key)."""
    since = now() - REPEAT_WINDOW
    for found in existing:
        if found.created_at < since or found.account_state != "pending":
            continue
        same = (
            found.name == entry.name
            and found.address == entry.typed_address
            and (found.settlement, found.street, found.house) == (entry.settlement, entry.street, entry.house)
            and found.account_number == entry.account_number
            and found.cadastral_number == entry.cadastral_number
            and found.meters == entry.meters
        )
        if same:
            return found
    return None


def _own(store: ObjectStore, user_id: str, object_id: str) -> StoredObject:
    found = store.own(user_id, object_id)
    if found is None:
        raise NotFound(_NOT_FOUND)
    return found


def change_object(user_id: str, object_id: str, entry: ObjectEntry) -> SupplyObject:
    """The consumer corrects their object: everything but a confirmed лицевой счёт, which only the
    company changes (it is the account billing knows; a new one is a request to the company). A
    changed (unconfirmed) лицевой счёт waits for confirmation again. Written with its event
    (portal.object.changed.v1) in one transaction; Conflict when the object changed meanwhile."""
    _refuse_repeated_meters(entry)
    store = ObjectStore()
    read = _own(store, user_id, object_id)
    current = read.object
    account_changed = entry.account_number != current.account_number
    if account_changed and current.account_state == "confirmed":
        raise invalid_field("account_number", CONFIRMED_ACCOUNT)
    changed = current.model_copy(
        update={
            "name": entry.name,
            "address": entry.typed_address,
            "settlement": entry.settlement,
            "street": entry.street,
            "house": entry.house,
            "account_number": entry.account_number,
            "cadastral_number": entry.cadastral_number,
            "meters": entry.meters,
        }
    )
    if changed == current:
        return current  # nothing changes (a retry of a change done): no write, no event
    at = now()
    event = events.ObjectChanged(
        user_id=user_id,
        object_id=object_id,
        sequence=read.version + 1,
        account_changed=account_changed,
        changed_at=at,
    )
    try:
        store.replace(user_id, changed, read, outbox_put(OutboxEntry.owing(events=[event], created_at=at)))
    except ObjectChangedMeanwhile:
        raise Conflict(_NOT_CHANGED, _MEANWHILE) from None
    logger.info("object changed", extra={"user_id": user_id, "object_id": object_id})
    return changed


def remove_object(user_id: str, object_id: str) -> None:
    """The consumer removes their object (its readings stay): with its event
    (portal.object.removed.v1) in one transaction."""
    store = ObjectStore()
    read = _own(store, user_id, object_id)
    at = now()
    event = events.ObjectRemoved(
        user_id=user_id, object_id=object_id, sequence=read.version + 1, removed_at=at
    )
    try:
        store.remove(user_id, read, outbox_put(OutboxEntry.owing(events=[event], created_at=at)))
    except ObjectChangedMeanwhile:
        raise Conflict("Объект не удалён", _MEANWHILE) from None
    logger.info("object removed", extra={"user_id": user_id, "object_id": object_id})


def to_confirm(cursor: str | None = None, limit: int = INTEGRATION_PAGE) -> IntegrationObjectList:
    """The integrators' worklist: objects whose лицевой счёт is not confirmed, oldest first, a page
    at a time (`cursor` from the page before)."""
    items, after = ObjectStore().to_confirm(limit, cursor)
    return IntegrationObjectList(items=items, cursor=after)


def integration_object(object_id: str) -> IntegrationObject:
    """An object with its owner, as an integrator sees it; NotFound when there is none."""
    store = ObjectStore()
    key = store.key_of(object_id)
    found = store.integration_object(key) if key is not None else None
    if found is None:
        raise NotFound(_NOT_FOUND)
    return found


def confirm_account(object_id: str, confirmed: bool, by: str) -> IntegrationObject:
    """The company (the actor `by`) confirms (or withdraws the confirmation of) an object's лицевой
    счёт, with its event (portal.object.confirmed.v1, portal.object.confirmation.withdrawn.v1) in one
    transaction that moves the object's version on. A confirmation repeated (or a withdrawal of none)
    changes nothing and owes nothing: the first confirmation's time and actor are kept."""
    store = ObjectStore()
    key = store.key_of(object_id)
    if key is None:
        raise NotFound(_NOT_FOUND)
    for _ in range(CONFIRM_ATTEMPTS):
        read = store.integration_read(key)
        if read is None:
            raise NotFound(_NOT_FOUND)
        current = read.object
        if (current.account_state == "confirmed") == confirmed:
            return current  # as asked already: no write, no event
        at = now()
        event: events.PortalEvent
        if confirmed:
            event = events.ObjectConfirmed(
                user_id=current.user_id,
                object_id=object_id,
                sequence=read.version + 1,
                account_number=current.account_number,
                account_state="confirmed",
                confirmed_by=by,
                confirmed_at=at,
            )
        else:
            event = events.ObjectConfirmationWithdrawn(
                user_id=current.user_id,
                object_id=object_id,
                sequence=read.version + 1,
                account_number=current.account_number,
                account_state="pending",
                withdrawn_by=by,
                withdrawn_at=at,
            )
        owed = outbox_put(OutboxEntry.owing(events=[event], created_at=at))
        try:
            changed = store.set_confirmed(key, read, at if confirmed else None, by, owed)
        except ObjectChangedMeanwhile:
            continue  # changed or removed meanwhile: judged again on what it is now (or a 404)
        logger.info("object account confirmation", extra={"object_id": object_id, "confirmed": confirmed})
        return changed
    raise ServiceUnavailable
