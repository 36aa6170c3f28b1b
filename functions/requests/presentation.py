"""How requests are shown: summaries and pages, the detail with its field rows and download links,
and the company's views of them."""

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from pydantic import TypeAdapter

from functions.common import russian
from functions.common.caller import Caller
from functions.common.cursor import decode_cursor, encode_cursor
from functions.common.errors import NotFound
from functions.requests.files import UploadStore
from functions.requests.ids import is_request_id
from functions.requests.inputs import (
    API_KEY_ACTOR_PREFIX,
    CONSUMER_ACTOR,
    UNKNOWN_KEY_ACTOR,
    is_reserved_actor,
)
from functions.requests.integration_views import IntegrationHistoryEntry, IntegrationPage, IntegrationRequest
from functions.requests.kinds import form_schemas
from functions.requests.outputs import (
    Attachment,
    AttachmentLink,
    FieldRow,
    HistoryEntry,
    RequestDetail,
    RequestPage,
    RequestSummary,
)
from functions.requests.registry import STATUS_TITLES, TYPE_TITLES, RequestStatus, RequestType
from functions.requests.store import (
    AWAITING_CONSUMER,
    REQUEST_PREFIX,
    Item,
    RequestStore,
    user_key,
)

DOWNLOAD_LINK_SECONDS = 300

# ---------------------------------------------------------------- reading


def summary(item: Item) -> RequestSummary:
    kind = RequestType(item["type"])
    status = RequestStatus(item["status"])
    return RequestSummary(
        id=str(item["request_id"]),
        number=str(item["number"]),
        type=kind,
        type_title=TYPE_TITLES[kind],
        status=status,
        status_title=STATUS_TITLES[status],
        created_at=datetime.fromisoformat(str(item["created_at"])),
        review_deadline=date.fromisoformat(str(item["review_deadline"])),
    )


def list_requests(caller: Caller, cursor: str | None, limit: int) -> RequestPage:
    mine = user_key(caller.user_id)
    start = (
        decode_cursor(
            cursor,
            lambda key: (
                set(key) == {"pk", "sk"}
                and key["pk"] == mine
                and key["sk"].startswith(REQUEST_PREFIX)
                and is_request_id(key["sk"].removeprefix(REQUEST_PREFIX))
            ),
        )
        if cursor
        else None
    )
    items, last = RequestStore().list_for_user(caller.user_id, limit, start)
    return RequestPage(items=[summary(item) for item in items], cursor=encode_cursor(last))


def _display(spec: Mapping[str, Any], value: Any) -> str:
    if isinstance(value, bool):
        return "Да" if value else "Нет"
    for choice in spec.get("oneOf", []):
        if choice.get("const") == value:
            return str(choice.get("title", value))
    if spec.get("format") == "date":
        return russian.date(date.fromisoformat(str(value)))
    if spec.get("type") == "number":
        return str(value).replace(".", ",")
    return str(value)


def _field_rows(kind: RequestType, fields: Mapping[str, Any]) -> list[FieldRow]:
    properties = form_schemas()[kind]["properties"]
    return [
        FieldRow(name=name, title=str(spec.get("title", name)), value=_display(spec, fields[name]))
        for name, spec in properties.items()
        if fields.get(name) is not None
    ]


def _detail_fields(item: Item) -> dict[str, Any]:
    kind = RequestType(item["type"])
    uploads = UploadStore()
    attachments = [Attachment.model_validate(a) for a in item.get("attachments", [])]
    fields = dict(item.get("fields", {}))
    return {
        **summary(item).model_dump(),
        "text": str(item["text"]),
        "fields": fields,
        "field_rows": _field_rows(kind, fields),
        "attachments": [
            AttachmentLink(
                filename=a.filename,
                content_type=a.content_type,
                size=a.size,
                url=uploads.download_url(a.key, a.filename, a.content_type, DOWNLOAD_LINK_SECONDS),
            )
            for a in attachments
        ],
        "updated_at": datetime.fromisoformat(str(item["updated_at"])),
    }


