"""Every route that reads a body reads JSON only, and says so in Russian (found by fuzzing)."""

import base64
import json
from typing import Any

import pytest

from functions.docs.document import openapi_document
from infra.lambda_runtime import LambdaContext, load_handler
from infra.template import load_template, routes
from infra.world import World
from tests.unit.conftest import api_event

CLAIMS = {"sub": "11111111-2222-3333-4444-555555555555", "email": "ivan@example.ru"}
BODY = json.dumps({"email": "ivan@example.ru"})


def _body_routes() -> list[Any]:
    document = json.loads(openapi_document())
    return [
        route
        for route in routes(load_template())
        if "requestBody" in document["paths"].get(route.path, {}).get(route.method.lower(), {})
    ]


def _send(
    route: Any, raw_body: str, headers: dict[str, str], *, base64_encoded: bool = False
) -> dict[str, Any]:
    event = api_event(
        route.method,
        route.path.replace("{id}", "x"),
        claims=CLAIMS if route.auth == "cognito" else None,
        path_parameters={"id": "x"} if "{id}" in route.path else None,
        integrator="local" if route.auth == "api_key" else None,
        raw_body=raw_body,
        headers=headers,
    )
    event["resource"] = route.path
    event["isBase64Encoded"] = base64_encoded
    result: dict[str, Any] = load_handler(route.handler)(event, LambdaContext("test"))
    return result


def _problem(result: dict[str, Any]) -> dict[str, Any]:
    assert result["multiValueHeaders"]["Content-Type"] == ["application/problem+json"]
    body: dict[str, Any] = json.loads(result["body"])
    return body


def test_there_are_routes_with_a_body() -> None:
    assert len(_body_routes()) >= 10


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "multipart/form-data",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
        "application/xml",
    ],
)
def test_a_body_that_is_not_sent_as_json_is_a_russian_415(world: World, content_type: str) -> None:
    for route in _body_routes():
        result = _send(route, BODY, {"Content-Type": content_type})

        assert result["statusCode"] == 415, (route, content_type, result["body"])
        assert _problem(result)["detail"] == (
            "Передайте тело запроса в формате JSON с заголовком Content-Type: application/json."
        )


def test_json_with_a_charset_is_json(world: World) -> None:
    [login] = [r for r in _body_routes() if r.path == "/api/auth/login"]

    result = _send(login, "{}", {"Content-Type": "application/json; charset=utf-8"})

    assert result["statusCode"] == 422
    assert {e["field"] for e in _problem(result)["errors"]} == {"email", "password"}


def test_a_body_that_is_not_utf8_is_a_russian_400_not_a_500(world: World) -> None:
    # The gateway passes bytes that are not UTF-8 base64-encoded, as API Gateway does.
    not_utf8 = base64.b64encode(b"\xff\xfe{\x00").decode()
    for route in _body_routes():
        result = _send(route, not_utf8, {"Content-Type": "application/json"}, base64_encoded=True)

        assert result["statusCode"] == 400, (route, result["body"])
        assert _problem(result)["detail"] == "Тело запроса должно быть JSON-объектом в кодировке UTF-8."
