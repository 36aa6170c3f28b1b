"""The `Idempotency-Key` of an integration write that makes no item of its own to claim it by: a
change of a request's status, a stage's mark, an object's confirmation, an outage's change or
withdrawal, a support reset of a password. (A filing, a message and an outage's publication claim
their keys in the transaction of what they make: functions/requests/idempotency.py,
functions/outages/service.py.)

A claim is bound to what it was made for: the route, its target (the request's, object's or
outage's id; the address of a reset) and the payload's hash. The same key sent again with all three
the same is a replay: answered with what the first call answered (`Idempotent-Replayed: true`), or,
when the first call stopped before its answer was recorded, by doing the call again — every one of
these writes comes to the same state when done twice (a request moved to the status it has is
answered as it is; a stage marked is not marked again; a confirmation keeps its first time). The same
key with another route, target or payload is refused (422 on `Idempotency-Key`): it never answers
another call's result.

The item (IntegrationTable, this module alone knows its layout): `pk` `claim#<scope>#<key hash>`
(the scope: the integration key's `api-key:<id>`), `sk` `claim`; `route`, `target`, `payload` (the
payload's SHA-256), `claimed_at`; `answer` the JSON first answered, once recorded; `expires_at` —
DynamoDB's TTL deletes a claim `KEPT` after it was made: a key is a retry's, not a record's.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict

from functions.common.clock import now
from functions.common.dynamo import Table, condition_failed
from functions.common.errors import InvalidInput, coded
from functions.common.idempotency import checked_key, refused_key, sha256
from functions.common.settings import load_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

logger = Logger()
M = TypeVar("M", bound=BaseModel)

KEPT = timedelta(hours=24)
_ONE_EACH = "одну на каждое новое действие. По нему повтор запроса не выполнит действие второй раз."
_REUSED = (
    "Этот Idempotency-Key уже использован для другого запроса ({what}). Повтор отправляют с тем же "
    "ключом и теми же данными; для нового действия создайте новый ключ."
)


def _reused(what: str) -> InvalidInput:
    return coded(refused_key(_REUSED.format(what=what)), "idempotency-key-reused")


class IntegrationSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    integration_table: str


def integration_table() -> Table:
    return Table(load_settings(IntegrationSettings).integration_table)


@dataclass(frozen=True)
class WriteClaim:
    """An Idempotency-Key as claimed for one call: whose (`scope`), the key's hash, and what the call
    is (`route`, `target`, the payload's hash)."""

    scope: str
    key_hash: str
    route: str
    target: str
    payload: str

    @property
    def key(self) -> dict[str, str]:
        return {"pk": f"claim#{self.scope}#{self.key_hash}", "sk": "claim"}


@dataclass(frozen=True)
class Replayable:
    """A write's answer, and whether it is a replay of a call made before with the same key."""

    answer: BaseModel
    replayed: bool


def write_claim(
    scope: str, idempotency_key: str | None, route: str, target: str, payload: BaseModel | None
) -> WriteClaim | None:
    """The claim of `idempotency_key` for this call; None when no key was sent (it is optional on
    these writes); a 422 on `Idempotency-Key` when it is not 8–128 of the characters allowed."""
    if idempotency_key is None:
        return None
    key = checked_key(idempotency_key, _ONE_EACH)
    body = payload.model_dump_json(exclude_none=True) if payload is not None else ""
    return WriteClaim(scope=scope, key_hash=sha256(key), route=route, target=target, payload=sha256(body))


def answer_action(claim: WriteClaim, answer: BaseModel) -> "TransactWriteItemTypeDef":
    """The recording of the claim's answer as an action of the write's own transaction: for a write
    that must not be done twice even when its function stops right after it (a reset's mail)."""
    return integration_table().update_action(
        claim.key,
        "SET answer = :answer",
        condition="attribute_exists(pk) AND attribute_not_exists(answer)",
        values={":answer": answer.model_dump_json()},
    )


class WriteClaims:
    def __init__(self) -> None:
        self._table = integration_table()

    def take(self, claim: WriteClaim) -> tuple[bool, str | None]:
        """Claims the key for this call (one UpdateItem that writes it only where it is new): whether
        it was claimed before, and the answer recorded for it. Refuses a key claimed for another call."""
        at = now()
        item = self._table.update(
            claim.key,
            "SET #route = if_not_exists(#route, :route), target = if_not_exists(target, :target), "
            "payload = if_not_exists(payload, :payload), claimed_at = if_not_exists(claimed_at, :at), "
            "expires_at = if_not_exists(expires_at, :expires)",
            names={"#route": "route"},
            values={
                ":route": claim.route,
                ":target": claim.target,
                ":payload": claim.payload,
                ":at": at.isoformat(),
                ":expires": int((at + KEPT).timestamp()),
            },
            returns="ALL_NEW",
        )
        if item.get("route") != claim.route:
            raise _reused(f"другая операция: {item.get('route')}")
        if item.get("target") != claim.target:
            raise _reused(f"другой объект запроса: {item.get('target')}")
        if item.get("payload") != claim.payload:
            raise _reused("другие данные в теле запроса")
        answer = item.get("answer")
        return item.get("claimed_at") != at.isoformat(), str(answer) if answer is not None else None

    def record(self, claim: WriteClaim, answer: BaseModel) -> None:
        """Records the answer of the claimed call (unless recorded already: the first one stays)."""
        try:
            self._table.update(
                claim.key,
                "SET answer = :answer",
                condition="attribute_exists(pk) AND attribute_not_exists(answer)",
                values={":answer": answer.model_dump_json()},
            )
        except ClientError as error:
            if not condition_failed(error):
                raise


def once(claim: WriteClaim | None, model: type[M], run: Callable[[], M]) -> Replayable:
    """Runs the write once per claim: a replay is answered with the first answer when it was
    recorded, or by running the write again (each of these writes reaches the same state when run
    twice). Without a claim (no key sent) it simply runs."""
    if claim is None:
        return Replayable(run(), replayed=False)
    store = WriteClaims()
    before, answer = store.take(claim)
    if answer is not None:
        return Replayable(model.model_validate_json(answer), replayed=True)
    result = run()
    try:
        store.record(claim, result)
    except Exception:  # the write is done: an unrecorded answer only makes a replay run it again
        logger.exception("the answer of a claimed write was not recorded", extra={"route": claim.route})
    return Replayable(result, replayed=before)
