"""The rules of a technological connection application (Правила технологического присоединения,
утв. постановлением Правительства РФ от 27.12.2004 № 861, «ПП № 861») as data: one row per applicant
category and per applicant kind. A new rule is a row (or a column of every row) here, never an `if`
in the model: `ConnectionFields` (type_fields.py) judges an application by looking its category and its
applicant kind up, and the site lists what to attach from the same rows.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

ApplicantCategory = Literal["up_to_15", "up_to_150", "up_to_670", "from_670"]
ApplicantKind = Literal["person", "entrepreneur", "organisation"]
Reliability = Literal["I", "II", "III"]

# What every applicant attaches (ПП № 861, п. 10): the plan of the devices' location, the title to
# the object or land, and a power of attorney when a representative files.
_PLAN = "План расположения энергопринимающих устройств (п. 10, пп. «а»)"
_TITLE = (
    "Копия документа о праве собственности или ином законном основании на объект или земельный "
    "участок (п. 10, пп. «г»)"
)
_PROXY = "Доверенность, если заявку подаёт представитель (п. 10, пп. «е»)"
_SCHEME = "Однолинейная схема электрических сетей заявителя (п. 10, пп. «б»)"
_DEVICES = "Перечень и мощность энергопринимающих устройств (п. 10, пп. «в»)"
_EMERGENCY = (
    "Перечень и мощность энергопринимающих устройств, которые могут быть присоединены к устройствам "
    "противоаварийной автоматики (п. 10, пп. «в»)"
)


@dataclass(frozen=True)
class CategoryRule:
    """One applicant category: its power band, the reliability categories it may ask for, whether
    the design and commissioning stages are required, the documents to attach, and its point."""

    title: str
    power_above_kw: Decimal  # exclusive lower bound
    power_up_to_kw: Decimal  # the bound, inclusive unless `up_to_exclusive`
    up_to_exclusive: bool
    reliability: tuple[Reliability, ...]
    stages_required: bool
    documents: tuple[str, ...]
    clause: str


CATEGORY_RULES: dict[ApplicantCategory, CategoryRule] = {
    # п. 14: up to 15 kW inclusive, one source of supply: reliability category III only; the
    # application names no stages (the grid company's deadlines of п. 16 apply).
    "up_to_15": CategoryRule(
        title="До 15 кВт включительно",
        power_above_kw=Decimal(0),
        power_up_to_kw=Decimal(15),
        up_to_exclusive=False,
        reliability=("III",),
        stages_required=False,
        documents=(_PLAN, _TITLE, _PROXY),
        clause="ПП № 861, п. 14",
    ),
    # п. 12(1): over 15 and up to 150 kW inclusive (categories II and III).
    "up_to_150": CategoryRule(
        title="Свыше 15 до 150 кВт включительно",
        power_above_kw=Decimal(15),
        power_up_to_kw=Decimal(150),
        up_to_exclusive=False,
        reliability=("II", "III"),
        stages_required=True,
        documents=(_PLAN, _DEVICES, _TITLE, _PROXY),
        clause="ПП № 861, п. 12(1)",
    ),
    # пп. 13(2)–13(5): over 150 and under 670 kW.
    "up_to_670": CategoryRule(
        title="Свыше 150 кВт и менее 670 кВт",
        power_above_kw=Decimal(150),
        power_up_to_kw=Decimal(670),
        up_to_exclusive=True,
        reliability=("I", "II", "III"),
        stages_required=True,
        documents=(_PLAN, _SCHEME, _DEVICES, _TITLE, _PROXY),
        clause="ПП № 861, пп. 13(2)–13(5)",
    ),
    # пп. 9, 10: 670 kW and above — the full application and the full list of documents.
    "from_670": CategoryRule(
        title="670 кВт и выше",
        power_above_kw=Decimal("669.999"),
        power_up_to_kw=Decimal(15000),
        up_to_exclusive=False,
        reliability=("I", "II", "III"),
        stages_required=True,
        documents=(_PLAN, _SCHEME, _DEVICES, _EMERGENCY, _TITLE, _PROXY),
        clause="ПП № 861, пп. 9, 10",
    ),
}


@dataclass(frozen=True)
class ApplicantRule:
    """What an applicant kind gives as its requisites (ПП № 861, п. 9, пп. «а»): the fields it
    needs and the fields it must not fill in, and what it attaches besides its category's list."""

    title: str
    required: tuple[str, ...]
    documents: tuple[str, ...]


_PASSPORT_FIELDS = ("passport_series", "passport_number", "passport_issued_on", "passport_issued_by")
APPLICANT_RULES: dict[ApplicantKind, ApplicantRule] = {
    # A person: surname, name, patronymic and the passport (series, number, issued when and by whom).
    "person": ApplicantRule(
        title="Физическое лицо",
        required=_PASSPORT_FIELDS,
        documents=("Копия паспорта (страницы с фотографией и регистрацией)",),
    ),
    # An entrepreneur: the ЕГРИП record (ОГРНИП, 15 digits) and the ИНН (12 digits).
    "entrepreneur": ApplicantRule(
        title="Индивидуальный предприниматель",
        required=("ogrn", "inn"),
        documents=(),
    ),
    # An organisation: the ЕГРЮЛ record (ОГРН, 13 digits) and the ИНН (10 digits).
    "organisation": ApplicantRule(
        title="Юридическое лицо",
        required=("organisation_name", "ogrn", "inn"),
        documents=(),
    ),
}
REQUISITE_FIELDS = (*_PASSPORT_FIELDS, "organisation_name", "ogrn", "inn")
# The length of each kind's ОГРН/ОГРНИП and ИНН; any number's digits and check digits are the field
# types' own (functions/common/fields.py: `Ogrn`, `Inn`).
OGRN_LENGTH: dict[ApplicantKind, int] = {"entrepreneur": 15, "organisation": 13}
INN_LENGTH: dict[ApplicantKind, int] = {"entrepreneur": 12, "organisation": 10}


def documents_for(category: ApplicantCategory, applicant: ApplicantKind) -> tuple[str, ...]:
    """What to attach to an application of this category by this applicant."""
    return (*APPLICANT_RULES[applicant].documents, *CATEGORY_RULES[category].documents)
