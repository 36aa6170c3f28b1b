"""Where moto is less faithful than AWS in a way the local stack and the tests would notice, and
what its server spends on each request that AWS has no counterpart of (`cheaper_server_dispatch`).

Applied in this process only (the local stack's in-process moto server, the benchmarks' server, the
unit tests' mock_aws).
"""

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, wraps
from types import SimpleNamespace
from typing import Any

_LOCK = threading.RLock()
_ATOMIC_OPERATIONS = (
    "get_item",
    "put_item",
    "update_item",
    "delete_item",
    "query",
    "scan",
    "transact_write_items",
)


def atomic_dynamodb_requests() -> None:
    """Makes each DynamoDB operation of moto one atomic step, as each request is in DynamoDB.

    moto's backend takes no lock: a TransactWriteItems deep-copies the table (to roll back on a
    cancelled transaction) while another thread writes into it ("dictionary changed size during
    iteration"), and a rollback can undo a write another thread made meanwhile. Threads that write
    at once (the ASKUE sync worker, concurrent requests to the local stack) then fail or lose data
    where DynamoDB would not. Idempotent.
    """
    from moto.dynamodb.models import DynamoDBBackend

    for name in _ATOMIC_OPERATIONS:
        original: Callable[..., Any] = getattr(DynamoDBBackend, name)
        if getattr(original, "_atomic", False):
            continue

        @wraps(original)
        def atomic(self: Any, *args: Any, _original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            with _LOCK:
                return _original(self, *args, **kwargs)

        atomic._atomic = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, atomic)
    _cheap_transaction_backups(DynamoDBBackend)


def _cheap_transaction_backups(backend_class: Any) -> None:
    """Makes moto's TransactWriteItems cost what its items cost, not what its tables hold.

    To roll back a cancelled transaction moto deep-copies each named table once per item, so a
    transaction on a table of a few hundred items took ~50 ms and a burst of filings (which mostly
    lose the numbering race and are cancelled) spent its time copying. Under the lock above the
    backup can share the table's items: puts and deletes replace or drop an item of the live table
    and leave the shared one as it was, and an update, which changes an item in place, is pointed
    at a fresh copy of that one item as the backup is made (the backup keeps the item as it was, so
    an update done before another action of the transaction failed is rolled back). What moto
    answers is unchanged.
    """
    import moto.dynamodb.models as models

    transact = backend_class.transact_write_items
    if getattr(transact, "_cheap_backups", False):
        return

    @wraps(transact)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        updates: dict[str, list[dict[str, Any]]] = {}
        for entry in transact_items:
            if "Update" in entry:
                update = entry["Update"]
                updates.setdefault(str(update.get("TableName")), []).append(update.get("Key", {}))
        with _LOCK, _shallow_table_backups(models, updates):
            return transact(self, transact_items)

    transact_write_items._cheap_backups = True  # type: ignore[attr-defined]
    transact_write_items._atomic = True  # type: ignore[attr-defined]
    backend_class.transact_write_items = transact_write_items


@contextmanager
def _shallow_table_backups(models: Any, updates: dict[str, list[dict[str, Any]]]) -> Iterator[None]:
    """moto's backups of a transaction's tables made shallow; the items `updates` will change (by
    table name) are pointed at fresh copies in the live table as each backup is made."""
    from moto.dynamodb.models.table import Table

    def backup(thing: Any, memo: Any = None) -> Any:
        if not isinstance(thing, Table):
            return copy.deepcopy(thing, memo)
        twin = copy.copy(thing)
        twin.items = type(thing.items)(dict)
        for hash_key, stored in thing.items.items():
            twin.items[hash_key] = dict(stored) if isinstance(stored, dict) else stored
        for key in updates.get(thing.name, ()):
            _copy_before_update(thing, key)
        return twin

    models.copy = SimpleNamespace(deepcopy=backup, copy=copy.copy)
    try:
        yield
    finally:
        models.copy = copy


