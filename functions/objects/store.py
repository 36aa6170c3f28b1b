"""Supply objects in DynamoDB: items of the readings table (`READINGS_TABLE`), next to the meters
their readings belong to. The only place that knows their layout.

- an object: partition `user_id` (the consumer's Cognito `sub`), `sk = "object#<id>"`. A consumer's
  objects are one Query (`begins_with(sk, "object#")`); ids are random (uuid4 hex), so the list is
  ordered by the `created_at` the service sorts on, not by key.
- `object_id` on every object: the keys-only index `ObjectById` finds an object's key from its id
  alone (an integrator's `PATCH /api/integration/objects/{id}`): one Query, then one consistent
  GetItem and the confirmation's TransactWriteItems (the object's update and its event's outbox item).
- `street_key` and `house_key` on an object with a structured address (settlement, street, house,
  normalised by functions/common/addresses.py): the index `ObjectsByStreet` (`street_key`, `sk`;
  projected: the owner, the house, the name) finds every object of one street in one Query per page —
  the outages' fan-out (functions/outages/fanout.py) reads it, never a Scan.
- `account_queue = "pending"` while the лицевой счёт is not confirmed: the sparse index
  `AccountsToConfirm` (`account_queue`, `created_at`) is the integrators' worklist, oldest first, one
  Query; confirming removes the attribute, and with it the object from the index.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict

from functions.common.addresses import house_key, street_key
from functions.common.cursor import decode_cursor, encode_cursor
from functions.common.dynamo import Table, cancellation_reasons
from functions.common.settings import load_settings
from functions.objects.models import IntegrationObject, ObjectMeter, SupplyObject

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

OBJECT_PREFIX = "object#"
BY_ID_INDEX = "ObjectById"
TO_CONFIRM_INDEX = "AccountsToConfirm"
BY_STREET_INDEX = "ObjectsByStreet"
PENDING = "pending"
MAX_OBJECTS = 50  # per consumer: a household has one or a few, a business some dozens


class ObjectsSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    readings_table: str


class ObjectChangedMeanwhile(Exception):
    """The object was changed (or removed) after it was read: nothing was written."""


@dataclass(frozen=True)
class StoredObject:
    """A consumer's object with its version: 1 when added, one more for each change the consumer
    makes and each confirmation (or its withdrawal) by the company (the `sequence` of its events),
    and who confirmed its лицевой счёт (kept through the consumer's changes)."""

    object: SupplyObject
    version: int
    confirmed_by: str | None = None


@dataclass(frozen=True)
class StoredIntegrationObject:
    """An object with its owner, as the company sees it, and its version."""

    object: IntegrationObject
    version: int


def _time(at: datetime) -> str:
    return at.isoformat()


def _object(item: dict[str, Any]) -> SupplyObject:
    confirmed = item.get("account_confirmed_at")
    return SupplyObject(
        id=item["object_id"],
        name=item["name"],
        address=item["address"],
        settlement=item.get("settlement"),
        street=item.get("street"),
        house=item.get("house"),
        account_number=item["account_number"],
        cadastral_number=item.get("cadastral_number"),
        meters=[ObjectMeter.model_validate(meter) for meter in item["meters"]],
        account_state="confirmed" if confirmed else "pending",
        account_confirmed_at=datetime.fromisoformat(confirmed) if confirmed else None,
        created_at=datetime.fromisoformat(item["created_at"]),
    )


def _integration_object(item: dict[str, Any]) -> IntegrationObject:
    confirmed_by = item.get("account_confirmed_by")
    return IntegrationObject(
        **_object(item).model_dump(),
        user_id=item["user_id"],
        account_confirmed_by=str(confirmed_by) if confirmed_by and item.get("account_confirmed_at") else None,
    )


def _in_worklist(key: dict[str, str]) -> bool:
    """Whether a cursor's key is a key of the worklist's index (AccountsToConfirm)."""
    return set(key) == {"user_id", "sk", "account_queue", "created_at"} and key["account_queue"] == PENDING


def _still(read: StoredObject) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The condition that the object is still the version read (an object added before objects had
    versions is version 1) with the лицевой счёт's confirmation as read (the company confirms
    without moving the version): condition, names, values."""
    version = "#v = :read" if read.version > 1 else "(#v = :read OR attribute_not_exists(#v))"
    values: dict[str, Any] = {":read": read.version}
    confirmed = read.object.account_confirmed_at
    if confirmed is None:
        account = "attribute_not_exists(account_confirmed_at)"
    else:
        account, values[":at"] = "account_confirmed_at = :at", _time(confirmed)
    return f"attribute_exists(sk) AND {version} AND {account}", {"#v": "version"}, values


def _version(item: dict[str, Any]) -> int:
    return int(item.get("version", 1))  # an object added before objects had versions: 1


def _item(
    user_id: str, supply: SupplyObject, version: int, confirmed_by: str | None = None
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "user_id": user_id,
        "sk": f"{OBJECT_PREFIX}{supply.id}",
        "object_id": supply.id,
        "name": supply.name,
        "address": supply.address,
        "account_number": supply.account_number,
        "meters": [meter.model_dump(mode="json", exclude_none=True) for meter in supply.meters],
        "created_at": _time(supply.created_at),
        "version": version,
    }
    if supply.account_confirmed_at is None:
        item["account_queue"] = PENDING
    else:
        item["account_confirmed_at"] = _time(supply.account_confirmed_at)
        if confirmed_by is not None:
            item["account_confirmed_by"] = confirmed_by
    if supply.cadastral_number is not None:
        item["cadastral_number"] = supply.cadastral_number
    if supply.settlement is not None and supply.house is not None:
        item.update(
            settlement=supply.settlement,
            house=supply.house,
            street_key=street_key(supply.settlement, supply.street),
            house_key=house_key(supply.house),
        )
        if supply.street is not None:
            item["street"] = supply.street
    return item


class ObjectStore:
    def __init__(self) -> None:
        self._table = Table(load_settings(ObjectsSettings).readings_table)

    def objects(self, user_id: str) -> list[SupplyObject]:
        """The consumer's objects: one Query."""
        page = self._table.query(
            "user_id = :user AND begins_with(sk, :prefix)",
            {":user": user_id, ":prefix": OBJECT_PREFIX},
            limit=MAX_OBJECTS,
        )
        return [_object(item) for item in page.items]

    def add(self, user_id: str, added: SupplyObject, owed: "TransactWriteItemTypeDef") -> None:
        """Writes the new object (version 1) and the outbox item `owed` in one transaction."""
        put = self._table.put_action(_item(user_id, added, version=1), condition="attribute_not_exists(sk)")
        try:
            self._table.transact([put, owed])
        except ClientError as error:
            reasons = cancellation_reasons(error) or []
            if not reasons or reasons[0].code != "ConditionalCheckFailed":
                raise
            # The key is new (a fresh id): it is there only because this very transaction was done
            # and its answer lost, the SDK's second attempt meeting it (the outbox item with it).

    def own(self, user_id: str, object_id: str) -> StoredObject | None:
        """The consumer's object of this id (None when they have none such): one consistent GetItem
        in their own partition, so nobody reaches another's object."""
        item = self._table.get({"user_id": user_id, "sk": f"{OBJECT_PREFIX}{object_id}"}, consistent=True)
        if not item:
            return None
        by = item.get("account_confirmed_by")
        return StoredObject(_object(item), _version(item), str(by) if by is not None else None)

    def replace(
        self, user_id: str, changed: SupplyObject, read: StoredObject, owed: "TransactWriteItemTypeDef"
    ) -> None:
        """Writes the object as `changed` (its version one more than `read`'s) and the outbox item
        `owed`, in one transaction, if the object is still the version read; raises
        ObjectChangedMeanwhile when it is not (or is gone)."""
        item = _item(user_id, changed, version=read.version + 1, confirmed_by=read.confirmed_by)
        condition, names, values = _still(read)
        put = self._table.put_action(item, condition=condition, names=names, values=values)
        self._write([put, owed])

    def remove(self, user_id: str, read: StoredObject, owed: "TransactWriteItemTypeDef") -> None:
        """Deletes the object and writes the outbox item `owed`, in one transaction, if the object is
        still the version read; raises ObjectChangedMeanwhile when it is not."""
        key = {"user_id": user_id, "sk": f"{OBJECT_PREFIX}{read.object.id}"}
        condition, names, values = _still(read)
        delete = self._table.delete_action(key, condition=condition, names=names, values=values)
        self._write([delete, owed])

    def _write(self, actions: list["TransactWriteItemTypeDef"]) -> None:
        try:
            self._table.transact(actions)
        except ClientError as error:
            reasons = cancellation_reasons(error) or []
            if any(reason.code in ("ConditionalCheckFailed", "TransactionConflict") for reason in reasons):
                raise ObjectChangedMeanwhile from error
            raise

    def delete_all(self, user_id: str) -> int:
        """Deletes every object of the consumer (the erasure: an address, a лицевой счёт, a cadastral
        number name the person); one Query of keys, a DeleteItem each. Returns how many."""
        keys = self._table.query_all(
            "user_id = :user AND begins_with(sk, :prefix)",
            {":user": user_id, ":prefix": OBJECT_PREFIX},
            projection="user_id, sk",
        )
        deleted = 0
        for key in keys:
            self._table.delete({"user_id": str(key["user_id"]), "sk": str(key["sk"])})
            deleted += 1
        return deleted

    def to_confirm(self, limit: int, cursor: str | None) -> tuple[list[IntegrationObject], str | None]:
        """Objects whose лицевой счёт is not confirmed yet, oldest first, from after `cursor` (one this
        list gave, else a 422 on `cursor`): one Query of the sparse index; the next page's cursor."""
        start = decode_cursor(cursor, _in_worklist) if cursor else None
        page = self._table.query(
            "account_queue = :pending",
            {":pending": PENDING},
            index=TO_CONFIRM_INDEX,
            limit=limit,
            start=start,
        )
        return [_integration_object(item) for item in page.items], encode_cursor(page.last_key)

    def key_of(self, object_id: str) -> dict[str, str] | None:
        """The table key of the object with this id: one Query of the keys-only index."""
        page = self._table.query("object_id = :id", {":id": object_id}, index=BY_ID_INDEX, limit=1)
        if not page.items:
            return None
        return {"user_id": str(page.items[0]["user_id"]), "sk": str(page.items[0]["sk"])}

    def integration_object(self, key: dict[str, str]) -> IntegrationObject | None:
        """The object at `key` with its owner: one GetItem."""
        item = self._table.get(key)
        return _integration_object(item) if item else None

    def integration_read(self, key: dict[str, str]) -> StoredIntegrationObject | None:
        """The object at `key` with its owner and version, read consistently (a change is judged
        against it): one GetItem."""
        item = self._table.get(key, consistent=True)
        return StoredIntegrationObject(_integration_object(item), _version(item)) if item else None

    def set_confirmed(
        self,
        key: dict[str, str],
        read: StoredIntegrationObject,
        confirmed_at: datetime | None,
        by: str,
        owed: "TransactWriteItemTypeDef",
    ) -> IntegrationObject:
        """Marks the лицевой счёт confirmed (at `confirmed_at`, by the actor `by`) or not (None), moves
        the version on and writes the outbox item `owed`, in one transaction, if the object is still
        the version read; raises ObjectChangedMeanwhile when it is not (or is gone)."""
        version = read.version + 1
        if confirmed_at is not None:
            expression = (
                "SET account_confirmed_at = :confirmed_at, account_confirmed_by = :by, #v = :new"
                " REMOVE account_queue"
            )
            values: dict[str, Any] = {":confirmed_at": _time(confirmed_at), ":by": by}
        else:
            expression = (
                "SET account_queue = :pending, #v = :new REMOVE account_confirmed_at, account_confirmed_by"
            )
            values = {":pending": PENDING}
        condition, names, still = _still(StoredObject(read.object, read.version))
        update = self._table.update_action(
            key, expression, condition=condition, names=names, values={**values, **still, ":new": version}
        )
        self._write([update, owed])
        changed = read.object.model_copy(
            update={
                "account_state": "confirmed" if confirmed_at is not None else "pending",
                "account_confirmed_at": confirmed_at,
                "account_confirmed_by": by if confirmed_at is not None else None,
            }
        )
        return IntegrationObject.model_validate(changed.model_dump())

    def on_street(self, key: str, start: dict[str, Any] | None, limit: int) -> "StreetPage":
        """One page of the objects of a street (`street_key`), by the index `ObjectsByStreet`: one Query."""
        page = self._table.query(
            "street_key = :street", {":street": key}, index=BY_STREET_INDEX, limit=limit, start=start
        )
        found = [
            ObjectAtAddress(
                user_id=str(item["user_id"]),
                object_id=str(item["object_id"]),
                name=str(item["name"]),
                house=str(item["house"]),
            )
            for item in page.items
        ]
        return StreetPage(found, page.last_key)


@dataclass(frozen=True)
class ObjectAtAddress:
    """An object found by its street: whose it is, its house, its name."""

    user_id: str
    object_id: str
    name: str
    house: str


@dataclass(frozen=True)
class StreetPage:
    objects: list[ObjectAtAddress]
    next_start: dict[str, Any] | None
