"""Held notices: what a change made in Cognito owes, before the portal has recorded the change.

A password set, a login changed: Cognito makes the change, and the portal records it afterwards, in
the profile's transaction that also owes its notice (functions/common/outbox.py). A Lambda stopped
between the two (its timeout, its memory), or a Cognito call whose answer was lost (done there, and
the function cannot tell), used to leave the change made and no notice owed. So before the Cognito
call the function *holds* the notice: one item per consumer and kind of change in the outbox table,
in the Pending index's partition `held` — out of the relay's way (it relays `pending` = `1` only).

Then exactly one of three things happens to it:

- **released**: the transaction that records the change (the profile's) also writes what the change
  owes as an ordinary outbox entry and deletes the held item (`HeldNotices.release`): the notice is
  relayed and mailed as any other;
- **cancelled**: the change is known not to have happened (Cognito answered with a refusal or an
  error, or the function undid it): the function deletes the item (`cancel`), nothing is owed;
- **settled** by the sweeper (functions/outbox/held.py) `HOLD_FOR` after it was held, when the
  function that held it is long gone: where Cognito can tell whether the change stands (a login: the
  account's email is the new one, or not), the sweeper finishes recording it with its notice, or
  cancels it; where it cannot (a password: nobody can read it back), the sweeper ends the
  consumer's sessions and mails the notice that says the change could not be confirmed (`unsure`).

A retry of the same change finds its held item (`find`) and may finish what the first attempt began
(functions/auth/service.py): a change confirmed with a mailed code holds the code's hash
(`code_hash`, never the code), so that a retry with the same code goes on even though the first
attempt used the code up — each such check spends one of the held item's own attempts, as the code's
would. A new attempt replaces the held item (one per consumer and kind).

The item: `pk` `outbox#held#<kind>#<user_id>`; `id`, `created_at` (fixed width, as the outbox's),
`pending` `held` (the index's partition), `kind`, `user_id`, `login` (the account's login when the
change began: whose sessions end), `new_login` (a login change: what it becomes), `confirmed` and
`unsure` (the outbox entries owed, each as functions/common/outbox.py's `OutboxEntry`), `code_hash`
and `attempts` (the code that confirmed the change, and the checks a retry made against it).
"""

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from functions.common.clock import now
from functions.common.dynamo import Table, condition_failed
from functions.common.errors import DomainError
from functions.common.fields import HexId
from functions.common.outbox import (
    KEY_PREFIX,
    PENDING_INDEX,
    OutboxEntry,
    new_outbox_id,
    outbox_put,
    outbox_table,
    stamp,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

HELD = "held"  # the Pending index's partition of the held items
# Longer than any function that holds a notice runs (template.yaml: AuthFunction's Timeout, 15 s;
# API Gateway gives up after 29 s) and than a consumer's prompt retry: the sweeper never settles a
# notice its function may still release, and a retry within it finds its held item.
HOLD_FOR = timedelta(minutes=5)


class HeldKind(StrEnum):
    # A password set: changed in «Профиль», or reset with a mailed code (a kind, not a password).
    PASSWORD = "password"  # noqa: S105  # nosec B105
    LOGIN = "login"  # the login (email) changed with a code mailed to the new address


class HeldNotice(BaseModel):
    """What a change owes, held until the change is recorded, cancelled or settled."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: HeldKind
    user_id: str = Field(min_length=1)
    login: str = Field(min_length=1)
    new_login: str | None = None
    confirmed: OutboxEntry
    unsure: OutboxEntry | None = None
    code_hash: str | None = None
    id: HexId = Field(default_factory=new_outbox_id)
    created_at: AwareDatetime = Field(default_factory=now)

    @property
    def key(self) -> dict[str, str]:
        return held_key(self.kind, self.user_id)

    def item(self) -> dict[str, Any]:
        return {
            **self.key,
            "id": self.id,
            "created_at": stamp(self.created_at),
            "pending": HELD,
            "kind": self.kind.value,
            "user_id": self.user_id,
            "login": self.login,
            "new_login": self.new_login,
            "confirmed": self.confirmed.model_dump(mode="json"),
            "unsure": None if self.unsure is None else self.unsure.model_dump(mode="json"),
            "code_hash": self.code_hash,
        }

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> "HeldNotice":
        unsure = item.get("unsure")
        return cls(
            kind=HeldKind(str(item["kind"])),
            user_id=str(item["user_id"]),
            login=str(item["login"]),
            new_login=None if item.get("new_login") is None else str(item["new_login"]),
            confirmed=OutboxEntry.model_validate(item["confirmed"]),
            unsure=None if unsure is None else OutboxEntry.model_validate(unsure),
            code_hash=None if item.get("code_hash") is None else str(item["code_hash"]),
            id=str(item["id"]),
            created_at=datetime.fromisoformat(str(item["created_at"])),
        )


def held_key(kind: HeldKind, user_id: str) -> dict[str, str]:
    return {"pk": f"{KEY_PREFIX}{HELD}#{kind.value}#{user_id}"}


def cognito_answered(error: BaseException) -> bool:
    """Whether a failed Cognito call is known not to have made its change: Cognito answered it with a
    refusal or an error. A timeout, a connection lost or the function stopped say nothing of it."""
    return isinstance(error, ClientError | DomainError)


class HeldNotices:
    """The held items (the outbox table's `outbox#held#…` items)."""

    def __init__(self) -> None:
        self._table: Table = outbox_table()

    def hold(self, held: HeldNotice) -> None:
        """One PutItem: replaces what an earlier attempt of the same kind held."""
        self._table.put(held.item())

    def find(self, kind: HeldKind, user_id: str) -> HeldNotice | None:
        return self.get(held_key(kind, user_id)["pk"])

    def get(self, pk: str) -> HeldNotice | None:
        item = self._table.get({"pk": pk}, consistent=True)
        return None if item is None or item.get("pending") != HELD else HeldNotice.from_item(item)

    def spend_attempt(self, held: HeldNotice, max_attempts: int) -> bool:
        """One check of a code against the held item's `code_hash`: False when its attempts are spent
        (or the item is gone or replaced meanwhile), and nothing may be compared then."""
        try:
            self._table.update(
                held.key,
                "SET attempts = if_not_exists(attempts, :zero) + :one",
                condition="id = :id AND (attribute_not_exists(attempts) OR attempts < :max)",
                values={":id": held.id, ":zero": 0, ":one": 1, ":max": max_attempts},
            )
        except ClientError as error:
            if condition_failed(error):
                return False
            raise
        return True

    def release(self, held: HeldNotice, entry: OutboxEntry) -> list["TransactWriteItemTypeDef"]:
        """For the transaction that records the change: `entry` owed (an ordinary outbox item), the
        held item gone, whichever attempt held it (the change it was held for is recorded now)."""
        return [outbox_put(entry), self._table.delete_action(held.key)]

    def cancel(self, held: HeldNotice) -> None:
        """Nothing is owed (the change did not happen): the item goes, unless a newer attempt holds
        one of its own in its place meanwhile, or it was released or settled already."""
        try:
            self._table.delete(held.key, condition="id = :id", values={":id": held.id})
        except ClientError as error:
            if not condition_failed(error):
                raise

    def cancel_unless_known(self, held: HeldNotice, error: BaseException) -> None:
        """After the change's Cognito call failed with `error`: cancelled when Cognito answered (the
        change was not made); kept for a retry or the sweeper when nobody can tell."""
        if cognito_answered(error):
            self.cancel(held)

    def older_than(self, cutoff: datetime) -> Iterator[tuple[str, datetime]]:
        """The key and the time of each item held since before `cutoff`, oldest first (a Query of
        the keys-only index, never a Scan)."""
        for item in self._table.query_all(
            "pending = :held AND created_at < :cutoff",
            {":held": HELD, ":cutoff": stamp(cutoff)},
            index=PENDING_INDEX,
        ):
            yield str(item["pk"]), datetime.fromisoformat(str(item["created_at"]))
