"""Support's actions on a consumer's account over HTTP, with the stack's integrator keys: the export is
the consumer's own «Мои данные», the deletion is the consumer's own (no login, the notice says support
did it) and idempotent; crm has neither scope. And a request's ETag: a move with a stale If-Match is
a 412, with the current one it is made."""

import uuid

import jwt
import requests

from tests.api.test_requests_api import THEFT, auth, create, new_consumer
from tests.stack import LocalStack, integrator_key

SUPPORT, CRM = integrator_key("support"), integrator_key("crm")


def consumers_url(stack: LocalStack, user_id: str, action: str) -> str:
    return f"{stack.url}/api/integration/consumers/{user_id}/{action}"


def sub_of(consumer: dict[str, str]) -> str:
    token = consumer["Authorization"].removeprefix("Bearer ")
    return str(jwt.decode(token, options={"verify_signature": False})["sub"])


def test_support_exports_and_deletes_an_account_on_its_consumer_s_request(stack: LocalStack) -> None:
    consumer = new_consumer(stack)
    assert create(stack, consumer, THEFT).status_code == 201
    user_id = sub_of(consumer)
    own = requests.get(f"{stack.url}/api/profile/export", headers=auth(consumer), timeout=10).json()

    exported = requests.get(
        consumers_url(stack, user_id, "export"), headers={"x-api-key": SUPPORT}, timeout=10
    )
    refused = requests.get(consumers_url(stack, user_id, "export"), headers={"x-api-key": CRM}, timeout=10)

    assert exported.status_code == 200, exported.text
    assert exported.json()["profile"] == own["profile"]
    assert [r["id"] for r in exported.json()["requests"]] == [r["id"] for r in own["requests"]]
    assert refused.status_code == 403
    assert "«accounts:export»" in refused.json()["detail"]

    key = {"x-api-key": SUPPORT, "Idempotency-Key": uuid.uuid4().hex}
    since = len(stack.outbox())
    deleted = requests.post(consumers_url(stack, user_id, "deletion"), headers=key, timeout=10)
    replay = requests.post(consumers_url(stack, user_id, "deletion"), headers=key, timeout=10)

    assert deleted.status_code == 202, deleted.text
    assert deleted.json()["state"] == "deletion_requested"
    assert deleted.json()["deleted_by"] == "integrator:support"
    assert replay.status_code == 202 and replay.json() == deleted.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    notice = stack.wait_for_mail(consumer["email"], "Учётная запись в личном кабинете удалена", since=since)
    assert "службой поддержки" in notice["text"]
    profile = requests.get(f"{stack.url}/api/profile", headers=auth(consumer), timeout=10)
    assert profile.status_code == 401  # every session ended


def test_support_s_actions_on_an_unknown_consumer_are_404_and_crm_may_not_delete(stack: LocalStack) -> None:
    unknown = requests.get(
        consumers_url(stack, "no-such-consumer", "export"), headers={"x-api-key": SUPPORT}, timeout=10
    )
    by_crm = requests.post(
        consumers_url(stack, "no-such-consumer", "deletion"), headers={"x-api-key": CRM}, timeout=10
    )

    assert unknown.status_code == 404 and unknown.json()["code"] == "not-found"
    assert by_crm.status_code == 403 and "«accounts:delete»" in by_crm.json()["detail"]


def test_a_move_on_a_stale_etag_is_412_and_on_the_current_one_is_made(stack: LocalStack) -> None:
    consumer = new_consumer(stack)
    request_id = create(stack, consumer, THEFT).json()["id"]
    url = f"{stack.url}/api/integration/requests/{request_id}"
    crm = {"x-api-key": CRM}
    tag = requests.get(url, headers=crm, timeout=10).headers["ETag"]
    message = {"text": "Документы получены.", "Idempotency-Key": uuid.uuid4().hex}
    posted = requests.post(
        f"{url}/messages",
        json={"text": message["text"]},
        headers={**crm, "Idempotency-Key": message["Idempotency-Key"]},
        timeout=10,
    )
    assert posted.status_code == 201, posted.text

    stale = requests.patch(url, json={"status": "in_review"}, headers={**crm, "If-Match": tag}, timeout=10)
    current = requests.get(url, headers=crm, timeout=10).headers["ETag"]
    moved = requests.patch(
        url, json={"status": "in_review"}, headers={**crm, "If-Match": current}, timeout=10
    )

    assert stale.status_code == 412 and stale.json()["code"] == "version-changed"
    assert moved.status_code == 200 and moved.json()["status"] == "in_review"
    assert moved.headers["ETag"] == requests.get(url, headers=crm, timeout=10).headers["ETag"]
