"""The one way a route of the requests takes an `Idempotency-Key` (filing a request, posting a message).

A key is claimed once ever, in the same transaction as what it makes (the store writes the claim,
docs/architecture.md «Data model»). This module is everything else about it, the same for every
route: the key's check (a 422 on `Idempotency-Key` when it is missing or malformed), the claim —
whose key it is (the scope: a consumer's sub, or the company's `api-key:<id>`), the key's hash and
the payload's hash —, the refusal of the same key with another payload, and the earlier answer read
back for a repeat.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel

from functions.common.errors import Conflict, coded, invalid_field
from functions.common.idempotency import checked_key
from functions.common.idempotency import sha256 as _sha256
from functions.requests.records import ClaimKind, EarlierClaim, IdempotencyClaim

T = TypeVar("T")
REUSED_CODE = "idempotency-key-reused"  # functions/common/problems.py's PROBLEM_KINDS


@dataclass(frozen=True)
class Purpose:
    """What a route's keys claim, and how it words their refusals."""

    kind: ClaimKind
    one_each: str  # the end of the missing key's message: what a key is made for
    reused: str  # the same key with another payload
    pending: tuple[str, str]  # the title and detail of a repeat whose first is still being written
    names_model: bool  # the payload's hash covers its model's name (a consumer's or a company's message)


FILING = Purpose(
    kind=ClaimKind.FILING,
    one_each="одну на каждую новую заявку. По нему повторная отправка не создаст вторую заявку.",
    reused="С этим Idempotency-Key уже отправлена другая заявка. Для новой заявки создайте новый ключ.",
    pending=(
        "Заявка уже регистрируется",
        "Эта заявка уже отправлена и регистрируется. Подождите несколько секунд и обновите список заявок.",
    ),
    names_model=False,
)
MESSAGE = Purpose(
    kind=ClaimKind.MESSAGE,
    one_each="одну на каждое новое сообщение. По нему повторная отправка не создаст второе сообщение.",
    reused="С этим Idempotency-Key уже отправлено другое сообщение (другой текст, файлы или другая "
    "заявка). Для нового сообщения создайте новый ключ.",
    pending=(
        "Сообщение уже отправляется",
        "Это сообщение уже отправлено и записывается. Подождите несколько секунд и обновите страницу.",
    ),
    names_model=True,
)


def payload_hash(purpose: Purpose, payload: BaseModel, target: str = "") -> str:
    """What makes a repeat the same call: the hash of its target (the request a message is posted on)
    and of its payload as JSON (without the fields left out). The same key and body sent to another
    request is then another call, refused, never answered with the first one's message."""
    text = payload.model_dump_json(exclude_none=True)
    text = f"{payload.__class__.__name__}:{text}" if purpose.names_model else text
    return _sha256(f"{target}#{text}" if target else text)


def claim(
    purpose: Purpose, scope: str, idempotency_key: str | None, payload: BaseModel, target: str = ""
) -> IdempotencyClaim:
    """The claim of `idempotency_key` by `scope` for `payload` sent to `target` (a message's request;
    a filing has none); a 422 on `Idempotency-Key` when the key is missing or is not 8–128 of the
    characters allowed."""
    key = checked_key(idempotency_key, purpose.one_each)
    return IdempotencyClaim(
        kind=purpose.kind,
        scope=scope,
        key_hash=_sha256(key),
        payload=payload_hash(purpose, payload, target),
    )


def answer_again(
    purpose: Purpose,
    claim: IdempotencyClaim,
    earlier: EarlierClaim,
    read: Callable[[EarlierClaim], T | None],
    target: str = "",
) -> T:
    """The answer to a repeat of a call whose key was claimed before: what `read` finds of what the
    claim made (read consistently: the claim and what it made are one transaction). The same key with
    another payload is refused (a 422 on `Idempotency-Key`); a first call still being written is a
    Conflict to retry in a few seconds."""
    if earlier.payload != claim.payload or (target and earlier.request_id and earlier.request_id != target):
        raise coded(invalid_field("Idempotency-Key", purpose.reused), REUSED_CODE)
    made = read(earlier)
    if made is None:
        raise Conflict(*purpose.pending)
    return made
