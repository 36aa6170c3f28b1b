"""Consumer profiles in DynamoDB: one item per consumer, keyed by the Cognito `sub`."""

from datetime import datetime
from typing import Any

from functions.auth.models import ProfileOutput
from functions.common.dynamo import Table
from functions.common.settings import portal_settings


class ProfileStore:
    def __init__(self) -> None:
        self._table = Table(portal_settings().profiles_table)

    def create(self, profile: ProfileOutput, registration_job: str) -> None:
        """Stores the profile with the id of the registration job that made it (see `made_by`)."""
        item: dict[str, Any] = profile.model_dump(mode="json", exclude_none=True)
        item["registration_job"] = registration_job
        self._table.put(item, condition="attribute_not_exists(user_id)")

    def get(self, user_id: str) -> ProfileOutput | None:
        item = self._table.get({"user_id": user_id})
        return ProfileOutput.model_validate(item) if item else None

    def made_by(self, user_id: str) -> tuple[bool, str | None]:
        """Whether the profile exists, and the registration job that made it (None if unknown)."""
        item = self._table.get({"user_id": user_id}, consistent=True, projection="user_id, registration_job")
        if not item:
            return False, None
        job = item.get("registration_job")
        return True, str(job) if job is not None else None

    def delete(self, user_id: str) -> None:
        self._table.delete({"user_id": user_id})

    def mark_mail_undeliverable(self, user_id: str, at: datetime) -> None:
        """The consumer's email takes no mail (SES reported it): shown in the profile."""
        self._table.update(
            {"user_id": user_id},
            "SET mail_undeliverable_since = if_not_exists(mail_undeliverable_since, :at)",
            condition="attribute_exists(user_id)",
            values={":at": at.isoformat()},
        )
