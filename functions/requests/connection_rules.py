"""The procedure of a technological connection (Правила технологического присоединения, утв.
постановлением Правительства РФ от 27.12.2004 № 861, «ПП № 861») as data: one row per procedure.

The applicant never picks a legal category: `derive_procedure` finds the first row of `PROCEDURES`
whose conditions the application meets (applicant kind, purpose, total power = new + previously
connected, reliability category, number of sources). A new rule is a row or a column here, never an
`if` in the model (connection_fields.py judges an application by its row; the site shows the row before
filing; the request's `procedure` is built from it, connection_procedure.py).

The edition read: the Rules as in force on 2026-12 (the text published as «Действующий» at
dokipedia.ru, document 5159749): п. 2 (what is a connection), п. 7 (the procedure's steps), п. 10
«а»–«г» (the documents) were read there. Points cited from memory of the edition in force and NOT
found by the search tool in a text of the current edition are marked «не сверено» below: п. 12, п. 12(1),
п. 14 (who is who), п. 15 (the terms of the offer and of missing data), п. 16 «б» (the connection
term). ПП № 24 (21.01.2004), п. 19 «л» names the stages the applicant must see (read at a grid
company's disclosure page quoting it).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

ApplicantKind = Literal["person", "entrepreneur", "organisation"]
Purpose = Literal["household", "business"]
Reliability = Literal["I", "II", "III"]
ProcedureCode = Literal["p14", "p12_1", "p12", "general", "general_150", "general_670"]

APPLICANT_TITLES: dict[str, str] = {
    "person": "Физическое лицо",
    "entrepreneur": "Индивидуальный предприниматель",
    "organisation": "Юридическое лицо",
}
PURPOSE_TITLES: dict[str, str] = {
    "household": "Бытовые нужды, не связанные с предпринимательской деятельностью",
    "business": "Предпринимательская (производственная) деятельность",
}
# Above this voltage the applicant attaches the single-line diagram (ПП № 861, п. 10 «б»: «номинальный
# класс напряжения которых составляет 35 кВ и выше» — read in the edition in force).
DIAGRAM_FROM_KV = Decimal(35)
# At or below this voltage the п. 12(1)/13(2)–13(5)/14 applicant's connection ends with the
# уведомление об обеспечении возможности присоединения instead of the act (ПП № 861, п. 110; не сверено).
NOTICE_UP_TO_KV = Decimal("0.4")

# ---------------------------------------------------------------- documents (ПП № 861, п. 10 only)

PLAN = "План расположения энергопринимающих устройств (ПП № 861, п. 10 «а»)"
DIAGRAM = (
    "Однолинейная схема электрических сетей заявителя 35 кВ и выше, с возможностью резервирования "
    "от собственных источников и переключения нагрузок (ПП № 861, п. 10 «б»)"
)
EMERGENCY = (
    "Перечень и мощность энергопринимающих устройств, которые могут быть присоединены к устройствам "
    "противоаварийной автоматики (ПП № 861, п. 10 «в»)"
)
TITLE = (
    "Копия документа о праве собственности или ином законном основании на объект капитального "
    "строительства и (или) земельный участок (ПП № 861, п. 10 «г»)"
)
# The letters of these two were not found in a text of the edition in force: cited as п. 10 only.
PROXY = "Доверенность, если заявку подаёт представитель заявителя (ПП № 861, п. 10)"
IDENTITY = "Копия паспорта или иного документа, удостоверяющего личность (ПП № 861, п. 10)"


@dataclass(frozen=True)
class Procedure:
    """One procedure of the Rules: who it is for (the conditions), what the application attaches,
    and its terms. `power_above_kw` < total ≤ `power_up_to_kw` (or < when `up_to_exclusive`)."""

    code: ProcedureCode
    clause: str
    title: str
    why: str  # the conditions in words, for the form («почему этот порядок»)
    kinds: tuple[ApplicantKind, ...]
    purposes: tuple[Purpose, ...]
    power_above_kw: Decimal
    power_up_to_kw: Decimal | None
    up_to_exclusive: bool
    reliability: tuple[Reliability, ...]
    max_sources: int | None
    emergency_list: bool  # п. 10 «в» is asked
    stages_required: bool  # п. 9: stages and their power
    load_character_required: bool  # п. 9: the character of the load
    reserve_applies: bool  # п. 9: technological and emergency reserve (бронь)
    offer_working_days: int  # п. 15: contract terms, invoice and ТУ placed in the cabinet
    connection_months: int  # п. 16 «б»: the connection term from the contract's conclusion
    connection_months_far: int  # the same when the grid is farther than `SHORT_DISTANCE_M`
    notice_closes: bool  # closes with the notice (at ≤ 0,4 кВ) instead of the act


# п. 16 «б» (не сверено): the short term holds when the grid is within 300 m in a town, 500 m in the
# countryside.
SHORT_DISTANCE_M: dict[str, int] = {"urban": 300, "rural": 500}

_ANY_KIND: tuple[ApplicantKind, ...] = ("person", "entrepreneur", "organisation")
_BOTH: tuple[Purpose, ...] = ("household", "business")
_ALL_CATEGORIES: tuple[Reliability, ...] = ("I", "II", "III")

# The rows, in the order they are tried: the first whose conditions hold is the procedure.
PROCEDURES: tuple[Procedure, ...] = (
    # п. 14 (не сверено): a person, for household needs, up to 15 kW with what is connected already,
    # reliability category III (one source).
    Procedure(
        code="p14",
        clause="ПП № 861, п. 14",
        title="Физическое лицо до 15 кВт для бытовых нужд",
        why="физическое лицо, бытовые нужды, до 15 кВт включительно с учётом ранее присоединённой "
        "мощности, III категория надёжности, один источник электроснабжения",
        kinds=("person",),
        purposes=("household",),
        power_above_kw=Decimal(0),
        power_up_to_kw=Decimal(15),
        up_to_exclusive=False,
        reliability=("III",),
        max_sources=1,
        emergency_list=False,
        stages_required=False,
        load_character_required=False,
        reserve_applies=False,
        offer_working_days=10,
        connection_months=6,
        connection_months_far=12,
        notice_closes=True,
    ),
    # п. 12(1) (не сверено): a legal entity or an entrepreneur up to 150 kW with what is connected
    # already, one source (reliability category III).
    Procedure(
        code="p12_1",
        clause="ПП № 861, п. 12(1)",
        title="Юридическое лицо или предприниматель до 150 кВт по одному источнику",
        why="юридическое лицо или индивидуальный предприниматель, до 150 кВт включительно с учётом "
        "ранее присоединённой мощности, III категория надёжности, один источник электроснабжения",
        kinds=("entrepreneur", "organisation"),
        purposes=_BOTH,
        power_above_kw=Decimal(0),
        power_up_to_kw=Decimal(150),
        up_to_exclusive=False,
        reliability=("III",),
        max_sources=1,
        emergency_list=False,
        stages_required=False,
        load_character_required=False,
        reserve_applies=False,
        offer_working_days=10,
        connection_months=6,
        connection_months_far=12,
        notice_closes=True,
    ),
    # п. 12 (не сверено): a legal entity or an entrepreneur over 150 kW and under 670 kW.
    Procedure(
        code="p12",
        clause="ПП № 861, п. 12",
        title="Юридическое лицо или предприниматель свыше 150 кВт и менее 670 кВт",
        why="юридическое лицо или индивидуальный предприниматель, свыше 150 и менее 670 кВт с учётом "
        "ранее присоединённой мощности",
        kinds=("entrepreneur", "organisation"),
        purposes=_BOTH,
        power_above_kw=Decimal(150),
        power_up_to_kw=Decimal(670),
        up_to_exclusive=True,
        reliability=_ALL_CATEGORIES,
        max_sources=None,
        emergency_list=True,
        stages_required=True,
        load_character_required=True,
        reserve_applies=True,
        offer_working_days=20,
        connection_months=12,
        connection_months_far=12,
        notice_closes=False,
    ),
    # пп. 9, 10: everyone else up to 150 kW — a person asking for category I or II, or for business
    # use, an entity with two sources — by the general procedure. Its stages (п. 9) and the
    # load's character may be stated, and are required from 150 kW (the rows below): the portal's
    # choice, не сверено with a point of the Rules that exempts them.
    Procedure(
        code="general",
        clause="ПП № 861, пп. 9, 10",
        title="Общий порядок, до 150 кВт",
        why="заявка не подпадает под пп. 12(1), 14 (другая категория надёжности, два источника, "
        "предпринимательские нужды физического лица), мощность до 150 кВт включительно",
        kinds=_ANY_KIND,
        purposes=_BOTH,
        power_above_kw=Decimal(0),
        power_up_to_kw=Decimal(150),
        up_to_exclusive=False,
        reliability=_ALL_CATEGORIES,
        max_sources=None,
        emergency_list=True,
        stages_required=False,
        load_character_required=False,
        reserve_applies=True,
        offer_working_days=20,
        connection_months=12,
        connection_months_far=12,
        notice_closes=False,
    ),
    Procedure(
        code="general_150",
        clause="ПП № 861, пп. 9, 10",
        title="Общий порядок, свыше 150 кВт и менее 670 кВт",
        why="заявка не подпадает под п. 12 (заявитель — физическое лицо), мощность свыше 150 и менее 670 кВт",
        kinds=_ANY_KIND,
        purposes=_BOTH,
        power_above_kw=Decimal(150),
        power_up_to_kw=Decimal(670),
        up_to_exclusive=True,
        reliability=_ALL_CATEGORIES,
        max_sources=None,
        emergency_list=True,
        stages_required=True,
        load_character_required=True,
        reserve_applies=True,
        offer_working_days=20,
        connection_months=12,
        connection_months_far=12,
        notice_closes=False,
    ),
    # пп. 9, 10: 670 kW and above — the full application; the connection term is two years.
    Procedure(
        code="general_670",
        clause="ПП № 861, пп. 9, 10",
        title="Общий порядок, 670 кВт и выше",
        why="мощность 670 кВт и выше с учётом ранее присоединённой",
        kinds=_ANY_KIND,
        purposes=_BOTH,
        power_above_kw=Decimal("669.999"),
        power_up_to_kw=None,
        up_to_exclusive=False,
        reliability=_ALL_CATEGORIES,
        max_sources=None,
        emergency_list=True,
        stages_required=True,
        load_character_required=True,
        reserve_applies=True,
        offer_working_days=20,
        connection_months=24,
        connection_months_far=24,
        notice_closes=False,
    ),
)
PROCEDURE_OF: dict[ProcedureCode, Procedure] = {row.code: row for row in PROCEDURES}


@dataclass(frozen=True)
class ApplicantFacts:
    """What the procedure is derived from: the applicant's answers."""

    kind: ApplicantKind
    purpose: Purpose
    new_power_kw: Decimal
    existing_power_kw: Decimal
    reliability: Reliability
    voltage_kv: Decimal
    sources: int

    @property
    def total_power_kw(self) -> Decimal:
        return self.new_power_kw + self.existing_power_kw


