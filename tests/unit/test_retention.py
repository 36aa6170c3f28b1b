"""The retention table (functions/common/retention.py): periods counted by the calendar, the
operator's choices read from the template's parameters, the legal minimums kept."""

from datetime import UTC, datetime

import pytest

from functions.common import retention
from functions.common.retention import Period, RetentionKind, RetentionSettings, retention_of
from functions.common.settings import load_settings
from infra.template import load_template


def test_a_period_ends_on_the_calendar_date() -> None:
    start = datetime(2024, 1, 31, 12, tzinfo=UTC)
    assert Period(1, "months").after(start) == datetime(2024, 2, 29, 12, tzinfo=UTC)
    assert Period(5, "years").after(datetime(2024, 2, 29, tzinfo=UTC)) == datetime(2029, 2, 28, tzinfo=UTC)
    assert Period(30, "days").after(start) == datetime(2024, 3, 1, 12, tzinfo=UTC)
    assert Period(14, "months").after(start) == datetime(2025, 3, 31, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("period", "said"),
    [
        (Period(1, "years"), "1 год"),
        (Period(3, "years"), "3 года"),
        (Period(5, "years"), "5 лет"),
        (Period(11, "months"), "11 месяцев"),
        (Period(21, "days"), "21 день"),
        (Period(22, "days"), "22 дня"),
    ],
)
def test_a_period_is_said_in_russian(period: Period, said: str) -> None:
    assert period.russian() == said


def test_the_operators_periods_come_from_the_template_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETENTION_NO_CONTRACT_MONTHS", "12")
    monkeypatch.setenv("RETENTION_CONTRACT_YEARS", "7")
    load_settings.cache_clear()
    retention.retention_table.cache_clear()
    try:
        assert retention_of(RetentionKind.CONNECTION_WITHOUT_CONTRACT).period == Period(12, "months")
        assert retention_of(RetentionKind.CONNECTION_WITH_CONTRACT).period == Period(7, "years")
        assert retention_of(RetentionKind.READINGS).period == Period(3, "years")
    finally:
        load_settings.cache_clear()
        retention.retention_table.cache_clear()


def test_the_legal_minimums_cannot_be_set_lower() -> None:
    with pytest.raises(ValueError, match="retention_contract_years"):
        RetentionSettings(retention_contract_years=4)
    with pytest.raises(ValueError, match="retention_readings_years"):
        RetentionSettings(retention_readings_years=2)


def test_the_template_defaults_are_the_tables_and_reach_every_function() -> None:
    template = load_template()
    parameters = template["Parameters"]
    defaults = RetentionSettings()
    assert parameters["RetentionContractYears"]["Default"] == defaults.retention_contract_years
    assert parameters["RetentionNoContractMonths"]["Default"] == defaults.retention_no_contract_months
    assert parameters["RetentionReadingsYears"]["Default"] == defaults.retention_readings_years
    assert parameters["RetentionMailLedgerDays"]["Default"] == defaults.retention_mail_ledger_days
    assert parameters["RetentionContractYears"]["MinValue"] == 5  # 402-ФЗ ст. 29
    assert parameters["RetentionReadingsYears"]["MinValue"] == 3  # ГК РФ ст. 196
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    for name in RetentionSettings.model_fields:
        assert name.upper() in variables, name
