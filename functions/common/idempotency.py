"""An `Idempotency-Key`, whichever route takes it (requests: filing, messages —
functions/requests/idempotency.py; outages: publishing one — functions/outages/service.py): the one
rule of its spelling and the one hash it is kept by. What a key claims, and how a repeat is answered,
is each domain's (the claim is written in the transaction of what it makes)."""

import hashlib
import re

from functions.common.errors import InvalidInput, invalid_field

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")
KEY_RULE = (
    "Передайте заголовок Idempotency-Key: уникальную строку из 8–128 латинских букв, цифр и знаков "
    "-_.: (например, UUID), "
)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def checked_key(idempotency_key: str | None, one_each: str) -> str:
    """The key as sent, or a 422 on `Idempotency-Key` when it is missing or is not 8–128 of the
    characters allowed; `one_each` ends the message: what a key is made for."""
    if not idempotency_key or not KEY_PATTERN.match(idempotency_key):
        raise refused_key(f"{KEY_RULE}{one_each}")
    return idempotency_key


def refused_key(message: str) -> InvalidInput:
    return invalid_field("Idempotency-Key", message)
