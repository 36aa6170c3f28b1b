"""A request's version as the company's systems see it: the `ETag` of GET /api/integration/requests/{id}
and of a status move's answer, and the `If-Match` a move is made on (RFC 9110 §8.8.3, §13.1.1).

The tag is strong and opaque: it names the request's state — its status, history, conversation and
stages, and whether its consumer's data were erased — which every change of the request moves (each
writes `updated_at` and the counter of the request's events in its own transaction; the erasure sets
`personal_data_erased`). The download links in an answer are made afresh by each read: they are not
the request's state, and the same tag with other links names the same version. A move sent with
`If-Match` is made only while the request is that version: its transaction is conditional on the
status, the counter of events and the address as read (store.py's `owed_by`), so a change in between
makes the move read the request again, and then the tag no longer matches — 412, nothing changed.
`W/"…"` of the portal's own tag is taken as the tag: a proxy that compresses answers weakens the tags
it passes on. `If-Match: *` holds for any request that exists.
"""

import hashlib
import re
from datetime import UTC

from functions.common.errors import invalid_field
from functions.requests.integration_views import IntegrationRequest

IF_MATCH_FIELD = "If-Match"
_ENTITY_TAG = r'\s*(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"\s*'
_ENTITY_TAGS = re.compile(rf"{_ENTITY_TAG}(?:,{_ENTITY_TAG})*")
_OPAQUE = re.compile(r'(?:W/)?"([^"]*)"')
_MALFORMED = (
    "Заголовок If-Match должен содержать ETag из ответа GET /api/integration/requests/{id} в кавычках, "
    'как он получен (например "3f2a…"), или *: исправьте заголовок или не передавайте его.'
)


def request_etag(request: IntegrationRequest) -> str:
    """The version's strong entity tag, quoted (`"<20 hex digits>"`)."""
    stamp = "|".join(
        (
            request.id,
            str(request.status),
            request.updated_at.astimezone(UTC).isoformat(),
            request.status_changed_at.astimezone(UTC).isoformat(),
            str(len(request.history)),
            "erased" if request.personal_data_erased else "kept",
        )
    )
    return f'"{hashlib.sha256(stamp.encode()).hexdigest()[:20]}"'


def if_match_holds(if_match: str, etag: str) -> bool:
    """Whether the `If-Match` value names `etag` (or is `*`). A value that is not a list of entity
    tags is refused (422 on If-Match): a typo must not read as «the request changed»."""
    if if_match.strip() == "*":
        return True
    if not _ENTITY_TAGS.fullmatch(if_match):
        raise invalid_field(IF_MATCH_FIELD, _MALFORMED)
    return etag.strip('"') in _OPAQUE.findall(if_match)
