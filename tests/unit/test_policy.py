"""The personal-data policy and the consent record (152-ФЗ ст. 9, ст. 18.1)."""

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import boto3
import pytest

from functions.auth import handler as auth
from functions.auth.policy import (
    CONSENT_TEXTS,
    CURRENT_CONSENT_VERSION,
    REGION_PLACES,
    OperatorSettings,
    consent_is_outdated,
    consent_text_sha256,
    normalized,
    policy_sections,
)
from functions.common.retention import RetentionKind, retention_table
from infra.world import LOCAL_PARAMETERS, World
from tests.unit.conftest import api_event, call, sent_mails
from tests.unit.test_accounts import IVAN, claims_of, mailed_password, register

INDEX = Path(__file__).resolve().parents[2] / "web" / "index.html"

# The SHA-256 of every consent text ever shown, by version. A changed text under a version that was
# shown is a different consent than the one the profiles record: write it as a new version (a new
# entry of CONSENT_TEXTS and here), never edit a text in place.
SHOWN = {
    "2026-11-01": "3e22bb53945bc29b1d0c08e81bcc1aea77ecf66efe84fce72f92c03c919bc285",
    "2026-11-29": "113689f1e140e8571af477e814ee8f29eb79dc13329f4f00765a59cf0029d131",
    "2026-12-04": "11def505fbcc63bfabe911aafaa0d41bc4c8e885641fa47977ca2b35be1ddcb5",
}