def _copy_before_update(table: Any, key: dict[str, Any]) -> None:
    """The live table's item of `key` becomes a copy of itself: an update changes the copy, and a
    backup made before keeps the item as it was."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    try:
        hash_key = DynamoType(key[table.hash_key_attr])
        range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    except (KeyError, TypeError):
        return  # moto itself refuses the malformed key
    stored = table.items.get(hash_key)
    if range_key is None:
        if stored is not None and not isinstance(stored, dict):
            table.items[hash_key] = copy.deepcopy(stored)
    elif isinstance(stored, dict) and range_key in stored:
        stored[range_key] = copy.deepcopy(stored[range_key])


def cheaper_server_dispatch() -> None:
    """Takes two costs off each request to moto's server that AWS has no counterpart of; what moto
    answers is unchanged. Idempotent.

    - For every request the dispatcher asks whether the host names one of moto's modules, and moto
      answers by listing its package folder and testing each of about 200 entries with `isdir`,
      under the dispatcher's lock: a tenth of the server's time. The folder does not change while
      the server runs: it is listed once.
    - For every request the service's response class lists its own methods (`inspect.getmembers`)
      to find the action's: a class's methods do not change either, so they are listed once a class.
    """
    from moto import backends
    from moto.core import responses

    if getattr(backends.list_of_moto_modules, "_cached", False):
        return
    modules = tuple(backends.list_of_moto_modules())

    def list_of_moto_modules() -> tuple[str, ...]:
        return modules

    list_of_moto_modules._cached = True  # type: ignore[attr-defined]
    backends.list_of_moto_modules = list_of_moto_modules
    responses.method_names_from_class = cache(responses.method_names_from_class)  # type: ignore[attr-defined]


def cognito_sign_out_by_user() -> None:
    """Makes moto's global sign-out end every session of the user, as Cognito's does. Idempotent.

    moto files each token under the name it was opened with (the email alias, or the username, which
    in a pool with `UsernameAttributes: [email]` is the `sub`) and a sign-out ends only the tokens
    filed under the very name it gives: a sign-out by `sub` left the sessions opened with the email
    alive, and a session opened under an address the user no longer has could not be ended at all.
    Cognito's tokens belong to the user: here each token also records its user's `sub` when it is
    made, and a sign-out ends every token of that user.
    """
    from moto.cognitoidp.models import CognitoIdpUserPool

    pool_class: Any = CognitoIdpUserPool
    if getattr(pool_class.sign_out, "_by_user", False):
        return
    original_sign_out = pool_class.sign_out
    original_refresh = pool_class.create_refresh_token
    original_access = pool_class.create_access_token

    def owners(pool: Any) -> dict[str, str]:
        found: dict[str, str] = pool.__dict__.setdefault("_token_owners", {})
        return found

    def create_refresh_token(self: Any, client_id: str, username: str) -> tuple[str, str]:
        refresh_token, origin_jti = original_refresh(self, client_id, username)
        owners(self)[refresh_token] = self._get_user(username).id
        return refresh_token, origin_jti

    def create_access_token(self: Any, client_id: str, username: str, origin_jti: str) -> tuple[str, int]:
        access_token, expires_in = original_access(self, client_id, username, origin_jti)
        owners(self)[access_token] = self._get_user(username).id
        return access_token, expires_in

    def sign_out(self: Any, username: str) -> None:
        original_sign_out(self, username)
        user = self._get_user(username)
        if user is None:
            return
        for token, owner in list(owners(self).items()):
            if owner != user.id:
                continue
            if token in self.refresh_tokens:
                self.refresh_tokens[token] = None
            self.access_tokens.pop(token, None)

    sign_out._by_user = True  # type: ignore[attr-defined]
    pool_class.sign_out = sign_out
    pool_class.create_refresh_token = create_refresh_token
    pool_class.create_access_token = create_access_token
