"""The conversation on a request through the local API Gateway over HTTP: files posted to the local
S3 with the presigned forms (the consumer's and the company's), the Idempotency-Key through the
gateway, the integrators' filter of unanswered requests, the mails in the local outbox."""

import uuid
from typing import Any

import requests

from tests.api.test_requests_api import PDF, PNG, THEFT, auth, create, integrator, new_consumer, upload
from tests.stack import LocalStack


def unsigned(value: Any) -> Any:
    """`value` with every presigned link cut to its address: a link signed a second later differs in
    its signature and date only."""
    if isinstance(value, dict):
        return {name: unsigned(item) for name, item in value.items()}
    if isinstance(value, list):
        return [unsigned(item) for item in value]
    if isinstance(value, str) and value.startswith("http") and "X-Amz-Signature=" in value:
        return value.split("?", 1)[0]
    return value


def write(
    stack: LocalStack, consumer: dict[str, str], request_id: str, body: dict[str, Any], key: str | None = None
) -> requests.Response:
    return requests.post(
        f"{stack.url}/api/requests/{request_id}/messages",
        json=body,
        headers=auth(consumer, **{"Idempotency-Key": key or str(uuid.uuid4())}),
        timeout=10,
    )


def company(stack: LocalStack, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {**integrator(stack), **kwargs.pop("headers", {})}
    return requests.request(method, f"{stack.url}{path}", headers=headers, timeout=10, **kwargs)


def test_needs_info_answered_with_a_photo_then_a_document_and_the_unanswered_filter(
    stack: LocalStack,
) -> None:
    ivan = new_consumer(stack)
    created = create(stack, ivan, THEFT).json()
    request_id = created["id"]
    asked = company(
        stack,
        "PATCH",
        f"/api/integration/requests/{request_id}",
        json={"status": "needs_info", "comment": "Приложите фото места."},
    )
    assert asked.status_code == 200, asked.text
    mail = stack.wait_for_mail(ivan["email"], f"Заявка № {created['number']}: требуются уточнения")
    assert "«Ответить»" in mail["text"]

    photo = upload(stack, ivan, "Место.png", "image/png", PNG)
    key = str(uuid.uuid4())
    sent = write(stack, ivan, request_id, {"text": "Фото места.", "attachments": [photo]}, key)
    again = write(stack, ivan, request_id, {"text": "Фото места.", "attachments": [photo]}, key)

    assert sent.status_code == again.status_code == 201, sent.text
    # The same message: only its files' download links are signed afresh for each answer.
    assert unsigned(sent.json()) == unsigned(again.json())
    assert sent.json()["status_title"] == "На рассмотрении"
    stack.wait_for_mail(ivan["email"], f"Заявка № {created['number']}: на рассмотрении")
    waiting = company(stack, "GET", "/api/integration/requests", params={"unanswered": "true"}).json()[
        "items"
    ]
    assert request_id in [item["id"] for item in waiting]

    form = company(
        stack,
        "POST",
        "/api/integration/uploads",
        json={"filename": "Акт.pdf", "content_type": "application/pdf", "size": len(PDF)},
    ).json()
    assert form["key"].startswith("uploads/company/")
    posted = requests.post(
        form["url"], data=form["fields"], files={"file": ("Акт.pdf", PDF, "application/pdf")}, timeout=10
    )
    assert posted.ok, posted.text
    document = company(
        stack,
        "POST",
        f"/api/integration/requests/{request_id}/messages",
        json={"text": "Акт осмотра.", "attachments": [form["key"]], "kind": "act"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert document.status_code == 201, document.text
    assert document.json()["kind_title"] == "Акт"

    thread = requests.get(f"{stack.url}/api/requests/{request_id}/messages", headers=auth(ivan), timeout=10)
    items = thread.json()["items"]
    assert [(m["author"], m["kind"]) for m in items] == [("consumer", None), ("company", "act")]
    assert requests.get(items[0]["attachments"][0]["url"], timeout=10).content == PNG
    assert requests.get(items[1]["attachments"][0]["url"], timeout=10).content == PDF
    stack.wait_for_mail(ivan["email"], f"Заявка № {created['number']}: новый документ")
    waiting = company(stack, "GET", "/api/integration/requests", params={"unanswered": "true"}).json()[
        "items"
    ]
    assert request_id not in [item["id"] for item in waiting]
    whole = company(stack, "GET", f"/api/integration/requests/{request_id}").json()
    assert [m["changed_by"] for m in whole["messages"]] == ["consumer", "integrator:qa"]


def test_withdrawal_over_http_is_mailed_and_closes_the_thread(stack: LocalStack) -> None:
    ivan = new_consumer(stack)
    created = create(stack, ivan, THEFT).json()

    withdrawn = requests.post(
        f"{stack.url}/api/requests/{created['id']}/withdraw",
        json={"reason": "Провод нашёлся."},
        headers=auth(ivan),
        timeout=10,
    )
    late = write(stack, ivan, created["id"], {"text": "Ещё одно."})

    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status_title"] == "Отозвана"
    assert late.status_code == 409
    assert late.headers["Content-Type"] == "application/problem+json"
    stack.wait_for_mail(ivan["email"], f"Заявка № {created['number']} отозвана")
    listed = company(stack, "GET", "/api/integration/requests", params={"status": "withdrawn"}).json()
    assert created["id"] in [item["id"] for item in listed["items"]]


def test_a_message_without_an_idempotency_key_or_with_an_unknown_field_is_refused(stack: LocalStack) -> None:
    ivan = new_consumer(stack)
    created = create(stack, ivan, THEFT).json()

    no_key = requests.post(
        f"{stack.url}/api/requests/{created['id']}/messages",
        json={"text": "Без ключа."},
        headers=auth(ivan),
        timeout=10,
    )
    extra = write(stack, ivan, created["id"], {"text": "Лишнее поле.", "kind": "act"})

    assert no_key.status_code == 422
    assert no_key.json()["errors"][0]["field"] == "Idempotency-Key"
    assert extra.status_code == 422
    assert extra.json()["errors"][0]["field"] == "kind"
