"""Accounts through the local API Gateway over HTTP: the flow, the guards, the error format."""

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
import requests

from infra.template import gateway_responses, load_template
from tests.stack import LocalStack, same_answer

PROBLEM = "application/problem+json"


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:10]}@example.ru"


def register(stack: LocalStack, email: str, **extra: Any) -> requests.Response:
    body = {
        "category": "individual",
        "full_name": "Петров Пётр Петрович",
        "email": email,
        "phone": "+7 912 000-11-22",
        "consent": True,
        **extra,
    }
    return requests.post(f"{stack.url}/api/auth/register", json=body, timeout=10)


def log_in(stack: LocalStack, email: str, password: str) -> requests.Response:
    return requests.post(
        f"{stack.url}/api/auth/login", json={"email": email, "password": password}, timeout=10
    )


@pytest.fixture(scope="module")
def consumer(stack: LocalStack) -> dict[str, str]:
    email = new_email()
    assert register(stack, email).status_code == 202
    password = stack.mailed_password(email)
    tokens = log_in(stack, email, password).json()
    return {"email": email, "password": password, **tokens}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_register_read_mail_log_in_change_password_log_out_log_in_again(stack: LocalStack) -> None:
    email = new_email()
    response = register(stack, email)
    assert response.status_code == 202
    password = stack.mailed_password(email)

    tokens = log_in(stack, email, password).json()
    profile = requests.get(f"{stack.url}/api/profile", headers=bearer(tokens["id_token"]), timeout=10)
    assert profile.status_code == 200
    assert profile.json()["email"] == email

    change = {
        "old_password": password,
        "new_password": "мой новый пароль",
        "new_password_repeat": "мой новый пароль",
    }
    changed = requests.post(
        f"{stack.url}/api/profile/password", json=change, headers=bearer(tokens["id_token"]), timeout=10
    )
    assert changed.status_code == 204
    stack.wait_for_mail(email, "Пароль от личного кабинета изменён")

    # The change ended every session: the token it was made with opens nothing any more.
    old_session = requests.get(f"{stack.url}/api/profile", headers=bearer(tokens["id_token"]), timeout=10)
    assert old_session.status_code == 401
    refreshed = requests.post(
        f"{stack.url}/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}, timeout=10
    )
    assert refreshed.status_code == 401
    assert log_in(stack, email, password).status_code == 401
    again = log_in(stack, email, "мой новый пароль")
    assert again.status_code == 200

    new_token = again.json()["id_token"]
    logout = requests.post(f"{stack.url}/api/auth/logout", headers=bearer(new_token), timeout=10)
    assert logout.status_code == 204
    after = requests.get(f"{stack.url}/api/profile", headers=bearer(new_token), timeout=10)
    assert after.status_code == 401
    assert log_in(stack, email, "мой новый пароль").status_code == 200


def test_known_email_is_not_revealed(stack: LocalStack, consumer: dict[str, str]) -> None:
    since = len(stack.outbox())
    unknown = register(stack, new_email())
    known = register(stack, consumer["email"])

    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    mail = stack.wait_for_mail(consumer["email"], since=since)
    assert "уже зарегистрирован" in mail["text"]


def test_bad_registration_is_problem_details_naming_the_fields(stack: LocalStack) -> None:
    response = requests.post(
        f"{stack.url}/api/auth/register",
        json={
            "category": "legal",
            "full_name": "Иванов Иван",
            "email": "nope",
            "phone": "0",
            "consent": False,
        },
        timeout=10,
    )

    assert response.status_code == 422
    assert response.headers["Content-Type"] == PROBLEM
    # full_name is not a field of a legal entity's registration: refused as unknown, like any other.
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"org_name", "full_name", "email", "phone", "consent"}


