"""The consumer's card for the company's CRM (`GET /api/integration/consumers/{user_id}`): who the
consumer is — ФИО or the organisation, category, phone, the current email. An erased consumer reads
as «данные удалены» with nothing else (152-ФЗ ст. 21 ч. 5: the data are destroyed; the CRM erases
its copy when it reads this, or on the feed's account events)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from functions.common.errors import NotFound

ERASED = "данные удалены"


class ConsumerCard(BaseModel):
    user_id: str = Field(description="Потребитель (Cognito sub)")
    state: Literal["active", "deletion_requested", "erased"] = Field(
        description="active — учётная запись действует; deletion_requested — потребитель удалил учётную "
        "запись, данные будут стёрты; erased — персональные данные стёрты (все поля ниже — null)"
    )
    detail: str | None = Field(default=None, description="«данные удалены» у стёртой учётной записи")
    category: Literal["individual", "legal"] | None = Field(
        default=None, description="individual — физическое лицо; legal — юридическое лицо или ИП"
    )
    full_name: str | None = Field(default=None, description="ФИО (физическое лицо)")
    org_name: str | None = Field(default=None, description="Наименование организации (юридическое лицо)")
    phone: str | None = None
    email: str | None = Field(default=None, description="Текущий адрес электронной почты (логин)")
    inn: str | None = Field(
        default=None,
        description="ИНН: при регистрации портал его не запрашивает, поэтому null; ИНН заявителя есть в "
        "сведениях его заявок на технологическое присоединение",
    )
    registered_at: datetime | None = None


def consumer_card(user_id: str) -> ConsumerCard:
    """The card; NotFound for an id no consumer has; an erased consumer's card says so, never fails."""
    from functions.auth.store import ProfileStore  # when the route runs: its models are auth's

    record = ProfileStore().card(user_id)
    if record is None:
        raise NotFound("Потребитель с таким id не найден.")
    if record.erased:
        return ConsumerCard(user_id=user_id, state="erased", detail=ERASED)
    category = record.category if record.category in ("individual", "legal") else None
    return ConsumerCard(
        user_id=user_id,
        state="deletion_requested" if record.deletion_requested else "active",
        category=category,
        full_name=record.full_name,
        org_name=record.org_name,
        phone=record.phone,
        email=record.email,
        registered_at=datetime.fromisoformat(record.registered_at) if record.registered_at else None,
    )
