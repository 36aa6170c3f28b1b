"""Service requests through the local API Gateway over HTTP, files uploaded to the local S3 (moto)
with the presigned POST as a browser does, and the company's systems with the API key."""

import uuid
from typing import Any

import pytest
import requests

from tests.stack import LocalStack, same_answer

PROBLEM = "application/problem+json"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
THEFT = {
    "type": "grid_theft",
    "text": "Ночью срезали провод на линии вдоль дороги.",
    "fields": {
        "incident": "theft",
        "location": "д. Берёзки, ВЛ-0,4 кВ, опоры 3–7",
        "occurred_on": "2026-01-15",
        "objects": "Провод СИП 4×16, около 80 м",
    },
}


def new_consumer(stack: LocalStack) -> dict[str, str]:
    email = f"req-{uuid.uuid4().hex[:10]}@example.ru"
    registered = requests.post(
        f"{stack.url}/api/auth/register",
        json={
            "category": "individual",
            "full_name": "Сидоров Сидор Сидорович",
            "email": email,
            "phone": "+7 912 000-33-44",
            "consent": True,
        },
        timeout=10,
    )
    assert registered.status_code == 202
    tokens = requests.post(
        f"{stack.url}/api/auth/login",
        json={"email": email, "password": stack.mailed_password(email)},
        timeout=10,
    ).json()
    return {"email": email, "Authorization": f"Bearer {tokens['id_token']}"}


def auth(consumer: dict[str, str], **headers: str) -> dict[str, str]:
    return {"Authorization": consumer["Authorization"], **headers}


@pytest.fixture(scope="module")
def ivan(stack: LocalStack) -> dict[str, str]:
    return new_consumer(stack)


@pytest.fixture(scope="module")
def petr(stack: LocalStack) -> dict[str, str]:
    return new_consumer(stack)


def upload_form(
    stack: LocalStack, consumer: dict[str, str], name: str, content_type: str, size: int
) -> dict[str, Any]:
    form = requests.post(
        f"{stack.url}/api/requests/uploads",
        json={"filename": name, "content_type": content_type, "size": size},
        headers=auth(consumer),
        timeout=10,
    )
    assert form.status_code == 200, form.text
    answer: dict[str, Any] = form.json()
    assert answer["url"].startswith(stack.moto_url)
    return answer


def post_form(stack: LocalStack, form: dict[str, Any], name: str, content_type: str, data: bytes) -> None:
    """Posts the file with the form straight to S3, as the page does."""
    posted = requests.post(
        form["url"],
        data=form["fields"],
        files={"file": (name, data, content_type)},
        headers={"Origin": stack.url},
        timeout=10,
    )
    assert posted.status_code in (200, 201, 204), posted.text
    assert posted.headers["Access-Control-Allow-Origin"] == stack.url


def upload(stack: LocalStack, consumer: dict[str, str], name: str, content_type: str, data: bytes) -> str:
    """Asks the API for an upload form and posts the file straight to S3, as the page does."""
    form = upload_form(stack, consumer, name, content_type, len(data))
    post_form(stack, form, name, content_type, data)
    return str(form["key"])


def create(
    stack: LocalStack, consumer: dict[str, str], body: dict[str, Any], key: str | None = None
) -> requests.Response:
    return requests.post(
        f"{stack.url}/api/requests",
        json=body,
        headers=auth(consumer, **{"Idempotency-Key": key or str(uuid.uuid4())}),
        timeout=10,
    )


def integrator(stack: LocalStack) -> dict[str, str]:
    return {"x-api-key": stack.api_key}


def test_types_are_served_to_a_consumer_only(stack: LocalStack, ivan: dict[str, str]) -> None:
    answer = requests.get(f"{stack.url}/api/requests/types", headers=auth(ivan), timeout=10)
    anonymous = requests.get(f"{stack.url}/api/requests/types", timeout=10)

    assert answer.status_code == 200
    assert len(answer.json()["types"]) == 7
    assert anonymous.status_code == 401
    assert anonymous.headers["Content-Type"] == PROBLEM


