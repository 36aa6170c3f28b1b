"""What support does for a consumer who asks the operator (the policy's section 6, functions/auth/policy.py:
a request to the responsible person, answered within 10 working days, 152-ФЗ ст. 20 ч. 1): hand them
everything the portal keeps about them, and delete their account. Both are the consumer's own actions —
the export of «Мои данные» (functions/auth/export.py) and the deletion of the account
(functions/auth/deletion.py) — done for them, never a copy of either; the integrator's name is
kept as the deletion's author and logged with each (functions/integration/access.py)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from functions.auth.models import DataExport
from functions.common.errors import Expired, NotFound


class AccountErased(Expired):
    """The consumer's personal data were erased after their deletion: there is nothing to export."""

    code = "account-erased"


class AccountDeletionStarted(BaseModel):
    """Where the account stands once support asked for its deletion."""

    user_id: str = Field(description="Потребитель (Cognito sub)")
    state: Literal["deletion_requested", "erased"] = Field(
        description="deletion_requested — учётная запись удалена (войти нельзя), персональные данные будут "
        "стёрты не позже erase_by; erased — уже стёрты"
    )
    deleted_at: datetime | None = Field(
        description="Когда учётная запись удалена (согласие отозвано): при повторе — время первого удаления"
    )
    deleted_by: str | None = Field(
        description="Кто удалил: consumer — сам потребитель в «Профиле», integrator:<имя> — система компании "
        "по его обращению"
    )
    erase_by: datetime | None = Field(
        default=None,
        description="Крайний срок стирания персональных данных (30 дней, 152-ФЗ ст. 21 ч. 5); обычно "
        "стираются в течение суток",
    )
    erased_at: datetime | None = Field(default=None, description="Когда персональные данные стёрты")


def export_account(user_id: str) -> DataExport:
    """The consumer's export, as «Мои данные» gives it. NotFound for an id no account has; AccountErased
    (410) once the account's personal data were erased."""
    from functions.auth import export
    from functions.auth.deletion import UNKNOWN_CONSUMER
    from functions.auth.store import ProfileStore

    try:
        return export.export(user_id)
    except NotFound:
        record = ProfileStore().deletion(user_id)
        if record is not None and record.erased_at is not None:
            raise AccountErased(
                "Данные потребителя удалены",
                "Учётная запись потребителя удалена, и его персональные данные уже стёрты (152-ФЗ, ст. 21 "
                "ч. 5): выгружать нечего. Обезличенные заявки читаются по их id.",
            ) from None
        raise NotFound(UNKNOWN_CONSUMER) from None


def start_deletion(user_id: str, by: str) -> AccountDeletionStarted:
    """The consumer's account deleted on their request, by `by` (`integrator:support`): as the consumer's
    own deletion, with support's notice; repeated, it answers the deletion as first recorded."""
    from functions.auth.deletion import ERASE_WITHIN, delete_on_request  # when the route runs

    record = delete_on_request(user_id, by)
    pending = record.erased_at is None
    return AccountDeletionStarted(
        user_id=user_id,
        state="deletion_requested" if pending else "erased",
        deleted_at=record.deleted_at,
        deleted_by=record.deleted_by,
        erase_by=record.deleted_at + ERASE_WITHIN if pending and record.deleted_at else None,
        erased_at=record.erased_at,
    )
