"""The personal-data policy and the consent record (152-ФЗ ст. 9, ст. 18.1)."""

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import boto3
import pytest

from functions.auth import handler as auth
from functions.auth.policy import CONSENT_TEXTS, CURRENT_CONSENT_VERSION, consent_text_sha256, normalized
from infra.world import World
from tests.unit.conftest import api_event, call, sent_mails
from tests.unit.test_accounts import IVAN, claims_of, mailed_password, register

INDEX = Path(__file__).resolve().parents[2] / "web" / "index.html"

# The SHA-256 of every consent text ever shown, by version. A changed text under a version that was
# shown is a different consent than the one the profiles record: write it as a new version (a new
# entry of CONSENT_TEXTS and here), never edit a text in place.
SHOWN = {
    "2026-11-01": "3e22bb53945bc29b1d0c08e81bcc1aea77ecf66efe84fce72f92c03c919bc285",
    "2026-11-29": "113689f1e140e8571af477e814ee8f29eb79dc13329f4f00765a59cf0029d131",
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
    assert policy["operator_name"] == world.environment["OPERATOR_NAME"] == "ООО «Сетевая компания»"
    assert policy["operator_address"]
    text = " ".join(p for s in policy["sections"] for p in s["paragraphs"])
    assert policy["operator_name"] in text and policy["operator_address"] in text
    for collected in ("адреса", "кадастровые номера", "показания", "АСКУЭ", "сканы", "третьих лицах"):
        assert collected in text, collected
    for said in ("Цели", "Сроки хранения", "Кому передаются"):
        assert any(said in s["title"] for s in policy["sections"]), said
    assert "30 дней" in text and "часть 5 статьи 21" in text and "часть 2 статьи 9" in text
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