def meets(row: Procedure, facts: ApplicantFacts) -> bool:
    """Whether the application meets every condition of the row."""
    total = facts.total_power_kw
    if row.power_up_to_kw is not None:
        above_top = total >= row.power_up_to_kw if row.up_to_exclusive else total > row.power_up_to_kw
    else:
        above_top = False
    return (
        facts.kind in row.kinds
        and facts.purpose in row.purposes
        and total > row.power_above_kw
        and not above_top
        and facts.reliability in row.reliability
        and (row.max_sources is None or facts.sources <= row.max_sources)
    )


def derive_procedure(facts: ApplicantFacts) -> Procedure:
    """The first row whose conditions hold (the last three hold for any applicant, together for any
    power above 0: every application has its procedure; a stored one
    of older code whose power reads as 0 gets the general procedure)."""
    return next((row for row in PROCEDURES if meets(row, facts)), PROCEDURE_OF["general"])


def documents_for(row: Procedure, facts: ApplicantFacts) -> tuple[str, ...]:
    """What the application attaches, by п. 10 only (п. 11 forbids asking for anything else): the
    diagram only at 35 kV and above, the emergency automation list where the procedure asks it, the
    identity document of a person or an entrepreneur."""
    return (
        PLAN,
        *((DIAGRAM,) if facts.voltage_kv >= DIAGRAM_FROM_KV else ()),
        *((EMERGENCY,) if row.emergency_list else ()),
        TITLE,
        *((IDENTITY,) if facts.kind in ("person", "entrepreneur") else ()),
        PROXY,
    )


