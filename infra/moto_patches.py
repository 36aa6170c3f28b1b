"""Where moto is less faithful than AWS in a way the local stack and the tests would notice.

Applied in this process only (the local stack's in-process moto server, the unit tests' mock_aws).
"""

import threading
from collections.abc import Callable
from functools import wraps
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
