"""A request's version for the company's systems: GET answers a strong ETag that moves with every change
of the request; a status move sent with If-Match is made only on that version (else 412, nothing
changed), also when the request changes between the move's read and its write."""

import json
from typing import Any

import pytest

from functions.common.errors import InvalidInput
from functions.integration import handler as integration
from functions.requests.store import RequestStore
from functions.requests.versions import if_match_holds
from infra.lambda_runtime import LambdaContext
from infra.world import World
from tests.unit.conftest import api_event, mailed
from tests.unit.test_request_conversation import env, filed, write  # noqa: F401 (the fixture)
from tests.unit.test_requests import clock  # noqa: F401 (the fixture)


def company(
    method: str, request_id: str, body: Any = None, **headers: str
) -> tuple[int, Any, dict[str, str]]:
    event = api_event(
        method,
        f"/api/integration/requests/{request_id}",
        body,
        headers=headers,
        path_parameters={"id": request_id},
        integrator="crm",
    )
    result = integration.lambda_handler(event, LambdaContext("test"))
    text = result.get("body")
    sent = {name: values[-1] for name, values in (result.get("multiValueHeaders") or {}).items()}
    return int(result["statusCode"]), json.loads(text) if text else None, sent


def etag_of(request_id: str) -> str:
    status, body, headers = company("GET", request_id)
    assert status == 200, body
    return headers["ETag"]


def test_a_request_s_etag_is_strong_stays_while_it_is_unchanged_and_moves_with_a_message(env: World) -> None:  # noqa: F811 (the fixture)
    request_id = filed()

    first, again = etag_of(request_id), etag_of(request_id)
    assert write(request_id, {"text": "Когда придёт мастер?"})[0] == 201
    after = etag_of(request_id)

    assert first == again
    assert first.startswith('"') and first.endswith('"') and not first.startswith("W/")
    assert after != first


def test_a_move_on_the_version_read_is_made_and_answers_the_new_etag(env: World) -> None:  # noqa: F811 (the fixture)
    request_id = filed()
    tag = etag_of(request_id)

    status, moved, headers = company("PATCH", request_id, {"status": "in_review"}, **{"If-Match": tag})

    assert status == 200, moved
    assert moved["status"] == "in_review"
    assert headers["ETag"] != tag
    assert headers["ETag"] == etag_of(request_id)


def test_a_move_on_a_version_that_changed_is_412_and_changes_nothing(env: World) -> None:  # noqa: F811 (the fixture)
    request_id = filed()
    tag = etag_of(request_id)
    assert write(request_id, {"text": "Добавил фото."})[0] == 201  # the consumer writes meanwhile
    mails = len(mailed())

    status, problem, _ = company("PATCH", request_id, {"status": "in_review"}, **{"If-Match": tag})

    assert status == 412, problem
    assert problem["code"] == "version-changed"
    assert problem["type"] == "/api/problems/version-changed"
    assert [error["field"] for error in problem["errors"]] == ["If-Match"]
    assert "If-Match" in problem["detail"] and "Получите заявку заново" in problem["detail"]
    assert company("GET", request_id)[1]["status"] == "registered"
    assert len(mailed()) == mails


@pytest.mark.parametrize("form", ["weak", "star", "list"])
def test_a_weakened_tag_a_star_and_a_list_holding_the_tag_match(env: World, form: str) -> None:  # noqa: F811 (the fixture)
    request_id = filed()
    tag = etag_of(request_id)
    sent = {"weak": f"W/{tag}", "star": "*", "list": f'"0000", {tag}'}[form]

    status, moved, _ = company("PATCH", request_id, {"status": "in_review"}, **{"If-Match": sent})

    assert status == 200, moved


def test_a_malformed_if_match_is_422_naming_the_header(env: World) -> None:  # noqa: F811 (the fixture)
    request_id = filed()

    status, problem, _ = company("PATCH", request_id, {"status": "in_review"}, **{"If-Match": "no quotes"})

    assert status == 422, problem
    assert [error["field"] for error in problem["errors"]] == ["If-Match"]
    assert "в кавычках" in problem["detail"]


def test_a_retried_move_made_already_answers_200_though_its_tag_is_old(env: World) -> None:  # noqa: F811 (the fixture)
    request_id = filed()
    tag = etag_of(request_id)
    change = {"status": "in_review", "comment": "Принята."}

    first = company("PATCH", request_id, change, **{"If-Match": tag})
    retry = company("PATCH", request_id, change, **{"If-Match": tag})

    assert first[0] == retry[0] == 200, retry[1]
    assert len(retry[1]["history"]) == len(first[1]["history"])


def test_a_change_between_the_move_s_read_and_its_write_makes_it_412(
    env: World,  # noqa: F811 (the fixture)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    request_id = filed()
    tag = etag_of(request_id)
    original = RequestStore.change_status
    raced: list[bool] = []

    def consumer_writes_first(self: RequestStore, *args: Any, **kwargs: Any) -> Any:
        if not raced:
            raced.append(True)
            assert write(request_id, {"text": "Пишу как раз сейчас."})[0] == 201
        return original(self, *args, **kwargs)

    monkeypatch.setattr(RequestStore, "change_status", consumer_writes_first)

    status, problem, _ = company("PATCH", request_id, {"status": "in_review"}, **{"If-Match": tag})

    assert raced and status == 412, problem
    assert problem["code"] == "version-changed"
    assert company("GET", request_id)[1]["status"] == "registered"


def test_expected_status_still_refuses_a_stale_move_beside_if_match(env: World) -> None:  # noqa: F811 (the fixture)
    request_id = filed()
    tag = etag_of(request_id)

    status, problem, _ = company(
        "PATCH",
        request_id,
        {"status": "in_progress", "expected_status": "in_review"},
        **{"If-Match": tag},
    )

    assert status == 412, problem
    assert problem["code"] == "precondition-failed"
    assert [error["field"] for error in problem["errors"]] == ["expected_status"]


def test_if_match_names_a_tag_by_its_opaque_value() -> None:
    assert if_match_holds('"abc"', '"abc"')
    assert if_match_holds('W/"abc"', '"abc"')
    assert if_match_holds(' "x" ,W/"abc"', '"abc"')
    assert if_match_holds("*", '"abc"')
    assert not if_match_holds('"abd"', '"abc"')
    for malformed in ("abc", '"abc', '"a"b"', ""):
        with pytest.raises(InvalidInput):
            if_match_holds(malformed, '"abc"')