def closes_with_notice(row: Procedure, facts: ApplicantFacts) -> bool:
    """Whether the connection ends with the уведомление (at 0,4 kV and below, for the rows that
    allow it) rather than the акт об осуществлении технологического присоединения."""
    return row.notice_closes and facts.voltage_kv <= NOTICE_UP_TO_KV


def connection_months(row: Procedure, location: str | None, distance_m: int | None) -> int:
    """The connection term in months (п. 16 «б», не сверено): the short one unless the grid is
    farther than 300 m in a town or 500 m in the countryside."""
    limit = SHORT_DISTANCE_M.get(location or "")
    if limit is not None and distance_m is not None and distance_m > limit:
        return row.connection_months_far
    return row.connection_months


def procedures_schema() -> dict[str, Any]:
    """The table as the site reads it (`x-procedures` of the connection's schema): the form shows the
    procedure that applies, why, and what to attach before filing, from these same rows."""
    return {
        "diagram_from_kv": str(DIAGRAM_FROM_KV),
        "documents": {
            "plan": PLAN,
            "diagram": DIAGRAM,
            "emergency": EMERGENCY,
            "title": TITLE,
            "identity": IDENTITY,
            "proxy": PROXY,
        },
        "rows": [
            {
                "code": row.code,
                "clause": row.clause,
                "title": row.title,
                "why": row.why,
                "kinds": list(row.kinds),
                "purposes": list(row.purposes),
                "power_above_kw": str(row.power_above_kw),
                "power_up_to_kw": None if row.power_up_to_kw is None else str(row.power_up_to_kw),
                "up_to_exclusive": row.up_to_exclusive,
                "reliability": list(row.reliability),
                "max_sources": row.max_sources,
                "emergency_list": row.emergency_list,
                "stages_required": row.stages_required,
                "load_character_required": row.load_character_required,
                "offer_working_days": row.offer_working_days,
            }
            for row in PROCEDURES
        ],
    }