def _history(item: Item) -> list[dict[str, Any]]:
    return [
        {**entry, "status_title": STATUS_TITLES[RequestStatus(entry["status"])]}
        for entry in item.get("history", [])
    ]


def request_detail(caller: Caller, request_id: str) -> RequestDetail:
    item = RequestStore().get(caller.user_id, request_id) if is_request_id(request_id) else None
    if item is None:
        raise NotFound("Заявка не найдена.")
    return request_detail_of(item)


def request_detail_of(item: Item) -> RequestDetail:
    return RequestDetail(
        **_detail_fields(item), history=[HistoryEntry.model_validate(entry) for entry in _history(item)]
    )


_JSON: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any])


def for_export(item: Item) -> dict[str, Any]:
    """A request as the consumer's data export gives it: as its detail, files without links."""
    attachments = [Attachment.model_validate(a) for a in item.get("attachments", [])]
    return {
        **summary(item).model_dump(mode="json"),
        "text": str(item["text"]),
        "fields": _JSON.dump_python(dict(item.get("fields", {})), mode="json"),
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size} for a in attachments
        ],
        "history": [HistoryEntry.model_validate(entry).model_dump(mode="json") for entry in _history(item)],
        "updated_at": str(item["updated_at"]),
    }


# ---------------------------------------------------------------- the company's systems


def _with_actor(entry: dict[str, Any], first: bool) -> dict[str, Any]:
    """A history entry whose actor is one the portal sets: the consumer, who files the request
    (the first entry), answers «Требуются уточнения» or withdraws it (entries with
    `consumer_action`), or an API key.

    Before the actor was the portal's alone, a client could put any name into `changed_by`, even
    "consumer": such an entry is shown as a change by an unknown key, the name as its operator
    (unless it is one of the reserved ones).
    """
    actor = str(entry.get("changed_by", ""))
    by_consumer = first or "consumer_action" in entry  # what the portal wrote for the consumer
    if (by_consumer and actor == CONSUMER_ACTOR) or actor.startswith(API_KEY_ACTOR_PREFIX):
        return entry
    named = None if not actor or is_reserved_actor(actor) else actor
    return {**entry, "changed_by": UNKNOWN_KEY_ACTOR, "operator": entry.get("operator") or named}


def for_integration(item: Item) -> IntegrationRequest:
    return IntegrationRequest(
        **_detail_fields(item),
        history=[
            IntegrationHistoryEntry.model_validate(_with_actor(entry, index == 0))
            for index, entry in enumerate(_history(item))
        ],
        user_id=str(item["user_id"]),
        email=str(item["email"]) if item.get("email") else None,
        awaiting_answer_since=(
            datetime.fromisoformat(str(item["awaiting_since"])) if item.get("awaiting_since") else None
        ),
    )


def list_for_integration(
    status: RequestStatus, since: datetime | None, cursor: str | None, limit: int
) -> IntegrationPage:
    start = (
        decode_cursor(
            cursor,
            lambda key: set(key) == {"pk", "sk", "status", "status_changed_at"} and key["status"] == status,
        )
        if cursor
        else None
    )
    # Stored times are ISO 8601 in UTC and compared as strings: `since` (always with its zone, the
    # API refuses one without) is written the same way.
    after = since.astimezone(UTC).isoformat() if since else None
    items, last = RequestStore().list_by_status(status.value, after, limit, start)
    return IntegrationPage(items=[for_integration(item) for item in items], cursor=encode_cursor(last))


def list_awaiting_answer(since: datetime | None, cursor: str | None, limit: int) -> IntegrationPage:
    """The requests whose consumer awaits an answer, the longest waiting first (GSI AwaitingAnswer)."""
    start = (
        decode_cursor(
            cursor,
            lambda key: (
                set(key) == {"pk", "sk", "awaiting_answer", "awaiting_since"}
                and key["awaiting_answer"] == AWAITING_CONSUMER
            ),
        )
        if cursor
        else None
    )
    after = since.astimezone(UTC).isoformat() if since else None
    items, last = RequestStore().awaiting_answer(after, limit, start)
    return IntegrationPage(items=[for_integration(item) for item in items], cursor=encode_cursor(last))
