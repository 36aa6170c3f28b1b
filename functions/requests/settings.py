"""The requests domain's configuration, from the environment template.yaml gives its functions."""

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, field_validator

from functions.common.settings import load_settings
from functions.requests.models import RequestType


class RequestSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    requests_table: str
    uploads_bucket: str
    idempotency_table: str = ""
    # "connection=15,meter_reading=5,…": working days to review each type (template parameter).
    request_review_days: Mapping[RequestType, int] = {}

    @field_validator("request_review_days", mode="before")
    @classmethod
    def _parse_days(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        pairs = (part.split("=", 1) for part in value.split(",") if part.strip())
        days = {code.strip(): int(count) for code, count in pairs}
        missing = set(RequestType) - set(days)
        if missing:
            raise ValueError(f"REQUEST_REVIEW_DAYS names no review time for {sorted(missing)}")
        if any(count < 1 for count in days.values()):
            raise ValueError("REQUEST_REVIEW_DAYS: every review time is at least one working day")
        return days


def request_settings() -> RequestSettings:
    settings: RequestSettings = load_settings(RequestSettings)
    return settings
