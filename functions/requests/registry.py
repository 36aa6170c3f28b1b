"""The registry of request types and the statuses of a request.

The request types are the registry `REQUEST_KINDS`: one entry per type (code, Russian title, its
fields model, default review days, description), in the order the site shows them. Everything else
derives from it: the `RequestType` enum, one model per type (`fields` typed by its model) and their
union discriminated by `type` (what the API validates and documents), `TYPE_TITLES`, `FIELDS_OF`,
the labels of validation messages (inputs.py), `/api/requests/types` and the review days
(settings.py).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    create_model,
)
from pydantic_core import PydanticCustomError

from functions.requests import connection_fields, type_fields
from functions.requests.type_fields import DANGER_ADVICE, TypeFields

MAX_ATTACHMENTS = 5

# ---------------------------------------------------------------- the request types


@dataclass(frozen=True)
class RequestKind:
    """One request type: everything the portal knows of it."""

    code: str  # the `type` of the API and of stored requests: never changes once used
    title: str  # the tile, the form's heading, lists, mails
    fields: type[TypeFields]  # its own fields: validation, OpenAPI, the form and the detail page
    review_days: int  # working days to review it, unless the template's RequestReviewDays names it
    description: str  # what it is for (OpenAPI, /api/requests/types)


# The request types, in the order the site shows them. A new type is one entry here and its fields
# model in type_fields.py (README, "Adding a request type"); everything below derives from this tuple.
REQUEST_KINDS: tuple[RequestKind, ...] = (
    RequestKind(
        code="connection",
        title="Заявка на технологическое присоединение к электрическим сетям",
        fields=connection_fields.ConnectionFields,
        review_days=15,
        description="Присоединение энергопринимающих устройств к сетям компании: новое, увеличение "
        "максимальной мощности, изменение схемы внешнего электроснабжения или временное.",
    ),
    RequestKind(
        code="meter_reading",
        title="Заявка на снятие показаний прибора учёта электроэнергии",
        fields=type_fields.MeterReadingFields,
        review_days=5,
        description="Выезд сотрудника, чтобы снять показания прибора учёта в выбранный день.",
    ),
    RequestKind(
        code="meter_admission",
        title="Заявка на осуществление допуска в эксплуатацию прибора учёта",
        fields=type_fields.MeterAdmissionFields,
        review_days=10,
        description="Допуск установленного прибора учёта в эксплуатацию: проверка и опломбирование.",
    ),
    RequestKind(
        code="meter_installation",
        title="Заявка на оборудование точки поставки прибором учёта (либо его замена)",
        fields=type_fields.MeterInstallationFields,
        review_days=10,
        description="Установка прибора учёта в точке поставки или замена установленного — бесплатно для "
        "потребителя, не позднее 6 месяцев с даты заявки (522-ФЗ): для жилого дома и нежилого объекта "
        "— сетевой компанией, для квартиры в многоквартирном доме — гарантирующим поставщиком (заявка "
        "перенаправляется ему).",
    ),
    RequestKind(
        code="unmetered_consumption",
        title="Заявление о бездоговорном (безучётном) потреблении электроэнергии",
        fields=type_fields.UnmeteredConsumptionFields,
        review_days=5,
        description="Сообщение о потреблении электроэнергии без договора или в обход прибора учёта.",
    ),
    RequestKind(
        code="grid_theft",
        title="Хищение объектов электросетевого хозяйства",
        fields=type_fields.GridTheftFields,
        review_days=3,
        description="Сообщение о хищении или повреждении проводов, опор и другого имущества сетей. "
        + DANGER_ADVICE,
    ),
    RequestKind(
        code="no_power",
        title="Сообщение об отсутствии электроэнергии",
        fields=type_fields.NoPowerFields,
        review_days=1,
        description="Нет электроэнергии в доме, на улице или в населённом пункте. "
        + type_fields.NO_POWER_DANGER_ADVICE,
    ),
)

if TYPE_CHECKING:

    class RequestType(StrEnum):
        """A code of `REQUEST_KINDS` (mypy cannot see members made from a tuple at run time)."""

else:
    RequestType = StrEnum(
        "RequestType", [(kind.code.upper(), kind.code) for kind in REQUEST_KINDS], module=__name__
    )

KIND_OF: Mapping[RequestType, RequestKind] = {RequestType(kind.code): kind for kind in REQUEST_KINDS}
TYPE_TITLES: Mapping[RequestType, str] = {code: kind.title for code, kind in KIND_OF.items()}

RequestText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
UploadKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]


def _distinct(keys: list[str]) -> list[str]:
    if len(set(keys)) != len(keys):
        raise PydanticCustomError("attachments_repeated", "Один и тот же файл приложен дважды.")
    return keys


Attachments = Annotated[list[UploadKey], Field(max_length=MAX_ATTACHMENTS), AfterValidator(_distinct)]


class NewRequestBase(BaseModel):
    """What every request has; each type's model fixes `type` to its code and `fields` to its model."""

    model_config = ConfigDict(extra="forbid")

    text: RequestText = Field(title="Текст заявки")
    attachments: Attachments = Field(default_factory=list, title="Файлы")
    type: str
    fields: TypeFields


