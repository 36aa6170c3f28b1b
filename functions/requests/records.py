"""The records of the requests table: what the store (store.py) gives and takes instead of its items.

Services, presentation and the erasure work with these; only the store knows the items' keys and
attributes.
"""

from dataclasses import dataclass
from enum import StrEnum


class ClaimKind(StrEnum):
    """What an Idempotency-Key's claim makes: a request (filing) or a message of its conversation."""

    FILING = "filing"
    MESSAGE = "message"


@dataclass(frozen=True)
class IdempotencyClaim:
    """The once-ever claim of an Idempotency-Key (idempotency.py): whose key it is (`scope`: a
    consumer's sub or the company's `api-key:<id>`), the key's SHA-256 and the payload's."""

    kind: ClaimKind
    scope: str
    key_hash: str
    payload: str


@dataclass(frozen=True)
class EarlierClaim:
    """A claim found written: the payload's hash it was made with, and what it made — the request
    `request_id` of the consumer `user_id`, or a message of it (`message_id`)."""

    payload: str
    user_id: str
    request_id: str
    message_id: str | None = None
