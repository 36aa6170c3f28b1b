"""The requests domain's configuration, from the environment template.yaml gives its functions."""

import re
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, field_validator

from functions.common.settings import load_settings
from functions.requests.vocabulary import REQUEST_KINDS, RequestType


def _default_review_days() -> dict[RequestType, int]:
    return {RequestType(kind.code): kind.review_days for kind in REQUEST_KINDS}


class RequestSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    requests_table: str
    uploads_bucket: str
    # "connection=15,meter_reading=5,…" (the template parameter RequestReviewDays): working days to
    # review each type. A type it leaves out keeps the registry's default (models.REQUEST_KINDS):
    # a stack deployed with an older list of types goes on working. A code that is no type is a
    # typo that would silently leave its type at the default, so it is refused.
    request_review_days: Mapping[RequestType, int] = Field(default_factory=_default_review_days)
    # The company as a request's conversation names it to the consumer (the template parameter
    # OperatorName, the same name the personal-data policy states); unset, the generic words.
    operator_name: str = Field(default="Сетевая компания", min_length=1)

    @field_validator("request_review_days", mode="before")
    @classmethod
    def _parse_days(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        days: dict[str, int] = {kind.code: kind.review_days for kind in REQUEST_KINDS}
        for part in filter(str.strip, value.split(",")):
            code, _, count = (piece.strip() for piece in part.partition("="))
            if code not in days:
                raise ValueError(
                    f"REQUEST_REVIEW_DAYS names «{code}», which is no request type; "
                    f"the types (functions/requests/registry.py, REQUEST_KINDS) are {', '.join(days)}"
                )
            if not re.fullmatch("[0-9]+", count) or int(count) < 1:
                raise ValueError(
                    f"REQUEST_REVIEW_DAYS: {code}={count}: every review time is at least one working day"
                )
            days[code] = int(count)
        return days


def request_settings() -> RequestSettings:
    settings: RequestSettings = load_settings(RequestSettings)
    return settings
