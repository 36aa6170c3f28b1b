"""Requests and answers of the routes for the company's systems."""

import re
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from functions.common.fields import Email


class PasswordReset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email = Field(title="Электронная почта")


class PasswordResetAccepted(BaseModel):
    detail: str = "Пароль будет сброшен, новый пароль придёт потребителю на email в течение нескольких минут."


# RFC 3339, as the document declares (format: date-time): pydantic alone would also read "0.0" or
# "1700000000" as seconds since 1970, and a time without a zone is a guess.
_DATE_TIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{1,6})?)?"
    r"([Zz]|[+-][0-9]{2}:?[0-9]{2})$"
)


def _date_time_with_zone(value: object) -> object:
    if isinstance(value, str) and _DATE_TIME.match(value):
        return value
    raise PydanticCustomError(
        "date_time_without_zone",
        "Укажите дату и время в формате ISO 8601 с часовым поясом, например 2026-11-27T00:00:00Z "
        "или 2026-11-27T03:00:00+03:00.",
    )


DateTimeWithZone = Annotated[datetime, BeforeValidator(_date_time_with_zone)]