def test_file_a_request_with_a_real_upload_then_list_detail_and_download(
    stack: LocalStack, ivan: dict[str, str]
) -> None:
    scan = upload(stack, ivan, "Заявление.pdf", "application/pdf", PDF)
    photo = upload(stack, ivan, "Фото опоры.png", "image/png", PNG)

    created = create(stack, ivan, {**THEFT, "attachments": [scan, photo]})

    assert created.status_code == 201, created.text
    number = created.json()["number"]
    assert number.startswith("2026-")
    listed = requests.get(f"{stack.url}/api/requests", headers=auth(ivan), timeout=10).json()
    assert listed["items"][0]["number"] == number
    shown = requests.get(f"{stack.url}/api/requests/{created.json()['id']}", headers=auth(ivan), timeout=10)
    assert shown.status_code == 200
    files = {f["filename"]: f for f in shown.json()["attachments"]}
    assert set(files) == {"Заявление.pdf", "Фото опоры.png"}
    downloaded = requests.get(files["Заявление.pdf"]["url"], timeout=10)
    assert downloaded.status_code == 200
    assert downloaded.content == PDF
    assert "attachment" in downloaded.headers["Content-Disposition"]
    stack.wait_for_mail(ivan["email"], f"Заявка № {number} зарегистрирована")


def test_form_posted_again_after_filing_does_not_change_the_filed_file(
    stack: LocalStack, ivan: dict[str, str]
) -> None:
    form = upload_form(stack, ivan, "Заявление.pdf", "application/pdf", len(PDF))
    post_form(stack, form, "Заявление.pdf", "application/pdf", PDF)
    created = create(stack, ivan, {**THEFT, "attachments": [form["key"]]})
    assert created.status_code == 201, created.text
    executable = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56

    post_form(stack, form, "Заявление.pdf", "application/pdf", executable)  # the same form, replayed
    again = create(stack, ivan, {**THEFT, "text": "Ещё одна заявка.", "attachments": [form["key"]]})

    request_id = created.json()["id"]
    shown = requests.get(f"{stack.url}/api/requests/{request_id}", headers=auth(ivan), timeout=10).json()
    pulled = requests.get(
        f"{stack.url}/api/integration/requests",
        params={"status": "registered", "since": created.json()["created_at"]},
        headers=integrator(stack),
        timeout=10,
    ).json()
    [theirs] = [item for item in pulled["items"] if item["id"] == request_id]
    for [attachment] in (shown["attachments"], theirs["attachments"]):
        assert (attachment["content_type"], attachment["size"]) == ("application/pdf", len(PDF))
        downloaded = requests.get(attachment["url"], timeout=10)
        assert downloaded.status_code == 200
        assert downloaded.content == PDF
        assert downloaded.headers["Content-Type"] == "application/pdf"
    assert again.status_code == 422
    assert again.json()["errors"][0]["message"].startswith(
        f"Этот файл уже приложен к заявке № {created.json()['number']}."
    )


def test_a_retry_with_the_same_idempotency_key_files_nothing_new(
    stack: LocalStack, ivan: dict[str, str]
) -> None:
    key = str(uuid.uuid4())
    first = create(stack, ivan, THEFT, key)
    again = create(stack, ivan, THEFT, key)
    other = create(stack, ivan, {**THEFT, "text": "Совсем другая заявка."}, key)
    missing = requests.post(f"{stack.url}/api/requests", json=THEFT, headers=auth(ivan), timeout=10)

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "Idempotency-Key"


def test_bad_input_is_refused_in_russian(
    stack: LocalStack, ivan: dict[str, str], petr: dict[str, str]
) -> None:
    refused_type = requests.post(
        f"{stack.url}/api/requests/uploads",
        json={"filename": "virus.exe", "content_type": "application/x-msdownload", "size": 10},
        headers=auth(ivan),
        timeout=10,
    )
    too_big = requests.post(
        f"{stack.url}/api/requests/uploads",
        json={"filename": "big.pdf", "content_type": "application/pdf", "size": 11 * 1024 * 1024},
        headers=auth(ivan),
        timeout=10,
    )
    petrs = upload(stack, petr, "Чужое.pdf", "application/pdf", PDF)
    not_a_pdf = upload(stack, ivan, "Скан.pdf", "application/pdf", PNG)
    attached = create(stack, ivan, {**THEFT, "attachments": [petrs, not_a_pdf]})
    bad_fields = create(
        stack, ivan, {**THEFT, "text": "", "fields": {**THEFT["fields"], "occurred_on": "15.01.2026"}}
    )

    assert refused_type.status_code == 422
    assert refused_type.json()["errors"] == [
        {"field": "content_type", "message": "Можно приложить только файлы PDF, JPEG, PNG или TIFF."}
    ]
    assert too_big.status_code == 422
    assert too_big.json()["errors"][0]["field"] == "size"
    assert attached.status_code == 422
    assert attached.headers["Content-Type"] == PROBLEM
    assert {e["field"] for e in attached.json()["errors"]} == {"attachments.0", "attachments.1"}
    assert attached.json()["errors"][0]["message"].startswith("Файл не найден")
    assert bad_fields.status_code == 422
    assert {e["field"] for e in bad_fields.json()["errors"]} == {"text", "fields.occurred_on"}


