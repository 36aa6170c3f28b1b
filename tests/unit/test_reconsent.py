"""Re-consent (152-ФЗ ст. 9 ч. 1 and ч. 4): a consumer who accepted an older consent text is asked to
accept the one in force; the acceptance is recorded like the first (version, time, hash of the
text), the earlier one kept; refusing is the withdrawal of consent (the account's deletion)."""

from typing import Any

import boto3

from functions.auth import handler as auth
from functions.auth.policy import CURRENT_CONSENT_VERSION, consent_text_sha256
from infra.world import World
from tests.unit.conftest import api_event, call
from tests.unit.test_account_deletion import delete
from tests.unit.test_accounts import IVAN, claims_of, mailed_password, register

EMAIL = "ivan.petrov@example.ru"
OLDER = "2026-11-01"


def _table(world: World) -> Any:
    return boto3.resource("dynamodb").Table(world.refs["ProfilesTable"])


def _consumer_of_an_older_text(world: World) -> tuple[dict[str, str], str]:
    """A consumer registered when version 2026-11-01 was in force (as the profile recorded it then)."""
    assert register(IVAN)[0] == 202
    password = mailed_password(EMAIL)
    caller = claims_of(EMAIL, password)
    _table(world).update_item(
        Key={"user_id": caller["sub"]},
        UpdateExpression="SET consent_text_version = :v, consent_given_at = :at, consent_text_sha256 = :sha",
        ExpressionAttributeValues={
            ":v": OLDER,
            ":at": "2026-11-02T09:00:00+00:00",
            ":sha": consent_text_sha256(OLDER),
        },
    )
    return caller, password


def accept(caller: dict[str, str], body: dict[str, Any]) -> tuple[int, Any]:
    return call(auth, api_event("POST", "/api/profile/consent", body, claims=caller))


def profile(caller: dict[str, str]) -> dict[str, Any]:
    status, found = call(auth, api_event("GET", "/api/profile", claims=caller))
    assert status == 200, found
    return found  # type: ignore[no-any-return]


def test_a_new_registrant_needs_no_re_consent(world: World) -> None:
    assert register(IVAN)[0] == 202
    caller = claims_of(EMAIL, mailed_password(EMAIL))

    assert profile(caller)["consent_required"] is False


def test_a_consumer_of_an_older_text_is_asked_to_accept_the_new_one(world: World) -> None:
    caller, _ = _consumer_of_an_older_text(world)

    found = profile(caller)

    assert found["consent_required"] is True
    assert found["consent_text_version"] == OLDER


def test_accepting_records_the_version_the_time_and_the_hash_and_keeps_the_earlier_consent(
    world: World,
) -> None:
    caller, _ = _consumer_of_an_older_text(world)

    status, answer = accept(caller, {"accepted": True, "consent_version": CURRENT_CONSENT_VERSION})

    assert status == 200, answer
    assert answer["consent_required"] is False
    assert answer["consent_text_version"] == CURRENT_CONSENT_VERSION
    assert answer["consent_text_sha256"] == consent_text_sha256(CURRENT_CONSENT_VERSION)
    assert answer["consent_given_at"] > "2026-11-02T09:00:00"
    item = _table(world).get_item(Key={"user_id": caller["sub"]})["Item"]
    assert item["earlier_consents"] == [
        {"version": OLDER, "at": "2026-11-02T09:00:00+00:00", "sha256": consent_text_sha256(OLDER)}
    ]
    assert "consent_required" not in item  # derived, never stored
    assert profile(caller)["consent_required"] is False


def test_accepting_again_changes_nothing(world: World) -> None:
    caller, _ = _consumer_of_an_older_text(world)
    body = {"accepted": True, "consent_version": CURRENT_CONSENT_VERSION}
    first = accept(caller, body)[1]

    status, again = accept(caller, body)

    assert status == 200
    assert again["consent_given_at"] == first["consent_given_at"]
    item = _table(world).get_item(Key={"user_id": caller["sub"]})["Item"]
    assert len(item["earlier_consents"]) == 1


def test_an_older_text_or_no_tick_is_refused_naming_the_field(world: World) -> None:
    caller, _ = _consumer_of_an_older_text(world)

    status, problem = accept(caller, {"accepted": True, "consent_version": OLDER})
    assert status == 422
    [error] = problem["errors"]
    assert error["field"] == "consent_version"
    assert error["message"].startswith("Текст согласия на обработку персональных данных обновился")

    status, problem = accept(caller, {"accepted": False, "consent_version": CURRENT_CONSENT_VERSION})
    assert status == 422
    [error] = problem["errors"]
    assert error["field"] == "accepted"
    assert "удалите учётную запись" in error["message"]

    status, problem = accept(caller, {"consent_version": CURRENT_CONSENT_VERSION, "extra": 1})
    assert status == 422
    assert profile(caller)["consent_text_version"] == OLDER


def test_refusing_is_the_deletion_after_which_nothing_can_be_accepted(world: World) -> None:
    caller, password = _consumer_of_an_older_text(world)
    assert delete(caller, password)[0] == 204

    status, _ = accept(caller, {"accepted": True, "consent_version": CURRENT_CONSENT_VERSION})

    assert status in (401, 404)
    item = _table(world).get_item(Key={"user_id": caller["sub"]})["Item"]
    assert item["consent_text_version"] == OLDER
