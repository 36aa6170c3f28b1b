"""A consumer's requests once the account is erased (152-ФЗ ст. 21 ч. 5; functions/auth/erasure.py
runs it): the requests stay for the company's records — their number, type, status, dates, history
and the company's messages — without what names the person (functions/requests/erasure_store.py).

Which fields of a request stay is one rule for every type, read from its fields model
(functions/requests/type_fields.py), so that a new type or field is covered without a list to keep:
a field stays when its values are choices (a Literal, an enum), numbers or yes/no — a power, a
voltage, a reason —, which name nobody; text, document and meter numbers, addresses, names, dates and
lists go. The files the consumer filed (a passport's scan) are deleted: S3 keeps a deleted version
one day (the bucket's lifecycle purges it), then nothing is left.
"""

import types
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from aws_lambda_powertools import Logger

from functions.common.clock import now
from functions.requests.erasure_store import ErasureStore
from functions.requests.files import UploadStore
from functions.requests.registry import FIELDS_OF
from functions.requests.vocabulary import RequestType

logger = Logger()


def _names_nobody(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _names_nobody(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return all(_names_nobody(arg) for arg in get_args(annotation) if arg is not type(None))
    if origin is Literal:
        return True
    return isinstance(annotation, type) and issubclass(annotation, bool | int | float | Decimal | Enum)


@cache
def kept_on_erasure(kind: RequestType) -> frozenset[str]:
    """The fields of a request of `kind` kept once its consumer is erased: those that name nobody."""
    model = FIELDS_OF[kind]
    return frozenset(name for name, info in model.model_fields.items() if _names_nobody(info.annotation))


def erase_requests(user_id: str) -> int:
    """Depersonalises the consumer's requests and messages, their files deleted first; returns how
    many items were written. Raises when a file cannot be deleted: nothing is forgotten then, and the
    next run tries again."""
    store = ErasureStore()
    files = store.files(user_id)
    uploads = UploadStore()
    # DeleteObjects takes at most 1,000 keys a call.
    left = [
        key for start in range(0, len(files), 1000) for key in uploads.discard(files[start : start + 1000])
    ]
    if left:
        raise RuntimeError(f"{len(left)} of the consumer's files not deleted")
    written = store.depersonalise(user_id, kept_on_erasure, now())
    logger.info("requests depersonalised", extra={"items": written, "files": len(files)})
    return written