def _request_model(kind: RequestKind) -> type[NewRequestBase]:
    """The request of one type, named like `ConnectionRequest` and titled in Russian in OpenAPI."""
    tag: Any = Literal[kind.code]  # `type` is exactly this code: the union's discriminator
    return create_model(
        "".join(word.title() for word in kind.code.split("_")) + "Request",
        __base__=NewRequestBase,
        __module__=__name__,
        __doc__=kind.description,
        __cls_kwargs__={"title": kind.title},
        type=(tag, Field(title="Тип заявки")),
        fields=(kind.fields, Field(title="Дополнительные поля")),
    )


REQUEST_MODELS: Mapping[RequestType, type[NewRequestBase]] = {
    code: _request_model(kind) for code, kind in KIND_OF.items()
}
FIELDS_OF: Mapping[RequestType, type[TypeFields]] = {code: kind.fields for code, kind in KIND_OF.items()}
TYPE_TAGS = frozenset(RequestType)

if TYPE_CHECKING:
    NewRequest = NewRequestBase  # what the code reads of any request
else:
    # What the API validates and documents: one of the types' models, chosen by `type` (a `oneOf`
    # with a discriminator). `Union[...]` because `|` cannot join a tuple made at run time.
    NewRequest = Annotated[Union[tuple(REQUEST_MODELS.values())], Field(discriminator="type")]  # noqa: UP007


# ---------------------------------------------------------------- statuses


class RequestStatus(StrEnum):
    REGISTERED = "registered"
    IN_REVIEW = "in_review"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    REJECTED = "rejected"
    NEEDS_INFO = "needs_info"
    WITHDRAWN = "withdrawn"
    ANNULLED = "annulled"  # a connection whose missing data did not come in time (ПП № 861, п. 15)
    # Passed to the organisation that does it: a flat's meter is the guaranteeing supplier's (522-ФЗ,
    # functions/requests/meter_rules.py), a connection filed to the wrong grid company goes to the
    # right one; the company names it in the comment.
    REDIRECTED = "redirected"


STATUS_TITLES: Mapping[RequestStatus, str] = {
    RequestStatus.REGISTERED: "Зарегистрирована",
    RequestStatus.IN_REVIEW: "На рассмотрении",
    RequestStatus.IN_PROGRESS: "В работе",
    RequestStatus.DONE: "Выполнена",
    RequestStatus.REJECTED: "Отклонена",
    RequestStatus.NEEDS_INFO: "Требуются уточнения",
    RequestStatus.WITHDRAWN: "Отозвана",
    RequestStatus.ANNULLED: "Аннулирована",
    RequestStatus.REDIRECTED: "Перенаправлена",
}
