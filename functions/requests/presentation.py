"""How requests are shown: summaries and pages, the detail with its field rows and download links,
and the company's views of them."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from pydantic import TypeAdapter

from functions.common import russian
from functions.common.caller import Caller
from functions.common.clock import moscow_today
from functions.common.errors import NotFound
from functions.common.integrators import INTEGRATOR_ACTOR_PREFIX
from functions.requests.connection_procedure import procedure_of
from functions.requests.files import UploadStore
from functions.requests.ids import is_request_id
from functions.requests.inputs import (
    API_KEY_ACTOR_PREFIX,
    CONSUMER_ACTOR,
    PORTAL_ACTOR,
    UNKNOWN_KEY_ACTOR,
    is_reserved_actor,
)
from functions.requests.integration_views import IntegrationHistoryEntry, IntegrationPage, IntegrationRequest
from functions.requests.kinds import form_schemas
from functions.requests.outputs import (
    AttachmentLink,
    FieldRow,
    HistoryEntry,
    RequestDetail,
    RequestPage,
    RequestSummary,
)
from functions.requests.records import (
    StoredAttachment,
    StoredHistoryEntry,
    StoredMessage,
    StoredRequest,
    StoredSummary,
)
from functions.requests.store import RequestStore
from functions.requests.vocabulary import STATUS_TITLES, TYPE_TITLES, RequestStatus, RequestType

DOWNLOAD_LINK_SECONDS = 300

# ---------------------------------------------------------------- reading


def summary(request: StoredSummary) -> RequestSummary:
    return RequestSummary(
        id=request.request_id,
        number=request.number,
        type=request.type,
        type_title=TYPE_TITLES[request.type],
        status=request.status,
        status_title=STATUS_TITLES[request.status],
        created_at=request.created_at,
        review_deadline=request.review_deadline,
    )


def list_requests(caller: Caller, cursor: str | None, limit: int) -> RequestPage:
    page = RequestStore().page_for_user(caller.user_id, limit, cursor)
    return RequestPage(items=[summary(request) for request in page.items], cursor=page.cursor)


def _display(spec: Mapping[str, Any], value: Any) -> str:
    if isinstance(value, list):  # a list of models (a connection's points, its stages): one per line
        return "\n".join(_display(spec.get("items", {}), item) for item in value)
    if isinstance(value, Mapping):
        properties = spec.get("properties", {})
        return "; ".join(
            f"{properties.get(name, {}).get('title', name)}: {_display(properties.get(name, {}), item)}"
            for name, item in value.items()
            if item is not None
        )
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


def download_links(attachments: Sequence[StoredAttachment]) -> list[AttachmentLink]:
    """The files with links to download them (for DOWNLOAD_LINK_SECONDS)."""
    uploads = UploadStore()
    return [
        AttachmentLink(
            filename=a.filename,
            content_type=a.content_type,
            size=a.size,
            url=uploads.download_url(a.key, a.filename, a.content_type, DOWNLOAD_LINK_SECONDS),
        )
        for a in attachments
    ]


def _detail_fields(request: StoredRequest) -> dict[str, Any]:
    fields = dict(request.fields)
    return {
        **summary(request).model_dump(),
        "text": request.text,
        "fields": fields,
        "field_rows": _field_rows(request.type, fields),
        "attachments": download_links(request.attachments),
        "updated_at": request.updated_at,
        "procedure": procedure_of(request, moscow_today()),
        "outage_id": request.outage_id,
    }


def _history(request: StoredRequest) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            status=entry.status,
            status_title=STATUS_TITLES[entry.status],
            at=entry.at,
            comment=entry.comment,
            stage=entry.stage,
        )
        for entry in request.history
    ]


def request_detail(caller: Caller, request_id: str) -> RequestDetail:
    request = RequestStore().get(caller.user_id, request_id) if is_request_id(request_id) else None
    if request is None:
        raise NotFound("Заявка не найдена.")
    return request_detail_of(request)


def request_detail_of(request: StoredRequest) -> RequestDetail:
    return RequestDetail(**_detail_fields(request), history=_history(request))


_JSON: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any])


# The consumer's data export is read by a person, who opens its files later: its links last an hour
# (a link signed by a Lambda's role lasts no longer than the role's session anyway).
EXPORT_LINK_SECONDS = 3600


def _exported_files(attachments: Sequence[StoredAttachment]) -> list[dict[str, Any]]:
    uploads = UploadStore()
    return [
        {
            "filename": a.filename,
            "content_type": a.content_type,
            "size": a.size,
            "url": uploads.download_url(a.key, a.filename, a.content_type, EXPORT_LINK_SECONDS),
        }
        for a in attachments
    ]


def for_export(request: StoredRequest, messages: Sequence[StoredMessage]) -> dict[str, Any]:
    """A request as the consumer's data export gives it: as its detail, with its conversation, every
    file with a link to download it (for EXPORT_LINK_SECONDS)."""
    return {
        **summary(request).model_dump(mode="json"),
        "text": request.text,
        "fields": _JSON.dump_python(dict(request.fields), mode="json"),
        "attachments": _exported_files(request.attachments),
        "history": [entry.model_dump(mode="json") for entry in _history(request)],
        "messages": [
            {
                "author": message.author.value,
                "at": message.at.isoformat(),
                "text": message.text,
                "kind": message.kind,
                "attachments": _exported_files(message.attachments),
            }
            for message in messages
        ],
        "updated_at": request.updated_at.isoformat(),
    }


# ---------------------------------------------------------------- the company's systems


def _integration_entry(entry: StoredHistoryEntry, first: bool) -> IntegrationHistoryEntry:
    """A history entry whose actor is one the portal sets: the consumer, who files the request
    (the first entry), answers «Требуются уточнения» or withdraws it (entries with
    `consumer_action`), or an API key.

    Before the actor was the portal's alone, a client could put any name into `changed_by`, even
    "consumer": such an entry is shown as a change by an unknown key, the name as its operator
    (unless it is one of the reserved ones).
    """
    actor, operator = entry.changed_by, entry.operator
    by_consumer = first or entry.consumer_action is not None  # what the portal wrote for the consumer
    by_portal = actor == PORTAL_ACTOR and entry.status is RequestStatus.ANNULLED  # no older entry has it
    if not (
        (by_consumer and actor == CONSUMER_ACTOR)
        or by_portal
        or actor.startswith((INTEGRATOR_ACTOR_PREFIX, API_KEY_ACTOR_PREFIX))
    ):
        named = None if not actor or is_reserved_actor(actor) else actor
        actor, operator = UNKNOWN_KEY_ACTOR, operator or named
    return IntegrationHistoryEntry(
        status=entry.status,
        status_title=STATUS_TITLES[entry.status],
        at=entry.at,
        comment=entry.comment,
        stage=entry.stage,
        changed_by=actor,
        operator=operator,
    )


def for_integration(request: StoredRequest) -> IntegrationRequest:
    """A request as the company's systems see it; an erased consumer's has no email (None)."""
    return IntegrationRequest(
        **_detail_fields(request),
        history=[_integration_entry(entry, index == 0) for index, entry in enumerate(request.history)],
        user_id=request.user_id,
        email=request.email,
        status_changed_at=request.status_changed_at,
        awaiting_answer_since=request.awaiting_since,
        personal_data_erased=request.erased,
    )


def list_for_integration(
    status: RequestStatus, since: datetime | None, cursor: str | None, limit: int
) -> IntegrationPage:
    page = RequestStore().by_status(status, since, limit, cursor)
    return IntegrationPage(items=[for_integration(request) for request in page.items], cursor=page.cursor)


def list_awaiting_answer(since: datetime | None, cursor: str | None, limit: int) -> IntegrationPage:
    """The requests whose consumer awaits an answer, the longest waiting first (GSI AwaitingAnswer)."""
    page = RequestStore().awaiting_answer(since, limit, cursor)
    return IntegrationPage(items=[for_integration(request) for request in page.items], cursor=page.cursor)
