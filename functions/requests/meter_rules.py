"""The rules of meter services as 522-ФЗ made them, as data: who installs or replaces a meter, at whose
cost and in what term, and the window of a meter's admission.

Since 01.07.2020 (Федеральный закон от 27.12.2018 № 522-ФЗ, which added ст. 37 to Федеральный закон
от 26.03.2003 № 35-ФЗ «Об электроэнергетике»; Основные положения функционирования розничных рынков,
ПП РФ от 04.05.2012 № 442, in the wording of ПП РФ от 18.04.2020 № 554) the consumer no longer buys
and installs a meter: the grid company does it for houses and for non-residential consumers
(legal entities, entrepreneurs), the guaranteeing supplier for flats (premises) in blocks of flats,
each at its own cost — free for the consumer — and «не позднее 6 месяцев» from the consumer's
request (a meter missing, broken, lost, or past its verification interval). We verified the term
and the split against the suppliers' and grid companies' own notices quoting ПП № 442 as amended
by ПП № 554 and ПП № 354 п. 80(1) (ПП № 950), not against the consolidated official text; the
point numbers are theirs. A non-residential premise inside a block of flats supplied through the
house's network is the supplier's too in that wording; the form's `non_residential` means a
consumer's own building (a legal entity's object), the grid company's.
"""

from dataclasses import dataclass
from datetime import date
from typing import Literal

Premises = Literal["house", "apartment_in_building", "non_residential"]
Installer = Literal["grid_company", "guaranteeing_supplier"]

PREMISES_LABELS: dict[str, str] = {
    "house": "Жилой дом (домовладение)",
    "apartment_in_building": "Квартира (помещение) в многоквартирном доме",
    "non_residential": "Нежилое здание или объект юридического лица, ИП",
}
INSTALLER_TITLES: dict[Installer, str] = {
    "grid_company": "сетевая компания",
    "guaranteeing_supplier": "гарантирующий поставщик (энергосбытовая компания)",
}
INSTALLER_OF: dict[Premises, Installer] = {
    "house": "grid_company",
    "apartment_in_building": "guaranteeing_supplier",
    "non_residential": "grid_company",
}
# ПП № 442 (ПП № 554): installed, replaced and admitted «не позднее 6 месяцев» from the request.
INSTALLATION_TERM_MONTHS = 6
# Request types whose review deadline is a term a law sets (months from the filing day), not the
# company's working days.
STATUTORY_TERMS: dict[str, int] = {"meter_installation": INSTALLATION_TERM_MONTHS}


def statutory_term_text(code: str) -> str | None:
    """«не позднее 6 месяцев с даты заявки (522-ФЗ)» for a type with a statutory term."""
    months = STATUTORY_TERMS.get(code)
    return None if months is None else f"не позднее {months} месяцев с даты заявки (522-ФЗ)"


@dataclass(frozen=True)
class InstallationTerms:
    """What a meter installation request says: who does it, that it is free, and by when."""

    installer: Installer
    installer_title: str
    free_of_charge: bool
    term_months: int
    notice: str


def installation_terms(premises: Premises) -> InstallationTerms:
    installer = INSTALLER_OF[premises]
    title = INSTALLER_TITLES[installer]
    if installer == "guaranteeing_supplier":
        notice = (
            "Прибор учёта в квартире (помещении) многоквартирного дома устанавливает и заменяет "
            "гарантирующий поставщик (энергосбытовая компания), а не сетевая компания: заявка будет "
            "перенаправлена ему (статус «Перенаправлена»). Для вас это бесплатно — за счёт "
            f"гарантирующего поставщика, в срок не позднее {INSTALLATION_TERM_MONTHS} месяцев с даты "
            "заявки (522-ФЗ; Основные положения № 442)."
        )
    else:
        notice = (
            "Прибор учёта устанавливает или заменяет сетевая компания бесплатно — за свой счёт, в срок "
            f"не позднее {INSTALLATION_TERM_MONTHS} месяцев с даты заявки (522-ФЗ; Основные положения "
            "№ 442). Дату работ сетевая компания согласует с вами."
        )
    return InstallationTerms(
        installer=installer,
        installer_title=title,
        free_of_charge=True,
        term_months=INSTALLATION_TERM_MONTHS,
        notice=notice,
    )


# A meter's admission (допуск в эксплуатацию): the date the consumer proposes is «от 3 до 15 рабочих
# дней» from the request (ПП № 354, пп. 81–81(2), as managing companies and suppliers quote it; the
# consolidated official text was not opened to check the point).
ADMISSION_FIRST_WORKING_DAY = 3
ADMISSION_LAST_WORKING_DAY = 15
# Since 01.01.2022 a meter installed must be one that can join the intelligent metering system
# (ИСУ): 522-ФЗ, and the rules of ИСУ access (ПП РФ от 19.06.2020 № 890). We read it from the
# suppliers' notices; the point of the law was not checked.
ISU_REQUIRED_SINCE = date(2022, 1, 1)
INSTALLED_BY_LABELS: dict[str, str] = {
    "grid_company": "Сетевая компания",
    "guaranteeing_supplier": "Гарантирующий поставщик",
    "consumer": "Потребитель сам или его подрядчик",
}


def months_after(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has 28 days
