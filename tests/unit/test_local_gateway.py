"""The local API Gateway answers API Gateway's own refusals exactly as AWS would with template.yaml:
the same response types for the same failures, resolved the way AWS resolves them, and no mapping
AWS does not have. Driven in process (werkzeug's test client) on the unit tests' moto world."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from werkzeug.test import Client

import functions.authorizer.handler as authorizer
from functions.authorizer.tokens import IdToken
from infra.gateway import LocalGateway
from infra.lambda_runtime import load_handler
from infra.template import (
    AWS_RESPONSE_STATUS,
    FUNCTION_ERROR_STATUS,
    gateway_answer,
    gateway_responses,
    load_template,
)
from infra.world import World

REFUSALS = gateway_responses(load_template())
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def handlers_looked_up_again() -> Iterator[None]:
    """The gateway finds handlers once per process (as Lambda imports them once): a handler
    replaced by a test is found only if the cache forgets the real one, before and after."""
    load_handler.cache_clear()
    yield
    load_handler.cache_clear()


def local_gateway(tmp_path: Path) -> Client:
    return Client(LocalGateway(web_dir=tmp_path, outbox=list))


def assert_answered(response: Any, response_type: str) -> None:
    expected = gateway_answer(REFUSALS, response_type)
    assert response.status_code == expected.status, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == PROBLEM
    got, said = response.get_json(force=True), json.loads(expected.body)
    # API Gateway fills the request's id into $context.requestId; the twin gives each its own.
    assert said.pop("request_id") == "$context.requestId" and got.pop("request_id")
    assert got == said
    for name, value in expected.headers.items():
        assert response.headers[name] == value


@pytest.mark.parametrize("response_type", ["AUTHORIZER_CONFIGURATION_ERROR", "AUTHORIZER_FAILURE"])
def test_a_failing_authorizer_is_a_russian_503_with_retry_after_however_aws_names_it(
    response_type: str,
) -> None:
    answer = gateway_answer(REFUSALS, response_type)
    body = json.loads(answer.body)

    assert response_type in REFUSALS  # the template's own, not DEFAULT_5XX's
    assert answer.status == body["status"] == 503
    assert answer.headers["Retry-After"] == "60"
    assert answer.headers["Content-Type"] == PROBLEM
    assert body["title"] == "Сервис временно недоступен"


def test_no_5xx_of_api_gateway_answers_another_status_than_its_body_says() -> None:
    """DEFAULT_5XX without a StatusCode kept each type's own status (500, 502, 504) under a body
    that said 503."""
    fives = [t for t, status in AWS_RESPONSE_STATUS.items() if status >= 500]
    for response_type in fives:
        answer = gateway_answer(REFUSALS, response_type)
        assert answer.status == json.loads(answer.body)["status"], response_type
    crashed = gateway_answer(REFUSALS, "DEFAULT_5XX", FUNCTION_ERROR_STATUS)
    assert crashed.status == json.loads(crashed.body)["status"]


def test_a_type_the_template_does_not_set_takes_its_family_s_status_and_body() -> None:
    """As AWS resolves it: no status read out of a body; DEFAULT_4XX sets 400, the status its body
    says, so a type the template leaves to it (an expired IAM token) is that 400, never a 403 under a
    body that says 400 (a quota exceeded has its own 429)."""
    assert "EXPIRED_TOKEN" not in REFUSALS and REFUSALS["DEFAULT_4XX"].status == 400

    answer = gateway_answer(REFUSALS, "EXPIRED_TOKEN")

    assert answer.status == 400 == json.loads(answer.body)["status"]
    assert (answer.headers, answer.body) == (REFUSALS["DEFAULT_4XX"].headers, REFUSALS["DEFAULT_4XX"].body)
    assert gateway_answer(REFUSALS, "QUOTA_EXCEEDED").status == 429


def _valid_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(authorizer, "read_id_token", lambda _: IdToken(user_id="sub-1", issued_at=1))


def test_an_authorizer_that_raises_is_answered_as_aws_answers_it(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _valid_token(monkeypatch)

    def throttled(*_: Any, **__: Any) -> None:
        raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}}, "GetItem")

    monkeypatch.setattr(authorizer.SessionStore, "owner", throttled)

    response = local_gateway(tmp_path).get("/api/profile", headers={"Authorization": "Bearer t"})

    assert_answered(response, "AUTHORIZER_CONFIGURATION_ERROR")
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"


def test_an_authorizer_answering_no_policy_is_a_configuration_error_too(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(authorizer, "lambda_handler", lambda event, context: {"principalId": "x"})

    response = local_gateway(tmp_path).get("/api/profile", headers={"Authorization": "Bearer t"})

    assert_answered(response, "AUTHORIZER_CONFIGURATION_ERROR")


def test_the_refusal_of_the_authorizer_stays_a_401(world: World, tmp_path: Path) -> None:
    response = local_gateway(tmp_path).get("/api/profile", headers={"Authorization": "Bearer not-a-token"})

    assert_answered(response, "UNAUTHORIZED")


def test_a_function_that_crashes_is_default_5xx_s_503(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import functions.auth.handler as auth

    def crash(event: Any, context: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(auth, "lambda_handler", crash)

    response = local_gateway(tmp_path).get("/api/policy")

    assert (
        response.status_code == gateway_answer(REFUSALS, "DEFAULT_5XX", FUNCTION_ERROR_STATUS).status == 503
    )
    assert_answered(response, "DEFAULT_5XX")