def test_another_consumers_request_is_a_plain_404(
    stack: LocalStack, ivan: dict[str, str], petr: dict[str, str]
) -> None:
    petrs = create(stack, petr, THEFT).json()["id"]

    theirs = requests.get(f"{stack.url}/api/requests/{petrs}", headers=auth(ivan), timeout=10)
    unknown = requests.get(
        f"{stack.url}/api/requests/01M8FEWQFNR64E9FA3R9R3PCS9", headers=auth(ivan), timeout=10
    )

    assert theirs.status_code == unknown.status_code == 404
    assert same_answer(theirs) == same_answer(unknown)
    assert petrs not in str(
        [
            i["id"]
            for i in requests.get(f"{stack.url}/api/requests", headers=auth(ivan), timeout=10).json()["items"]
        ]
    )


def test_integrator_pulls_new_requests_and_moves_one_the_consumer_sees_and_is_mailed(
    stack: LocalStack, ivan: dict[str, str]
) -> None:
    created = create(stack, ivan, THEFT).json()
    pulled = requests.get(
        f"{stack.url}/api/integration/requests",
        params={"status": "registered", "since": created["created_at"]},
        headers=integrator(stack),
        timeout=10,
    )
    assert pulled.status_code == 200
    assert created["id"] in [i["id"] for i in pulled.json()["items"]]

    moved = requests.patch(
        f"{stack.url}/api/integration/requests/{created['id']}",
        json={"status": "in_review", "comment": "Передано мастеру участка."},
        headers=integrator(stack),
        timeout=10,
    )
    forbidden = requests.patch(
        f"{stack.url}/api/integration/requests/{created['id']}",
        json={"status": "done"},
        headers=integrator(stack),
        timeout=10,
    )

    assert moved.status_code == 200, moved.text
    assert moved.json()["history"][-1]["changed_by"] == "integrator:qa"
    shown = requests.get(f"{stack.url}/api/requests/{created['id']}", headers=auth(ivan), timeout=10).json()
    assert shown["status_title"] == "На рассмотрении"
    assert shown["history"][-1]["comment"] == "Передано мастеру участка."
    mail = stack.wait_for_mail(ivan["email"], f"Заявка № {created['number']}: на рассмотрении")
    assert "Новый статус: На рассмотрении" in mail["text"]
    assert forbidden.status_code == 409
    assert (
        "Допустимые статусы: «В работе», «Требуются уточнения», «Отклонена», «Перенаправлена»."
        in forbidden.json()["detail"]
    )


@pytest.mark.parametrize("key", [None, "wrong-key"])
def test_integration_requests_need_the_api_key(stack: LocalStack, key: str | None) -> None:
    headers = {"x-api-key": key} if key else {}

    listed = requests.get(
        f"{stack.url}/api/integration/requests", params={"status": "registered"}, headers=headers, timeout=10
    )
    moved = requests.patch(
        f"{stack.url}/api/integration/requests/01M8FEWQFNR64E9FA3R9R3PCS9",
        json={"status": "in_review"},
        headers=headers,
        timeout=10,
    )

    for answer in (listed, moved):
        # No header: API Gateway's own 401 before the integrator authorizer; a wrong key: its 403.
        assert answer.status_code == (403 if key else 401)
        assert answer.headers["Content-Type"] == PROBLEM
        assert "ключ интеграции" in answer.json()["detail"]


def test_unknown_status_is_refused(stack: LocalStack) -> None:
    answer = requests.get(
        f"{stack.url}/api/integration/requests",
        params={"status": "lost"},
        headers=integrator(stack),
        timeout=10,
    )

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "status"


def test_requests_still_answer_after_the_openapi_document_is_served(
    stack: LocalStack, ivan: dict[str, str]
) -> None:
    document = requests.get(f"{stack.url}/api/openapi.json", timeout=30)
    answer = requests.get(f"{stack.url}/api/requests", headers=auth(ivan), timeout=10)

    assert "/api/requests/{id}" in document.json()["paths"]
    assert "/api/integration/requests/{id}" in document.json()["paths"]
    assert answer.status_code == 200
