"""No secret ever reaches a log: every flow that handles one runs through the local stack, and the
stack's whole output (moto, the gateway, every function's logger) is searched for each secret.

Secrets: the generated, changed and support-reset passwords, every ID, access and refresh token, an
ASKUE password (fetched with «remember» and used again by the scheduled sync) and its KMS
ciphertext. Mails carry passwords on purpose; the tests' stack does not echo them (QUIET_MAIL=1).
"""

import base64
import time
import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest
import requests

from tests.stack import LocalStack

ASKUE_LOGIN, ASKUE_PASSWORD = "load-73519", "pw-73519"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _post(
    stack: LocalStack, path: str, body: Any, headers: dict[str, str] | None = None
) -> requests.Response:
    return requests.post(f"{stack.url}{path}", json=body, headers=headers or {}, timeout=30)


def _wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the flow did not finish in time")
        time.sleep(0.3)


def _tokens(response: requests.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return dict(response.json())


def _token_secrets(tokens: dict[str, Any]) -> set[str]:
    found = set()
    for name in ("id_token", "access_token", "refresh_token"):
        token = tokens.get(name)
        if token:
            found.add(token)
            if token.count(".") == 2:
                found.update(token.split(".")[1:])  # the claims and the signature; the header is shared
    return found


def _askue_ciphertext(stack: LocalStack, user_id: str) -> bytes:
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=stack.moto_url,
        region_name="eu-central-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    item = dynamodb.get_item(
        TableName="portal-AskueTable", Key={"user_id": {"S": user_id}, "sk": {"S": "link"}}
    )
    return bytes(item["Item"]["password_ciphertext"]["B"])


@pytest.fixture(scope="module")
def secrets_used(stack: LocalStack) -> set[str]:
    """Runs every flow that handles a secret; returns the secrets it handled."""
    secrets: set[str] = {ASKUE_PASSWORD}
    email = f"secrets-{uuid.uuid4().hex[:10]}@example.ru"
    registration = {
        "category": "individual",
        "full_name": "Морозова Ольга Ивановна",
        "email": email,
        "phone": "+7 912 000-77-88",
        "consent": True,
    }
    assert _post(stack, "/api/auth/register", registration).status_code == 202
    generated = stack.mailed_password(email)
    secrets.add(generated)
    assert (
        _post(stack, "/api/auth/login", {"email": email, "password": "wrong-" + generated}).status_code == 401
    )
    tokens = _tokens(_post(stack, "/api/auth/login", {"email": email, "password": generated}))
    secrets |= _token_secrets(tokens)
    refreshed = _tokens(_post(stack, "/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}))
    secrets |= _token_secrets(refreshed)
    auth = {"Authorization": f"Bearer {refreshed['id_token']}"}

    changed = f"новый пароль {uuid.uuid4().hex[:8]}"
    secrets.add(changed)
    change = {"old_password": generated, "new_password": changed, "new_password_repeat": changed}
    assert _post(stack, "/api/profile/password", change, auth).status_code == 204
    # The change ended every session: a new one with the new password.
    after_change = _tokens(_post(stack, "/api/auth/login", {"email": email, "password": changed}))
    secrets |= _token_secrets(after_change)
    auth = {"Authorization": f"Bearer {after_change['id_token']}"}
    wrong_old = {"old_password": "не тот " + changed, "new_password": "x" * 8, "new_password_repeat": "x" * 8}
    assert _post(stack, "/api/profile/password", wrong_old, auth).status_code == 422

    support = {"x-api-key": stack.api_key}
    since = len(stack.outbox())
    assert _post(stack, "/api/integration/users/reset-password", {"email": email}, support).status_code == 202
    reset = stack.mailed_password(email, since=since)
    secrets.add(reset)
    tokens = _tokens(_post(stack, "/api/auth/login", {"email": email, "password": reset}))
    secrets |= _token_secrets(tokens)
    auth = {"Authorization": f"Bearer {tokens['id_token']}"}

    fetched = _post(
        stack, "/api/askue/fetch", {"login": ASKUE_LOGIN, "password": ASKUE_PASSWORD, "remember": True}, auth
    )
    assert fetched.status_code == 200, fetched.text
    refused = _post(stack, "/api/askue/fetch", {"login": ASKUE_LOGIN, "password": "x" + ASKUE_PASSWORD}, auth)
    assert refused.status_code == 422
    profile = requests.get(f"{stack.url}/api/profile", headers=auth, timeout=10).json()
    ciphertext = _askue_ciphertext(stack, profile["user_id"])
    secrets |= {base64.b64encode(ciphertext).decode(), ciphertext.hex()}
    assert requests.post(f"{stack.url}/_local/schedule/AskueSyncPlannerFunction", timeout=30).ok

    def synced() -> bool:
        latest = requests.get(f"{stack.url}/api/askue/latest", headers=auth, timeout=10).json()
        return bool(latest["source"] == "sync")

    _wait_for(synced)

    form = _post(
        stack,
        "/api/requests/uploads",
        {"filename": "Акт.pdf", "content_type": "application/pdf", "size": len(PDF)},
        auth,
    ).json()
    assert requests.post(form["url"], data=form["fields"], files={"file": ("Акт.pdf", PDF)}, timeout=10).ok
    request = {
        "type": "grid_theft",
        "text": "Срезали провод.",
        "fields": {
            "incident": "theft",
            "location": "д. Берёзки",
            "occurred_on": "2026-01-15",
            "objects": "Провод",
        },
        "attachments": [form["key"]],
    }
    filed = _post(stack, "/api/requests", request, {**auth, "Idempotency-Key": uuid.uuid4().hex})
    assert filed.status_code == 201, filed.text
    reading = {"meter_type": "single_tariff", "meter_number": "SECRET-1", "values": {"t1": "42"}}
    assert _post(stack, "/api/readings", reading, auth).status_code == 201

    # The email change: the current password and the code mailed to the new address.
    moved = f"moved-{uuid.uuid4().hex[:10]}@example.ru"
    since = len(stack.outbox())
    asked = _post(stack, "/api/profile/email", {"new_email": moved, "password": reset}, auth)
    assert asked.status_code == 202, asked.text
    mail = stack.wait_for_mail(moved, "Код для смены email в личном кабинете потребителя", since=since)
    # Not added to the secrets: six digits may well occur in a log line by chance (a time, an id).
    code = mail["text"].split("Код подтверждения: ", 1)[1][:6]
    assert _post(stack, "/api/profile/email/confirm", {"code": code}, auth).status_code == 204
    tokens = _tokens(_post(stack, "/api/auth/login", {"email": moved, "password": reset}))
    secrets |= _token_secrets(tokens)
    auth = {"Authorization": f"Bearer {tokens['id_token']}"}
    assert _post(stack, "/api/auth/logout", None, auth).status_code == 204
    return secrets


def test_the_logs_of_every_flow_carry_no_secret(stack: LocalStack, secrets_used: set[str]) -> None:
    logs = stack.logs_so_far()

    # The functions' own log lines are in it (the capture works), from the API and from the sync.
    for logged in (
        "consumer registered",
        "password changed",
        "askue fetched",
        "askue synced",
        "request filed",
        "email changed with a code mailed to the new address",
    ):
        assert logged in logs
    leaked = sorted(secret[:12] + "…" for secret in secrets_used if secret in logs)
    assert leaked == [], f"secrets in the stack's output: {leaked}"
