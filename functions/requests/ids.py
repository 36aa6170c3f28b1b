"""The ids of requests: ULIDs, time-ordered, so that a consumer's requests sort newest first."""

import re
import secrets
from datetime import datetime

_ID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_request_id(moment: datetime) -> str:
    """A ULID: 48 bits of milliseconds and 80 random bits in Crockford base32, sortable by time."""
    value = (int(moment.timestamp() * 1000) << 80) | secrets.randbits(80)
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def is_request_id(value: str) -> bool:
    return bool(_ID.match(value))
