"""«Мои объекты»: the rules of a consumer's supply points and of the confirmation of their лицевой
счёт by the company (docs/architecture.md, «Domain rules → Objects»)."""

import uuid

from aws_lambda_powertools import Logger

from functions.common.clock import now
from functions.common.errors import Conflict, NotFound, invalid_field
from functions.objects.models import (
    IntegrationObject,
    IntegrationObjectList,
    ObjectEntry,
    ObjectList,
    SupplyObject,
)
from functions.objects.store import MAX_OBJECTS, ObjectGone, ObjectStore

logger = Logger()
INTEGRATION_PAGE = 100
_NOT_FOUND = "Объект не найден."


def objects(user_id: str) -> ObjectList:
    """The consumer's objects, oldest first."""
    found = sorted(ObjectStore().objects(user_id), key=lambda o: o.created_at)
    return ObjectList(items=found)


def add_object(user_id: str, entry: ObjectEntry) -> SupplyObject:
    """Registers a supply point; its лицевой счёт waits for the company's confirmation."""
    numbers = [meter.meter_number for meter in entry.meters]
    for index, number in enumerate(numbers):
        if number in numbers[:index]:
            raise invalid_field(
                f"meters.{index}.meter_number", f"Прибор учёта № {number} уже указан для этого объекта."
            )
    store = ObjectStore()
    existing = store.objects(user_id)
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
    store.add(user_id, added)
    logger.info("object added", extra={"user_id": user_id, "object_id": added.id, "meters": len(numbers)})
    return added


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
    счёт; a repeated confirmation keeps the first one's time and actor."""
    store = ObjectStore()
    key = store.key_of(object_id)
    if key is None:
        raise NotFound(_NOT_FOUND)
    try:
        changed = store.set_confirmed(key, now() if confirmed else None, by)
    except ObjectGone:
        raise NotFound(_NOT_FOUND) from None
    logger.info("object account confirmation", extra={"object_id": object_id, "confirmed": confirmed})
    return changed