# ---------------------------------------------------------------- stored applications, old and new


def _decimal(value: Any, default: Decimal) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else default
    except InvalidOperation:
        return default


def facts_of(fields: Mapping[str, Any]) -> ApplicantFacts:
    """The facts of a stored application, of this code or older. An application of older code has no
    `purpose` (a person's was household, an entity's business), no `supply_sources` (one for category
    III, two otherwise), and its `max_power_kw` counted what was connected before: the new power is
    the difference."""
    kind = fields.get("applicant_kind") if fields.get("applicant_kind") in APPLICANT_TITLES else "person"
    reliability = str(fields.get("reliability_category") or "III")
    reliability = reliability if reliability in ("I", "II", "III") else "III"
    old = "purpose" not in fields
    purpose = fields.get("purpose") if fields.get("purpose") in PURPOSE_TITLES else None
    existing = _decimal(fields.get("existing_power_kw"), Decimal(0))
    new = _decimal(fields.get("max_power_kw"), Decimal(0))
    if old:
        new = max(new - existing, Decimal(0))
    return ApplicantFacts(
        kind=kind,  # type: ignore[arg-type]
        purpose=purpose or ("household" if kind == "person" else "business"),
        new_power_kw=new,
        existing_power_kw=existing,
        reliability=reliability,  # type: ignore[arg-type]
        voltage_kv=_decimal(fields.get("voltage_kv"), Decimal("0.4")),
        sources=int(fields.get("supply_sources") or (1 if reliability == "III" else 2)),
    )


def distance_of(fields: Mapping[str, Any]) -> tuple[str | None, int | None]:
    """The location and the distance to the grid a stored application gives (older ones: none)."""
    distance = fields.get("grid_distance_m")
    return (str(fields["settlement"]) if fields.get("settlement") else None), (
        int(distance) if distance is not None else None
    )