def test_body_that_is_not_json_is_a_russian_400(stack: LocalStack) -> None:
    response = requests.post(
        f"{stack.url}/api/auth/login", data="{oops", headers={"Content-Type": "application/json"}, timeout=10
    )

    assert response.status_code == 400
    assert response.headers["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "Тело запроса должно быть JSON-объектом в кодировке UTF-8."


def test_integration_routes_need_the_api_key(stack: LocalStack, consumer: dict[str, str]) -> None:
    url = f"{stack.url}/api/integration/users/reset-password"
    body = {"email": "nobody@example.ru"}

    missing = requests.post(url, json=body, timeout=10)
    wrong = requests.post(url, json=body, headers={"x-api-key": "guess"}, timeout=10)
    consumer_token = requests.post(url, json=body, headers=bearer(consumer["id_token"]), timeout=10)
    right = requests.post(url, json=body, headers={"x-api-key": stack.api_key}, timeout=10)

    # No x-api-key at all (a consumer's token is none) is 401; a key that is no integrator's, 403.
    for refused, status in ((missing, 401), (consumer_token, 401), (wrong, 403)):
        assert refused.status_code == status
        assert refused.headers["Content-Type"] == PROBLEM
        assert "x-api-key" in refused.json()["detail"]
    assert right.status_code == 404
    assert right.json()["detail"] == "Потребитель с таким email не зарегистрирован."


def reset_password(stack: LocalStack, email: str) -> requests.Response:
    return requests.post(
        f"{stack.url}/api/integration/users/reset-password",
        json={"email": email},
        headers={"x-api-key": stack.api_key},
        timeout=10,
    )


def test_support_reset_mails_a_password_that_works(stack: LocalStack) -> None:
    email = new_email()
    register(stack, email)
    old = stack.mailed_password(email)
    since = len(stack.outbox())

    response = reset_password(stack, email)

    assert response.status_code == 202
    new = stack.mailed_password(email, since=since)
    assert new != old
    assert log_in(stack, email, new).status_code == 200


def test_unknown_api_path_is_a_russian_404(stack: LocalStack) -> None:
    response = requests.get(f"{stack.url}/api/no/such/thing", timeout=10)

    assert response.status_code == 404
    assert response.headers["Content-Type"] == PROBLEM
    assert response.json()["title"] == "Не найдено"


def test_openapi_and_swagger_ui_are_public(stack: LocalStack) -> None:
    document = requests.get(f"{stack.url}/api/openapi.json", timeout=30)
    document_30 = requests.get(f"{stack.url}/api/openapi-3.0.json", timeout=30)
    page = requests.get(f"{stack.url}/api/docs", timeout=30)

    assert document.status_code == 200
    assert "/api/profile/password" in document.json()["paths"]
    assert document_30.status_code == 200
    assert document_30.json()["openapi"] == "3.0.3"
    assert document_30.json()["paths"].keys() == document.json()["paths"].keys()
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/", "/api/profile", "/api/nothing"])
def test_security_headers_on_site_and_api(stack: LocalStack, path: str) -> None:
    headers = requests.get(f"{stack.url}{path}", timeout=10).headers

    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_outbox_lists_mails_oldest_first_with_the_fields(stack: LocalStack, consumer: dict[str, str]) -> None:
    mails = stack.outbox()

    assert mails
    assert set(mails[0]) == {"to", "subject", "text", "sent_at"}
    assert [m["sent_at"] for m in mails] == sorted(m["sent_at"] for m in mails)


def test_a_stolen_token_opens_nothing_once_the_owner_logged_out(stack: LocalStack) -> None:
    """Every consumer route refuses, with the template's UNAUTHORIZED answer, an ID token issued
    before the owner's logout: profile, uploads, filing a request, readings, ASKUE, password."""
    email = new_email()
    assert register(stack, email).status_code == 202
    password = stack.mailed_password(email)
    stolen = log_in(stack, email, password).json()["id_token"]
    owner = log_in(stack, email, password).json()["id_token"]
    assert requests.get(f"{stack.url}/api/profile", headers=bearer(stolen), timeout=10).status_code == 200

    assert requests.post(f"{stack.url}/api/auth/logout", headers=bearer(owner), timeout=10).status_code == 204

    attempts = [
        ("GET", "/api/profile", None),
        (
            "POST",
            "/api/requests/uploads",
            {"filename": "a.pdf", "content_type": "application/pdf", "size": 10},
        ),
        ("POST", "/api/requests", {"type": "grid_theft", "text": "x", "fields": {}, "attachments": []}),
        ("GET", "/api/readings", None),
        ("POST", "/api/askue/fetch", {"login": "demo", "password": "demo-askue-1", "remember": False}),
        (
            "POST",
            "/api/profile/password",
            {"old_password": password, "new_password": "чужой-пароль", "new_password_repeat": "чужой-пароль"},
        ),
    ]
    for method, path, body in attempts:
        answer = requests.request(
            method,
            f"{stack.url}{path}",
            json=body,
            timeout=10,
            headers={**bearer(stolen), "Idempotency-Key": "stolen-0001"},
        )
        assert answer.status_code == 401, (method, path, answer.text)
        assert answer.headers["Content-Type"].startswith(PROBLEM)
        said = json.loads(gateway_responses(load_template())["UNAUTHORIZED"].body)
        said.pop("request_id")  # $context.requestId: each request's own
        assert same_answer(answer) == said
    # The password the thief tried to set is not in force; the owner's still is.
    assert log_in(stack, email, password).status_code == 200


# ---------------------------------------------------------------- the «trust boundary» attacks, replayed


def ses(stack: LocalStack) -> Any:
    return boto3.client(
        "ses",
        endpoint_url=stack.moto_url,
        region_name="eu-central-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )


MAIL_FAILED = "mail job failed, to be delivered again"  # functions/mail/worker.py's log line


@contextmanager
def ses_refusing(stack: LocalStack, sender: str = "no-reply@portal.example.ru") -> Iterator[None]:
    """SES refuses every mail (the sender's identity is gone) until the block ends."""
    ses(stack).delete_identity(Identity=sender)
    try:
        yield
    finally:
        ses(stack).verify_email_identity(EmailAddress=sender)


def test_ses_refusing_changes_no_answer_and_the_mails_come_once_it_is_back(stack: LocalStack) -> None:
    known, new = new_email(), new_email()
    register(stack, known)
    stack.mailed_password(known)  # 1 of its 3 mails this hour
    since, printed = len(stack.outbox()), len(stack.logs())
    with ses_refusing(stack):
        known_answer = register(stack, known)
        new_answer = register(stack, new)
        assert (known_answer.status_code, known_answer.json()) == (new_answer.status_code, new_answer.json())
        assert known_answer.status_code == 202
        # The worker takes both mail jobs and fails them: nothing is sent.
        stack.wait_for_log(MAIL_FAILED, count=2, since=printed)
        assert [m for m in stack.outbox()[since:] if m["to"] in (new, known)] == []

    # Delivered again (locally 5 s after a failure; in AWS after the queue's visibility timeout).
    password = stack.mailed_password(new, timeout=30, since=since)
    assert log_in(stack, new, password).status_code == 200
    again = stack.wait_for_mail(known, since=since, timeout=30)
    assert "уже зарегистрирован" in again["text"]


def test_a_support_reset_while_ses_refuses_answers_202_and_the_working_password_comes_later(
    stack: LocalStack,
) -> None:
    email = new_email()
    register(stack, email)
    old = stack.mailed_password(email)
    since, printed = len(stack.outbox()), len(stack.logs())

    with ses_refusing(stack):
        assert reset_password(stack, email).status_code == 202
        stack.wait_for_log(MAIL_FAILED, count=1, since=printed)

    new = stack.mailed_password(email, timeout=30, since=since)
    assert new != old
    assert log_in(stack, email, new).status_code == 200


def test_a_support_reset_past_the_mail_limit_is_a_russian_429(stack: LocalStack) -> None:
    email = new_email()
    register(stack, email)
    stack.mailed_password(email)  # 1 of 3 this hour

    answers = [reset_password(stack, email) for _ in range(3)]

    assert [a.status_code for a in answers][:2] == [202, 202]
    refused = answers[2]
    assert refused.status_code == 429, refused.text
    assert refused.headers["Content-Type"] == PROBLEM
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.json()["title"] == "Слишком много писем на этот адрес"
