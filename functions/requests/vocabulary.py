"""The words of a request that stored records, workers and mails share: the request types (codes,
titles, review days), the statuses, who wrote a message, the kinds of the company's documents.

Plain enums and tables, no pydantic: a worker that reads stored requests (the TTL cascade, the
connection deadlines, the erasure) imports this and not the models the API validates and documents
(registry.py, inputs.py, outputs.py re-export these names for them). A cold start builds nothing it
does not use (benchmarks/coldstart.py, tests/unit/test_cold_imports.py).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

# ---------------------------------------------------------------- the request types

# The theft report: a torn wire or an open substation is a danger before it is a loss.
DANGER_ADVICE = (
    "Если провод оборван, искрит или открыта подстанция — не подходите ближе 8 м и сразу звоните "
    "диспетчеру сетевой компании или по номеру 112; заявка — после этого."
)

# A fallen wire makes the ground around its end live (step voltage): keep 8 m away. The distance is
# the one the Правила по охране труда при эксплуатации электроустановок (приказ Минтруда России от
# 15.12.2020 № 903н) keep from a fault to earth outdoors; the point of that edition was not verified
# here (no copy in force at hand). The 24/7 line is the footer's (web/index.html).
NO_POWER_DANGER_ADVICE = (
    "Если провод оборван или лежит на земле — не подходите к нему ближе 8 м и не касайтесь того, что "
    "с ним соприкасается; сначала позвоните по круглосуточному телефону 8 800 000-00-00 или по "
    "номеру 112, сообщение — после этого."
)


@dataclass(frozen=True)
class RequestKind:
    """One request type: everything the portal knows of it."""

    code: str  # the `type` of the API and of stored requests: never changes once used
    title: str  # the tile, the form's heading, lists, mails
    # The name of its fields model (a `TypeFields` of type_fields.py or connection_fields.py), which
    # registry.py resolves: validation, OpenAPI, the form and the detail page.
    fields: str
    review_days: int  # working days to review it, unless the template's RequestReviewDays names it
    description: str  # what it is for (OpenAPI, /api/requests/types)


# The request types, in the order the site shows them. A new type is one entry here and its fields
# model in type_fields.py (README, "Adding a request type"); everything else derives from this tuple.
REQUEST_KINDS: tuple[RequestKind, ...] = (
    RequestKind(
        code="connection",
        title="Заявка на технологическое присоединение к электрическим сетям",
        fields="ConnectionFields",
        review_days=15,
        description="Присоединение энергопринимающих устройств к сетям компании: новое, увеличение "
        "максимальной мощности, изменение схемы внешнего электроснабжения или временное.",
    ),
    RequestKind(
        code="meter_reading",
        title="Заявка на снятие показаний прибора учёта электроэнергии",
        fields="MeterReadingFields",
        review_days=5,
        description="Выезд сотрудника, чтобы снять показания прибора учёта в выбранный день.",
    ),
    RequestKind(
        code="meter_admission",
        title="Заявка на осуществление допуска в эксплуатацию прибора учёта",
        fields="MeterAdmissionFields",
        review_days=10,
        description="Допуск установленного прибора учёта в эксплуатацию: проверка и опломбирование.",
    ),
    RequestKind(
        code="meter_installation",
        title="Заявка на оборудование точки поставки прибором учёта (либо его замена)",
        fields="MeterInstallationFields",
        review_days=10,
        description="Установка прибора учёта в точке поставки или замена установленного — бесплатно для "
        "потребителя, не позднее 6 месяцев с даты заявки (522-ФЗ): для жилого дома и нежилого объекта "
        "— сетевой компанией, для квартиры в многоквартирном доме — гарантирующим поставщиком (заявка "
        "перенаправляется ему).",
    ),
    RequestKind(
        code="unmetered_consumption",
        title="Заявление о бездоговорном (безучётном) потреблении электроэнергии",
        fields="UnmeteredConsumptionFields",
        review_days=5,
        description="Сообщение о потреблении электроэнергии без договора или в обход прибора учёта.",
    ),
    RequestKind(
        code="grid_theft",
        title="Хищение объектов электросетевого хозяйства",
        fields="GridTheftFields",
        review_days=3,
        description="Сообщение о хищении или повреждении проводов, опор и другого имущества сетей. "
        + DANGER_ADVICE,
    ),
    RequestKind(
        code="no_power",
        title="Сообщение об отсутствии электроэнергии",
        fields="NoPowerFields",
        review_days=1,
        description="Нет электроэнергии в доме, на улице или в населённом пункте. " + NO_POWER_DANGER_ADVICE,
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
# The values of the request union's discriminator: pydantic's error paths name them, they are no fields.
TYPE_TAGS = frozenset(RequestType)


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


# ---------------------------------------------------------------- the conversation

THREAD_PAGE = 100  # messages per page of a thread, oldest first


class MessageAuthor(StrEnum):
    CONSUMER = "consumer"
    COMPANY = "company"


AUTHOR_TITLES: Mapping[MessageAuthor, str] = {
    MessageAuthor.CONSUMER: "Потребитель",
    MessageAuthor.COMPANY: "Сетевая компания",
}


# The kinds of documents the company sends on a request (the codes never change once used).
DOCUMENT_KIND_TITLES: Mapping[str, str] = {
    "technical_conditions": "Технические условия",
    "contract": "Проект договора / условия договора",
    "invoice": "Счёт",
    "act": "Акт",
    "other": "Другое",
    # The documents of a technological connection (ПП № 861: п. 15 the contract's terms, п. 19 the act,
    # п. 110 the notice — не сверено) and a meter admission's result (ПП № 442 п. 154: the act of
    # admission), sent on that request.
    "connection_act": "Акт об осуществлении технологического присоединения",
    "connection_notice": "Уведомление об обеспечении возможности присоединения",
    "admission_act": "Акт допуска прибора учёта в эксплуатацию",
}
DocumentKind = Literal[
    "technical_conditions",
    "contract",
    "invoice",
    "act",
    "other",
    "connection_act",
    "connection_notice",
    "admission_act",
]
