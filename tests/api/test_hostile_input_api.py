"""Hostile bodies and cursors through the local API Gateway over HTTP: refused in Russian, no 500."""

import base64

import requests

from tests.stack import LocalStack

PROBLEM = "application/problem+json"
JSON = {"Content-Type": "application/json"}


def test_json_nested_5000_deep_is_a_400_through_the_gateway(stack: LocalStack) -> None:
    for body in ("[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000):
        response = requests.post(f"{stack.url}/api/auth/login", data=body, headers=JSON, timeout=10)

        assert response.status_code == 400, response.text
        assert response.headers["Content-Type"] == PROBLEM
        assert response.json()["detail"].startswith("Тело запроса слишком глубоко вложено")


def test_an_integer_of_5000_digits_is_a_400_through_the_gateway(stack: LocalStack) -> None:
    body = '{"email": ' + "9" * 5000 + ', "password": "x"}'

    response = requests.post(f"{stack.url}/api/auth/register", data=body, headers=JSON, timeout=10)

    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith("Число в теле запроса слишком длинное")


def test_a_body_over_128_kb_is_a_413_through_the_gateway(stack: LocalStack) -> None:
    body = '{"email": "' + "я" * 100_000 + '"}'

    response = requests.post(f"{stack.url}/api/auth/login", data=body.encode(), headers=JSON, timeout=10)

    assert response.status_code == 413, response.text
    assert response.headers["Content-Type"] == PROBLEM
    assert response.json()["title"] == "Слишком большой запрос"


def test_a_cursor_of_nested_brackets_is_a_422_on_cursor_through_the_gateway(stack: LocalStack) -> None:
    nested = base64.urlsafe_b64encode(b"[" * 700).decode().rstrip("=")

    response = requests.get(
        f"{stack.url}/api/integration/requests",
        params={"status": "registered", "cursor": nested},
        headers={"x-api-key": stack.api_key},
        timeout=10,
    )

    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["cursor"]
