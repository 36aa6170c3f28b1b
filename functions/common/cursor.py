"""The one codec of the API's list cursors (`?cursor=`): a DynamoDB start key, opaque to the client.

A cursor is the base64url (no padding) of the key as compact JSON, a flat object of strings. The
client may send anything back, so reading one refuses, with a 422 on the field `cursor`, whatever
this API did not give out: longer than MAX_CURSOR_LENGTH, not base64url, not UTF-8, not a flat JSON
object of strings (nothing nested: depth 1), or a key the list's `belongs` does not accept (another
consumer's, another list's, another status's). It never reaches DynamoDB, and nothing in it makes
the parser fail (see functions.common.safe_json).
"""

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping

from functions.common.errors import invalid_field
from functions.common.safe_json import loads

# The longest cursor given out is one of a meter's readings: the consumer's id (36 characters) twice,
# the meter's number (30 letters, Cyrillic ones escaped as \uXXXX: 180) and the reading's sort key
# (68), about 360 characters of JSON, 480 in base64. 1,024 leaves room and bounds the work.
MAX_CURSOR_LENGTH = 1024
INVALID_CURSOR = "Курсор неверен или устарел: откройте список заново, с первой страницы."

_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")  # given out unpadded; padding is tolerated
# OpenAPI: the shape of a cursor (that it is one this API gave out is checked on reading it).
# An empty `?cursor=` is read as no cursor (the first page).
CURSOR_SCHEMA: dict[str, str] = {"pattern": f"^(?:{_BASE64URL.pattern})?$"}

Key = dict[str, str]


def encode_cursor(key: Mapping[str, str] | None) -> str | None:
    """The cursor of the page after `key` (DynamoDB's LastEvaluatedKey); None when there is none."""
    if not key:
        return None
    text = json.dumps(dict(key), separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, belongs: Callable[[Key], bool], message: str = INVALID_CURSOR) -> Key:
    """The start key in `cursor`, if it is one this API gave out and `belongs` to the caller's list.

    Anything else is refused (InvalidInput, a 422) on the field `cursor` with `message`.
    """
    refused = invalid_field("cursor", message)
    if len(cursor) > MAX_CURSOR_LENGTH or not _BASE64URL.fullmatch(cursor):
        raise refused
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        key = loads(text, max_depth=1)
    except (binascii.Error, ValueError):  # not base64, not UTF-8, not JSON, nested, NaN, NUL, …
        raise refused from None
    if not (isinstance(key, dict) and key and all(isinstance(v, str) for v in key.values())):
        raise refused
    if not belongs(key):
        raise refused
    return key
