"""The integrators' credentials (IntegratorKeysTable): which integrator a key is, and until when.

Only a key's SHA-256 is stored, never the key. Items:
- `pk = key#<sha256 of the key>`: `integrator` (its name), `issued_at`; once the key is replaced,
  `valid_until` (epoch seconds: the end of the overlap window) and `expires_at` (DynamoDB's TTL
  removes it a day after).
- `pk = integrator#<name>`: `keys`, the hashes of its keys not yet replaced or still in their window.

A rotation issues a new key and gives every older key of the integrator `valid_until = now + the
overlap` (the template's `IntegratorKeyOverlapHours`): both open the API meanwhile, so the
integrator's systems move to the new key without a moment refused, and a key that leaked is ended
at once with an overlap of 0. The integrator's name does not change with its key, and neither do
its Idempotency-Key claims, which are kept per integrator (functions/requests/idempotency.py).
"""

import hashlib
import secrets
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from functions.common.clock import now
from functions.common.dynamo import Table
from functions.common.settings import load_settings

_KEY = "key#"
_INTEGRATOR = "integrator#"
# A replaced key's item stays a day past its window (for the record), then DynamoDB's TTL removes it.
_KEPT_AFTER_WINDOW = 24 * 3600


class IntegratorSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    integrator_keys_table: str
    integrators: str = ""


def integrator_settings() -> IntegratorSettings:
    settings: IntegratorSettings = load_settings(IntegratorSettings)
    return settings


@dataclass(frozen=True)
class IntegratorKey:
    integrator: str
    valid_until: int | None  # epoch seconds; None: the integrator's current key

    def opens_at(self, moment: int) -> bool:
        return self.valid_until is None or moment < self.valid_until


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key(integrator: str) -> str:
    """A credential: the integrator's name (to tell keys apart in a vault) and 256 random bits."""
    return f"{integrator}-{secrets.token_urlsafe(32)}"


class IntegratorKeyStore:
    def __init__(self) -> None:
        self._table = Table(integrator_settings().integrator_keys_table)

    def find(self, key: str) -> IntegratorKey | None:
        """The integrator `key` belongs to and until when it opens the API; None for no such key."""
        item = self._table.get({"pk": _KEY + _hash(key)}, consistent=True)
        if item is None or "integrator" not in item:
            return None
        until = item.get("valid_until")
        return IntegratorKey(integrator=str(item["integrator"]), valid_until=int(until) if until else None)

    def rotate(self, integrator: str, overlap_seconds: int, key: str | None = None) -> str:
        """Issues `key` (a new random one when None) as the integrator's current key; every older key
        of it opens the API for `overlap_seconds` more (0: no more), never longer than it already
        would. One transaction; returns the key."""
        key = key or new_key(integrator)
        moment = int(now().timestamp())
        until = moment + max(0, overlap_seconds)
        held = self._table.get({"pk": _INTEGRATOR + integrator}, consistent=True) or {}
        hashes = [str(h) for h in held.get("keys", [])]
        older = {
            str(item["pk"])[len(_KEY) :]: item
            for item in self._table.batch_get([{"pk": _KEY + h} for h in hashes], consistent=True)
        }
        actions = [
            self._table.put_action(
                {"pk": _KEY + _hash(key), "integrator": integrator, "issued_at": now().isoformat()},
                condition="attribute_not_exists(pk)",
            )
        ]
        still_open = []
        for hashed, item in older.items():
            ends = item.get("valid_until")
            if ends is not None and int(ends) <= until:
                if int(ends) > moment:
                    still_open.append(hashed)
                continue
            actions.append(
                self._table.update_action(
                    {"pk": _KEY + hashed},
                    "SET valid_until = :until, expires_at = :expires",
                    condition="attribute_exists(pk)",
                    values={":until": until, ":expires": until + _KEPT_AFTER_WINDOW},
                )
            )
            if until > moment:
                still_open.append(hashed)
        actions.append(
            self._table.put_action({"pk": _INTEGRATOR + integrator, "keys": [_hash(key), *still_open]})
        )
        self._table.transact(actions)
        return key
