"""Outages in DynamoDB (template.yaml's OutagesTable): the only place that knows their items.

The access patterns (docs/architecture.md «Data model», OutagesTable) — no request path scans:

- the outage: `pk = outage#<id>`, `sk = outage` — what the company published (its kind, times, reason,
  streets with their houses, `version`, `status`), and the hash of the payload its Idempotency-Key
  claimed (the id is derived from the key: the claim is the item itself, written once). While it is
  published it carries `active = "1"`: the sparse index `Active` (`active`, `ends_at`) lists the
  outages not yet over in one Query (the public page without a filter, the daily reminders);
- a street's entry: `pk = street#<street key>`, `sk = outage#<id>` — a copy of the outage with that
  street's houses, for every street it names, written in the outage's own transaction (≤ 20 streets).
  «Outages in this street» is one Query of its partition; `settlement_key` on each, the index
  `BySettlement` (`settlement_key`, `sk`): «in this settlement» is one Query. The entry expires
  (TTL `expires_at`) two days after the outage's end, so a street's partition holds what is current;
- a consumer's entry: `pk = consumer#<sub>`, `sk = outage#<id>#<object id>` — a copy of the outage at
  one of the consumer's objects (its name and house), written by the fan-out
  (functions/outages/fanout.py), which finds the objects by their street (functions/objects/store.py,
  `ObjectsByStreet`). «Outages at my objects» is one Query of the consumer's partition, whatever the
  number of objects in the portal; it expires as a street's entry does.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict

from functions.common.addresses import settlement_key, street_key
from functions.common.dynamo import Table, cancellation_reasons, condition_failed
from functions.common.outbox import stamp
from functions.common.settings import load_settings
from functions.objects.store import ObjectAtAddress
from functions.outages.models import Outage, OutageStatus

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

OUTAGE_SK = "outage"
ACTIVE = "1"
ACTIVE_INDEX = "Active"
BY_SETTLEMENT_INDEX = "BySettlement"
KEPT_AFTER_END = timedelta(days=2)
LISTED = 200  # outages one list answers: a region's day has dozens


class OutagesSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    outages_table: str


class OutageExists(Exception):
    """An outage with this id (this Idempotency-Key) was published before: `earlier` is it."""

    def __init__(self, earlier: "StoredOutage | None") -> None:
        super().__init__("outage exists")
        self.earlier = earlier


class OutageMoved(Exception):
    """The outage changed (or was withdrawn) since it was read: read it again."""


@dataclass(frozen=True)
class StoredOutage:
    outage: Outage
    payload_hash: str


def _key(outage_id: str) -> dict[str, str]:
    return {"pk": f"outage#{outage_id}", "sk": OUTAGE_SK}


def _expiry(outage: Outage) -> int:
    return int((outage.ends_at + KEPT_AFTER_END).timestamp())


def _copy(outage: Outage) -> dict[str, Any]:
    return outage.model_dump(mode="json")


def street_keys(outage: Outage) -> list[str]:
    return [street_key(street.settlement, street.street) for street in outage.addresses]


class OutageStore:
    def __init__(self) -> None:
        self._table = Table(load_settings(OutagesSettings).outages_table)

    # ------------------------------------------------------------------ the outage and its streets
    def _outage_item(self, outage: Outage, payload_hash: str) -> dict[str, Any]:
        item: dict[str, Any] = {
            **_key(outage.id),
            "outage": _copy(outage),
            "payload_hash": payload_hash,
            "version": outage.version,
            "ends_at": stamp(outage.ends_at),
        }
        if outage.status == OutageStatus.PUBLISHED:
            item["active"] = ACTIVE
        return item

    def _street_puts(self, outage: Outage) -> list["TransactWriteItemTypeDef"]:
        puts = []
        for street in outage.addresses:
            puts.append(
                self._table.put_action(
                    {
                        "pk": f"street#{street_key(street.settlement, street.street)}",
                        "sk": f"outage#{outage.id}",
                        "settlement_key": settlement_key(street.settlement),
                        "outage": _copy(outage),
                        "houses": street.houses,
                        "ends_at": stamp(outage.ends_at),
                        "expires_at": _expiry(outage),
                    }
                )
            )
        return puts

    def publish(self, outage: Outage, payload_hash: str, owed: "TransactWriteItemTypeDef") -> None:
        """The outage, its streets' entries and what it owes: one transaction. OutageExists when its
        id (its Idempotency-Key) was taken before."""
        actions = [
            self._table.put_action(
                self._outage_item(outage, payload_hash),
                condition="attribute_not_exists(pk)",
                old_on_failure=True,
            ),
            *self._street_puts(outage),
            owed,
        ]
        try:
            self._table.transact(actions)
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if reasons and reasons[0].code == "ConditionalCheckFailed":
                raise OutageExists(self.outage(outage.id)) from None
            raise

    def outage(self, outage_id: str) -> StoredOutage | None:
        """The outage as stored: one consistent GetItem."""
        item = self._table.get(_key(outage_id), consistent=True)
        if item is None:
            return None
        return StoredOutage(Outage.model_validate(item["outage"]), str(item.get("payload_hash", "")))

    def public(self, outage_id: str) -> Outage | None:
        """The outage for anyone to read: one GetItem."""
        item = self._table.get(_key(outage_id), projection="outage")
        return Outage.model_validate(item["outage"]) if item else None

    def replace(self, before: Outage, after: Outage, owed: "TransactWriteItemTypeDef") -> None:
        """A changed or withdrawn outage (`after`, its version one more than `before`'s), its streets'
        entries (rewritten, or deleted when withdrawn) and what it owes: one transaction, on condition
        the outage is still `before`'s version. OutageMoved otherwise."""
        key = _key(after.id)
        item = self._outage_item(after, "")
        values: dict[str, Any] = {":outage": item["outage"], ":v": after.version, ":ends": item["ends_at"]}
        values[":read"] = before.version
        if after.status == OutageStatus.PUBLISHED:
            expression = "SET outage = :outage, version = :v, ends_at = :ends"
            streets = self._street_puts(after)
        else:
            expression = "SET outage = :outage, version = :v, ends_at = :ends REMOVE active"
            streets = [
                self._table.delete_action({"pk": f"street#{street}", "sk": f"outage#{after.id}"})
                for street in street_keys(after)
            ]
        actions = [
            self._table.update_action(key, expression, condition="version = :read", values=values),
            *streets,
            owed,
        ]
        try:
            self._table.transact(actions)
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if reasons and reasons[0].code == "ConditionalCheckFailed":
                raise OutageMoved(after.id) from None
            raise

    # ------------------------------------------------------------------ lists, each one Query
    def in_street(self, key: str, now: datetime) -> list[tuple[Outage, str]]:
        """The street's outages not over at `now`, each with the street's houses: one Query."""
        page = self._table.query("pk = :pk", {":pk": f"street#{key}"}, limit=LISTED)
        return self._current(page.items, now)

    def in_settlement(self, key: str, now: datetime) -> list[tuple[Outage, str]]:
        """The settlement's outages not over at `now` (one per street it names): one Query."""
        page = self._table.query("settlement_key = :s", {":s": key}, index=BY_SETTLEMENT_INDEX, limit=LISTED)
        return self._current(page.items, now)

    @staticmethod
    def _current(items: list[dict[str, Any]], now: datetime) -> list[tuple[Outage, str]]:
        moment = stamp(now)
        return [
            (Outage.model_validate(item["outage"]), str(item["houses"]))
            for item in items
            if str(item["ends_at"]) >= moment
        ]

    def active(self, now: datetime) -> list[Outage]:
        """Every published outage not over at `now`, soonest end first: one Query of `Active`."""
        page = self._table.query(
            "active = :a AND ends_at >= :now",
            {":a": ACTIVE, ":now": stamp(now)},
            index=ACTIVE_INDEX,
            limit=LISTED,
        )
        return [Outage.model_validate(item["outage"]) for item in page.items]

    # ------------------------------------------------------------------ a consumer's outages
    def at_consumer(self, user_id: str) -> list[tuple[Outage, ObjectAtAddress]]:
        """The consumer's entries (an outage at one of their objects each): one Query."""
        page = self._table.query(
            "pk = :pk AND begins_with(sk, :outage)", {":pk": f"consumer#{user_id}", ":outage": "outage#"}
        )
        return [
            (
                Outage.model_validate(item["outage"]),
                ObjectAtAddress(
                    user_id=user_id,
                    object_id=str(item["object_id"]),
                    name=str(item["object_name"]),
                    house=str(item["house"]),
                ),
            )
            for item in page.items
        ]

    def mark_consumer(self, outage: Outage, found: ObjectAtAddress) -> None:
        """The outage at this object of its consumer (one PutItem), unless a later version of it is
        there already (a fan-out of a later change ran first)."""
        try:
            self._table.put(
                {
                    "pk": f"consumer#{found.user_id}",
                    "sk": f"outage#{outage.id}#{found.object_id}",
                    "outage": _copy(outage),
                    "version": outage.version,
                    "object_id": found.object_id,
                    "object_name": found.name,
                    "house": found.house,
                    "expires_at": _expiry(outage),
                },
                condition="attribute_not_exists(pk) OR version <= :v",
                values={":v": outage.version},
            )
        except ClientError as error:
            if not condition_failed(error):
                raise

    def unmark_consumer(self, outage_id: str, found: ObjectAtAddress) -> None:
        """The withdrawn outage off this object (one DeleteItem)."""
        self._table.delete({"pk": f"consumer#{found.user_id}", "sk": f"outage#{outage_id}#{found.object_id}"})