class _ConsentText(HTMLParser):
    """The text and data-version of the registration form's consent paragraph."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.version: str | None = None
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if self.depth:
            self.depth += 1
        elif found.get("id") == "reg-consent-text":
            self.depth, self.version = 1, found.get("data-version")

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def _form_consent() -> tuple[str | None, str]:
    parser = _ConsentText()
    parser.feed(INDEX.read_text(encoding="utf-8"))
    return parser.version, normalized("".join(parser.parts))


def test_no_shown_consent_text_changed_under_its_version() -> None:
    assert {version: consent_text_sha256(version) for version in CONSENT_TEXTS} == SHOWN


def test_the_registration_form_shows_the_current_consent_text_under_its_version() -> None:
    version, text = _form_consent()

    assert version == CURRENT_CONSENT_VERSION
    assert text == normalized(CONSENT_TEXTS[CURRENT_CONSENT_VERSION])


def test_the_consent_wording_is_neutral_in_gender() -> None:
    _, text = _form_consent()
    label = re.search(r'<label for="reg-consent"[^>]*>([^<]+)</label>', INDEX.read_text(encoding="utf-8"))

    assert label is not None
    assert label.group(1) == "Даю согласие на обработку персональных данных"
    assert text.startswith("Даю согласие")
    assert not re.search(r"\bсоглас(ен|на)\b", text + label.group(1), re.IGNORECASE)


def test_the_form_and_the_footer_link_the_policy() -> None:
    page = INDEX.read_text(encoding="utf-8")

    assert page.count('href="#/privacy"') == 2
    assert re.search(r'<footer.*href="#/privacy".*</footer>', page, re.DOTALL)


def test_the_policy_names_the_operator_and_what_is_collected_why_how_long_and_to_whom(world: World) -> None:
    status, policy = call(auth, api_event("GET", "/api/policy"))

    assert status == 200
    assert policy["operator_name"] == world.environment["OPERATOR_NAME"] == LOCAL_PARAMETERS["OperatorName"]
    assert policy["operator_inn"] == LOCAL_PARAMETERS["OperatorInn"]
    assert policy["personal_data_officer"] == LOCAL_PARAMETERS["PersonalDataOfficer"]
    text = " ".join(p for s in policy["sections"] for p in s["paragraphs"])
    for fact in (
        "OperatorName",
        "OperatorAddress",
        "OperatorInn",
        "PersonalDataOfficer",
        "PersonalDataOfficerContact",
    ):
        assert LOCAL_PARAMETERS[fact] in text, fact
    assert "статья 22.1" in text
    for collected in ("адреса", "кадастровые номера", "показания", "АСКУЭ", "сканы", "третьих лицах"):
        assert collected in text, collected
    for said in ("Цели", "Сроки хранения", "Кому передаются", "Права"):
        assert any(said in s["title"] for s in policy["sections"]), said
    assert "30 дней" in text and "часть 5 статьи 21" in text and "часть 2 статьи 9" in text
    assert "статья 14" in text and "часть 1 статьи 20" in text and "«Скачать мои данные»" in text
    assert policy["consent"] == {
        "version": CURRENT_CONSENT_VERSION,
        "text": normalized(CONSENT_TEXTS[CURRENT_CONSENT_VERSION]),
        "sha256": hashlib.sha256(normalized(CONSENT_TEXTS[CURRENT_CONSENT_VERSION]).encode()).hexdigest(),
    }


def _profile_item(world: World, user_id: str) -> dict[str, Any]:
    table = boto3.resource("dynamodb").Table(world.refs["ProfilesTable"])
    return table.get_item(Key={"user_id": user_id})["Item"]  # type: ignore[return-value]


def test_registration_keeps_the_version_shown_its_time_and_the_texts_hash(world: World) -> None:
    assert register({**IVAN, "consent_version": CURRENT_CONSENT_VERSION})[0] == 202
    caller = claims_of("ivan.petrov@example.ru", mailed_password("ivan.petrov@example.ru"))

    _, profile = call(auth, api_event("GET", "/api/profile", claims=caller))

    assert profile["consent_text_version"] == CURRENT_CONSENT_VERSION
    assert profile["consent_text_sha256"] == SHOWN[CURRENT_CONSENT_VERSION]
    assert profile["consent_given_at"]
    assert _profile_item(world, caller["sub"])["consent_text_sha256"] == SHOWN[CURRENT_CONSENT_VERSION]


@pytest.mark.parametrize("version", ["2026-11-01", "2020-01-01", ""])
def test_a_consent_to_another_text_than_the_current_one_is_refused(world: World, version: str) -> None:
    status, problem = register({**IVAN, "consent_version": version})

    assert status == 422
    [error] = problem["errors"]
    assert error["field"] == "consent_version"
    assert error["message"].startswith("Текст согласия на обработку персональных данных обновился")
    assert sent_mails() == []


def _text(operator: OperatorSettings) -> str:
    return " ".join(p for s in policy_sections(operator) for p in s.paragraphs)


def _operator(**changes: str) -> OperatorSettings:
    facts = {
        "operator_name": "АО «Горэлектросеть»",
        "operator_address": "г. Тверь, ул. Советская, д. 1",
        "operator_inn": "6900000000",
        "personal_data_officer": "Петров П.П.",
        "personal_data_officer_contact": "pd@grid.ru",
    }
    return OperatorSettings(**{**facts, **changes})


def test_the_policy_names_the_processors_the_place_of_storage_and_the_cross_border_transfer(
    world: World,
) -> None:
    _, policy = call(auth, api_event("GET", "/api/policy"))
    text = " ".join(p for s in policy["sections"] for p in s["paragraphs"])

    assert "Другим лицам персональные данные не передаются" in text  # but no longer alone
    assert "Amazon Web Services EMEA SARL" in text and "часть 3 статьи 6" in text
    assert "Amazon SES" in text and "Amazon DynamoDB" in text and "Amazon S3" in text
    assert policy["storage_place"] == "Германия, Франкфурт-на-Майне (регион AWS eu-central-1)"
    assert "Германия, Франкфурт-на-Майне" in text
    assert "трансграничная передача" in text and "уведомление о намерении" in text
    assert "часть 3 статьи 12 в редакции, действующей с 01.03.2023" in text
    assert "адекватную защиту" in text


def test_the_place_follows_the_deployment_region() -> None:
    assert "Ирландия, Дублин (регион AWS eu-west-1)" in _text(_operator(aws_region="eu-west-1"))
    us = _text(_operator(aws_region="us-east-1"))
    assert "США" in us and "10 рабочих дней после уведомления" in us and "адекватную защиту" not in us
    unknown = _text(_operator(aws_region="ap-south-7"))
    assert "регион AWS ap-south-7" in unknown and "уведомляет Роскомнадзор" in unknown
    assert all(place.country and place.city for place in REGION_PLACES.values())


def test_the_operator_facts_are_required_and_the_inn_is_checked() -> None:
    with pytest.raises(ValueError, match="operator_inn"):
        _operator(operator_inn="12345")
    with pytest.raises(ValueError, match="personal_data_officer"):
        OperatorSettings(operator_name="a", operator_address="b", operator_inn="6900000000")


def test_the_operator_facts_have_no_default_in_the_template() -> None:
    from infra.template import load_template

    parameters = load_template()["Parameters"]
    for fact in (
        "OperatorName",
        "OperatorAddress",
        "OperatorInn",
        "PersonalDataOfficer",
        "PersonalDataOfficerContact",
    ):
        assert "Default" not in parameters[fact], fact
    assert parameters["CloudContractingParty"]["Default"] == "Amazon Web Services EMEA SARL"


def test_the_policy_states_each_retention_kind_with_its_period_and_basis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = _text(_operator())
    for entry in retention_table():
        assert entry.basis in text, entry.kind
    assert "5 лет после окончания года, в котором прекратился договор" in text
    assert "6 месяцев после завершения рассмотрения заявки" in text
    assert "3 года после даты показания" in text and "статья 196 Гражданского кодекса РФ" in text
    assert "30 дней после отправки письма" in text
    assert "статья 29 Федерального закона от 06.12.2011 № 402-ФЗ" in text
    assert {entry.kind for entry in retention_table()} == set(RetentionKind)


def test_the_consent_text_lists_what_registration_collects_and_nothing_it_does_not() -> None:
    from functions.auth.models import IndividualRegistration, LegalRegistration

    text = normalized(CONSENT_TEXTS[CURRENT_CONSENT_VERSION])
    assert "представител" not in text
    fields = set(IndividualRegistration.model_fields) | set(LegalRegistration.model_fields)
    assert fields == {"category", "full_name", "org_name", "email", "phone", "consent", "consent_version"}
    for said in (
        "категория потребителя",
        "ФИО",
        "название организации",
        "адрес электронной почты",
        "номер телефона",
    ):
        assert said in text, said


def test_a_consent_to_an_older_version_is_outdated_and_to_the_current_one_is_not() -> None:
    assert consent_is_outdated("2026-11-01") and consent_is_outdated("2026-11-29")
    assert not consent_is_outdated(CURRENT_CONSENT_VERSION)


def test_make_run_prints_the_policys_facts(world: World) -> None:
    from infra.local import policy_banner

    printed = policy_banner(world, "http://127.0.0.1:8000")

    assert printed.startswith("http://127.0.0.1:8000/#/privacy")
    for fact in (
        "OperatorName",
        "OperatorAddress",
        "OperatorInn",
        "PersonalDataOfficer",
        "PersonalDataOfficerContact",
    ):
        assert LOCAL_PARAMETERS[fact] in printed, fact
    assert "Amazon Web Services EMEA SARL" in printed and "регион eu-central-1" in printed
