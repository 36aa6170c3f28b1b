"""The change feed as integrators read it (`GET /api/integration/changes`): a page of changes after
a cursor, the cursor to go on from, and the refusals of a cursor the feed cannot resume from
(functions/common/changes.py keeps the feed; docs/architecture.md «Change feed»)."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from functions.common.changes import MAX_PAGE, RETENTION, ChangeFeed
from functions.common.errors import Expired, invalid_field


class FeedChange(BaseModel):
    """One change: the event the portal published of it, with its number in the feed."""

    sequence: int = Field(ge=1, description="Номер изменения в ленте: 1, 2, 3… без пропусков")
    event_id: str = Field(description="id события (как в EventBridge): по нему отбрасывают повторы")
    type: str = Field(
        description="Тип события (detail-type, docs/events.md), например portal.request.filed.v1"
    )
    detail: dict[str, Any] = Field(description="Событие, как его публикует шина (docs/events.md)")
    recorded_at: datetime = Field(description="Когда изменение записано в ленту")


class FeedPage(BaseModel):
    items: list[FeedChange] = Field(description="Изменения после курсора, в порядке номеров")
    next_after: int = Field(
        ge=0,
        description="Курсор следующего запроса (after): номер последнего прочитанного изменения; "
        "на пустой странице — тот же after",
    )
    has_more: bool = Field(
        description="true — изменений больше, чем вошло в страницу: запросите следующую сразу"
    )
    latest: int = Field(ge=0, description="Номер последнего записанного изменения на момент чтения")


RETENTION_DAYS = RETENTION.days


def read_changes(after: int, limit: int) -> FeedPage:
    """The changes numbered after `after`. A cursor beyond the last change is refused (422: it was
    not given by this feed); one whose next changes expired, 410."""
    feed = ChangeFeed()
    page = feed.page(after, min(limit, MAX_PAGE))
    if after > page.last:
        raise invalid_field(
            "after",
            f"Изменения с таким номером ещё нет: последнее — {page.last}. Передайте next_after из "
            "прошлого ответа (или 0, чтобы читать с начала).",
        )
    if page.expired:
        raise Expired(
            "Изменения удалены",
            f"Изменения после {after} уже удалены: лента хранит их {RETENTION_DAYS} дней. Сверьте данные "
            "по спискам (GET /api/integration/requests, /objects, /readings) и продолжите чтение с "
            f"after={page.last}.",
        )
    items = [
        FeedChange(
            sequence=change.sequence,
            event_id=change.event_id,
            type=change.detail_type,
            detail=change.detail,
            recorded_at=change.recorded_at,
        )
        for change in page.changes
    ]
    last_read = items[-1].sequence if items else after
    return FeedPage(items=items, next_after=last_read, has_more=last_read < page.last, latest=page.last)
