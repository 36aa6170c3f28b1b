"""The procedure table of ПП № 861 (functions/requests/connection_rules.py): one test per row, the
boundaries between rows, and the documents by п. 10 per procedure and voltage."""

from decimal import Decimal

import pytest

from functions.requests.connection_rules import (
    DIAGRAM,
    EMERGENCY,
    IDENTITY,
    PLAN,
    PROCEDURES,
    PROXY,
    TITLE,
    ApplicantFacts,
    closes_with_notice,
    connection_months,
    derive_procedure,
    documents_for,
)


def facts(**changes: object) -> ApplicantFacts:
    base: dict[str, object] = {
        "kind": "person",
        "purpose": "household",
        "new_power_kw": Decimal(15),
        "existing_power_kw": Decimal(0),
        "reliability": "III",
        "voltage_kv": Decimal("0.4"),
        "sources": 1,
    }
    return ApplicantFacts(**{**base, **changes})  # type: ignore[arg-type]


def test_every_row_is_tested_here() -> None:
    assert [row.code for row in PROCEDURES] == [
        "p14",
        "p12_1",
        "p12",
        "general",
        "general_150",
        "general_670",
    ]


def test_row_p14_a_household_of_15_kw_with_one_source_in_category_iii() -> None:
    applicant = facts()
    row = derive_procedure(applicant)

    assert row.code == "p14"
    assert row.clause == "ПП № 861, п. 14"
    assert row.offer_working_days == 10
    assert documents_for(row, applicant) == (PLAN, TITLE, IDENTITY, PROXY)
    assert closes_with_notice(row, applicant)


def test_row_p14_counts_the_power_connected_before() -> None:
    assert derive_procedure(facts(new_power_kw=Decimal(10), existing_power_kw=Decimal(5))).code == "p14"
    assert derive_procedure(facts(new_power_kw=Decimal(10), existing_power_kw=Decimal(6))).code == "general"


def test_row_p12_1_an_entrepreneur_of_100_kw() -> None:
    applicant = facts(kind="entrepreneur", purpose="business", new_power_kw=Decimal(100))
    row = derive_procedure(applicant)

    assert row.code == "p12_1"
    assert row.clause == "ПП № 861, п. 12(1)"
    assert row.offer_working_days == 10
    assert documents_for(row, applicant) == (PLAN, TITLE, IDENTITY, PROXY)


def test_row_p12_an_organisation_of_300_kw_at_10_kv_is_not_asked_for_the_diagram() -> None:
    applicant = facts(
        kind="organisation", purpose="business", new_power_kw=Decimal(300), voltage_kv=Decimal(10)
    )
    row = derive_procedure(applicant)

    assert row.code == "p12"
    assert row.clause == "ПП № 861, п. 12"
    assert row.offer_working_days == 20
    assert DIAGRAM not in documents_for(row, applicant)
    assert documents_for(row, applicant) == (PLAN, EMERGENCY, TITLE, PROXY)
    assert not closes_with_notice(row, applicant)


def test_row_general_a_person_asking_for_category_ii_is_not_p14() -> None:
    row = derive_procedure(facts(reliability="II", sources=2))

    assert row.code == "general"
    assert row.clause == "ПП № 861, пп. 9, 10"
    assert not row.stages_required


def test_row_general_a_person_for_business_is_not_p14() -> None:
    assert derive_procedure(facts(purpose="business")).code == "general"


def test_row_general_150_a_person_of_300_kw_states_stages_and_load() -> None:
    row = derive_procedure(facts(new_power_kw=Decimal(300)))

    assert row.code == "general_150"
    assert row.stages_required and row.load_character_required


def test_row_general_670_an_organisation_of_1000_kw_and_the_diagram_from_35_kv() -> None:
    at_10 = facts(kind="organisation", purpose="business", new_power_kw=Decimal(1000), voltage_kv=Decimal(10))
    at_35 = facts(kind="organisation", purpose="business", new_power_kw=Decimal(1000), voltage_kv=Decimal(35))
    row = derive_procedure(at_35)

    assert row.code == "general_670"
    assert row.clause == "ПП № 861, пп. 9, 10"
    assert DIAGRAM in documents_for(row, at_35)
    assert DIAGRAM not in documents_for(row, at_10)
    assert connection_months(row, "urban", 100) == 24


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"kind": "organisation", "purpose": "business", "new_power_kw": Decimal(150)}, "p12_1"),
        ({"kind": "organisation", "purpose": "business", "new_power_kw": Decimal("150.001")}, "p12"),
        ({"kind": "organisation", "purpose": "business", "new_power_kw": Decimal("669.999")}, "p12"),
        ({"kind": "organisation", "purpose": "business", "new_power_kw": Decimal(670)}, "general_670"),
        ({"kind": "organisation", "purpose": "business", "sources": 2}, "general"),
        ({"kind": "person", "new_power_kw": Decimal("15.001")}, "general"),
        ({"kind": "person", "new_power_kw": Decimal(150)}, "general"),
    ],
)
def test_the_boundaries_between_rows(changes: dict[str, object], code: str) -> None:
    assert derive_procedure(facts(**changes)).code == code


def test_a_household_offer_is_due_no_later_than_a_1000_kw_one() -> None:
    household = derive_procedure(facts())
    large = derive_procedure(facts(kind="organisation", purpose="business", new_power_kw=Decimal(1000)))

    assert household.offer_working_days <= large.offer_working_days


def test_the_connection_term_is_longer_when_the_grid_is_far() -> None:
    row = derive_procedure(facts())

    assert connection_months(row, "urban", 300) == 6
    assert connection_months(row, "urban", 301) == 12
    assert connection_months(row, "rural", 500) == 6
    assert connection_months(row, "rural", None) == 6


def test_a_stored_application_whose_power_reads_as_zero_still_has_a_procedure() -> None:
    assert derive_procedure(facts(new_power_kw=Decimal(0))).code == "general"
