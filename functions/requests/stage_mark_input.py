"""What the company sends to mark a connection's stage done (POST /api/integration/requests/{id}/stages).

A model of its own, apart from the rules that apply it (functions/requests/stage_marks.py): the
integration function's routes name it in their signatures, so its import must not bring the rules,
stores and mails along (benchmarks/coldstart.py).
"""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from functions.common.clock import moscow_today
from functions.requests.connection_procedure import STAGE_OF, STAGE_RULES
from functions.requests.inputs import OperatorName
from functions.requests.type_fields import one_of


class StageMarkRequest(BaseModel):
    """A stage of a connection done."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    stage: str = Field(
        title="Этап",
        max_length=40,
        description="Код этапа из procedure.stages[].code заявки",
        json_schema_extra=one_of({rule.code: rule.title for rule in STAGE_RULES}),
    )
    completed_on: date | None = Field(
        default=None,
        title="Дата выполнения",
        description="День выполнения этапа; по умолчанию сегодня (Москва)",
    )
    message: str | None = Field(
        default=None, max_length=2000, title="Сообщение", description="Комментарий для потребителя"
    )
    operator: OperatorName | None = Field(default=None, title="Сотрудник")

    @field_validator("stage")
    @classmethod
    def _a_stage_of_the_procedure(cls, value: str) -> str:
        if value not in STAGE_OF:
            codes = ", ".join(rule.code for rule in STAGE_RULES)
            raise PydanticCustomError("stage_unknown", f"Такого этапа нет. Этапы: {codes}.")
        return value

    @field_validator("completed_on")
    @classmethod
    def _not_in_future(cls, value: date | None) -> date | None:
        if value is not None and value > moscow_today():
            raise PydanticCustomError("date_in_future", "Дата не может быть позже сегодняшней.")
        return value
