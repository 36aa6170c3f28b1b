"""The conversation on a request: the consumer's answers (and «Требуются уточнения» going back to
review by itself), the company's messages and documents, withdrawal, and the integrators' views —
the real handlers against moto on the template's world."""

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest

from functions.integration import handler as integration
from functions.requests import conversation
from functions.requests import handler as requests_api
from infra.world import World
from tests.unit.conftest import api_event, call, mailed
from tests.unit.test_requests import (
    IVAN,
    MZ,
    NOW,
    PDF,
    PETR,
    PNG,
    body_of,
    clock,  # noqa: F401 (the fixture)
    detail,
    download,
    errors_of,
    file,
    move,
    pull,
    put_object,
    upload,
)


@pytest.fixture
def env(
    world: World,
    clock: Callable[[datetime], None],  # noqa: F811 (the fixture)
    monkeypatch: pytest.MonkeyPatch,
) -> World:
    ticks = iter(range(1, 10_000))  # a second later at each message: the thread's order is the clock's
    monkeypatch.setattr(conversation, "now", lambda: NOW + timedelta(hours=1, seconds=next(ticks)))
    return world


def write(
    request_id: str, body: dict[str, Any], claims: dict[str, str] = IVAN, key: str | None = "auto"
) -> tuple[int, Any]:
    headers = {"Idempotency-Key": uuid.uuid4().hex if key == "auto" else key} if key else {}
    return call(
        requests_api,
        api_event(
            "POST",
            f"/api/requests/{request_id}/messages",
            body,
            claims=claims,
            headers=headers,
            path_parameters={"id": request_id},
        ),
    )


def thread(request_id: str, claims: dict[str, str] = IVAN) -> tuple[int, Any]:
    return call(
        requests_api,
        api_event(
            "GET", f"/api/requests/{request_id}/messages", claims=claims, path_parameters={"id": request_id}
        ),
    )


def withdraw(request_id: str, reason: str, claims: dict[str, str] = IVAN) -> tuple[int, Any]:
    return call(
        requests_api,
        api_event(
            "POST",
            f"/api/requests/{request_id}/withdraw",
            {"reason": reason},
            claims=claims,
            path_parameters={"id": request_id},
        ),
    )


def company_writes(
    request_id: str, body: dict[str, Any], key: str | None = "auto", integrator: str = "crm-key"
) -> tuple[int, Any]:
    headers = {"Idempotency-Key": uuid.uuid4().hex if key == "auto" else key} if key else {}
    return call(
        integration,
        api_event(
            "POST",
            f"/api/integration/requests/{request_id}/messages",
            body,
            headers=headers,
            path_parameters={"id": request_id},
            integrator=integrator,
        ),
    )


def company_upload(world: World, name: str, content_type: str, data: bytes) -> str:
    status, form = call(
        integration,
        api_event(
            "POST",
            "/api/integration/uploads",
            {"filename": name, "content_type": content_type, "size": len(data)},
            integrator="crm-key",
        ),
    )
    assert status == 200, form
    put_object(world, form["key"], data, content_type, form["fields"]["x-amz-meta-filename"])
    return str(form["key"])


def integrators_request(request_id: str) -> tuple[int, Any]:
    return call(
        integration,
        api_event(
            "GET",
            f"/api/integration/requests/{request_id}",
            path_parameters={"id": request_id},
            integrator="crm-key",
        ),
    )


def filed(kind: str = "meter_admission", claims: dict[str, str] = IVAN) -> str:
    status, created = file(body_of(kind), claims=claims)
    assert status == 201, created
    return str(created["id"])


# ---------------------------------------------------------------- the consumer answers


def test_an_answer_with_a_photo_brings_needs_info_back_to_review_recorded_as_the_consumer_s(
    env: World,
) -> None:
    request_id = filed()
    move(request_id, {"status": "needs_info", "comment": "Приложите фото счётчика."})
    photo = upload(env, IVAN, "счётчик.png", "image/png", PNG)

    status, sent = write(request_id, {"text": "Фото прилагаю.", "attachments": [photo]})

    assert status == 201, sent
    assert (sent["status"], sent["status_title"]) == ("in_review", "На рассмотрении")
    assert sent["message"]["author"] == "consumer"
    assert sent["message"]["text"] == "Фото прилагаю."
    _, shown = detail(request_id)
    assert shown["status"] == "in_review"
    assert [(h["status"], h["comment"]) for h in shown["history"]][-2:] == [
        ("needs_info", "Приложите фото счётчика."),
        ("in_review", "Потребитель ответил на запрос уточнений."),
    ]
    _, integrators = integrators_request(request_id)
    assert integrators["history"][-1]["changed_by"] == "consumer"
    [message] = integrators["messages"]
    assert message["changed_by"] == "consumer"
    [photo_file] = message["attachments"]
    assert photo_file["filename"] == "счётчик.png"
    assert download(photo_file["url"]) == (PNG, "image/png")
    mail = mailed()[-1]
    assert mail["subject"].endswith("на рассмотрении")
    assert f"/#/requests/{request_id}" in mail["text"]


def test_the_needs_info_mail_says_how_to_answer(env: World) -> None:
    request_id = filed()

    move(request_id, {"status": "needs_info", "comment": "Приложите фото счётчика."})

    text = mailed()[-1]["text"]
    assert "Приложите фото счётчика." in text
    assert "«Ответить»" in text
    assert "«Выберите файл»" in text


def test_a_message_in_another_open_status_leaves_the_status_and_awaits_an_answer(env: World) -> None:
    request_id = filed()
    move(request_id, {"status": "in_review"})
    mails_before = len(mailed())

    status, sent = write(request_id, {"text": "Когда придёт инженер?"})

    assert status == 201, sent
    assert sent["status"] == "in_review"
    assert len(mailed()) == mails_before  # nothing changed that the consumer does not know
    _, page = pull(unanswered="true")
    [waiting] = page["items"]
    assert waiting["id"] == request_id
    assert waiting["awaiting_answer_since"] == sent["message"]["at"]


def test_the_thread_is_oldest_first_and_shows_documents_with_their_kind(env: World) -> None:
    request_id = filed()
    write(request_id, {"text": "Первое."})
    document = company_upload(env, "ТУ-17.pdf", "application/pdf", PDF)
    company_writes(
        request_id, {"text": "Направляем ТУ.", "attachments": [document], "kind": "technical_conditions"}
    )
    write(request_id, {"text": "Спасибо, получил."})

    status, shown = thread(request_id)

    assert status == 200, shown
    assert [(m["author"], m["text"]) for m in shown["items"]] == [
        ("consumer", "Первое."),
        ("company", "Направляем ТУ."),
        ("consumer", "Спасибо, получил."),
    ]
    company = shown["items"][1]
    assert (company["kind"], company["kind_title"], company["author_title"]) == (
        "technical_conditions",
        "Технические условия",
        "ООО «Сетевая компания» (демо)",  # the world's OperatorName (infra/world.py)
    )
    [tu] = company["attachments"]
    assert download(tu["url"]) == (PDF, "application/pdf")


def test_the_thread_names_the_company_by_the_configured_operator_name(
    env: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPERATOR_NAME", "АО «Горэлектросеть»")
    request_id = filed()
    company_writes(request_id, {"text": "Уточните адрес."})

    status, shown = thread(request_id)

    assert status == 200, shown
    assert [m["author_title"] for m in shown["items"]] == ["АО «Горэлектросеть»"]


def test_the_same_idempotency_key_posts_one_message_and_another_payload_is_refused(env: World) -> None:
    request_id = filed()
    key = uuid.uuid4().hex

    first = write(request_id, {"text": "Один раз."}, key=key)
    again = write(request_id, {"text": "Один раз."}, key=key)
    other = write(request_id, {"text": "Другое."}, key=key)

    assert first[0] == again[0] == 201
    assert first[1]["message"]["id"] == again[1]["message"]["id"]
    assert other[0] == 422
    assert "Idempotency-Key" in errors_of(other[1])
    assert len(thread(request_id)[1]["items"]) == 1


def test_a_message_needs_an_idempotency_key_and_something_to_say(env: World) -> None:
    request_id = filed()

    no_key = write(request_id, {"text": "Без ключа."}, key=None)
    empty = write(request_id, {"text": "   "})

    assert no_key[0] == 422 and "Idempotency-Key" in errors_of(no_key[1])
    assert empty[0] == 422
    assert errors_of(empty[1]) == {"text": "Напишите сообщение или приложите файл."}


def test_a_file_that_is_not_what_it_claims_is_refused_on_its_field(env: World) -> None:
    request_id = filed()
    fake = upload(env, IVAN, "фото.png", "image/png", MZ)

    status, problem = write(request_id, {"text": "Фото.", "attachments": [fake]})

    assert status == 422
    assert "attachments.0" in errors_of(problem)
    assert thread(request_id)[1]["items"] == []


def test_a_file_attached_once_cannot_be_attached_again(env: World) -> None:
    request_id = filed()
    photo = upload(env, IVAN, "счётчик.png", "image/png", PNG)
    assert write(request_id, {"attachments": [photo]})[0] == 201

    status, problem = write(request_id, {"text": "Ещё раз.", "attachments": [photo]})

    assert status == 422
    assert "уже приложен" in errors_of(problem)["attachments.0"]


def test_a_closed_request_takes_no_more_messages_from_the_consumer(env: World) -> None:
    request_id = filed()
    move(request_id, {"status": "rejected", "comment": "Нет оснований."})

    status, problem = write(request_id, {"text": "Почему?"})

    assert status == 409
    assert "закрыта" in problem["detail"]


# ---------------------------------------------------------------- nobody reads or writes another's thread


def test_another_consumer_neither_reads_nor_writes_nor_withdraws_the_request(env: World) -> None:
    request_id = filed()
    write(request_id, {"text": "Моё сообщение."})
    petrs_photo = upload(env, PETR, "чужое.png", "image/png", PNG)
    ivans_photo = upload(env, IVAN, "моё.png", "image/png", PNG)
    other_id = filed(claims=PETR)

    assert thread(request_id, claims=PETR) == (200, {"items": [], "cursor": None})
    assert write(request_id, {"text": "Чужое."}, claims=PETR)[0] == 404
    assert withdraw(request_id, "Чужая.", claims=PETR)[0] == 404
    stolen = write(other_id, {"text": "Чужой файл.", "attachments": [ivans_photo]}, claims=PETR)
    assert stolen[0] == 422 and "attachments.0" in errors_of(stolen[1])
    assert write(other_id, {"attachments": [petrs_photo]}, claims=PETR)[0] == 201
    assert [m["text"] for m in thread(request_id)[1]["items"]] == ["Моё сообщение."]
    assert detail(request_id)[1]["status"] == "registered"


# ---------------------------------------------------------------- the company writes


def test_the_company_sends_a_document_the_consumer_downloads_it_and_gets_a_mail(env: World) -> None:
    request_id = filed()
    write(request_id, {"text": "Жду технические условия."})
    document = company_upload(env, "ТУ-17.pdf", "application/pdf", PDF)

    status, sent = company_writes(
        request_id,
        {
            "text": "Технические условия во вложении.",
            "attachments": [document],
            "kind": "technical_conditions",
            "operator": "CRM: Петрова А. В.",
        },
    )

    assert status == 201, sent
    assert (sent["changed_by"], sent["operator"]) == ("integrator:crm-key", "CRM: Петрова А. В.")
    assert document.startswith("uploads/company/")
    mail = mailed()[-1]
    assert mail["to"] == "ivan@example.ru"
    assert mail["subject"].endswith("новый документ")
    assert "«Технические условия»" in mail["text"]
    assert f"/#/requests/{request_id}" in mail["text"]
    [tu] = thread(request_id)[1]["items"][1]["attachments"]
    assert tu["filename"] == "ТУ-17.pdf"
    assert download(tu["url"]) == (PDF, "application/pdf")
    assert pull(unanswered="true")[1]["items"] == []  # answered


def test_each_integration_key_has_its_own_idempotency_keys(env: World) -> None:
    request_id = filed()
    key = uuid.uuid4().hex

    crm = company_writes(request_id, {"text": "Из CRM."}, key, integrator="crm-key")
    crm_again = company_writes(request_id, {"text": "Из CRM."}, key, integrator="crm-key")
    billing = company_writes(request_id, {"text": "Из биллинга."}, key, integrator="billing-key")

    assert crm[0] == crm_again[0] == billing[0] == 201
    assert crm[1]["id"] == crm_again[1]["id"] != billing[1]["id"]
    assert [m["text"] for m in thread(request_id)[1]["items"]] == ["Из CRM.", "Из биллинга."]


def test_a_consumer_s_upload_cannot_be_the_company_s_document(env: World) -> None:
    request_id = filed()
    consumers = upload(env, IVAN, "моё.pdf", "application/pdf", PDF)

    status, problem = company_writes(request_id, {"attachments": [consumers], "kind": "other"})

    assert status == 422
    assert "attachments.0" in errors_of(problem)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"attachments": ["uploads/company/x/y.pdf"]}, "kind", "Укажите вид документа"),
        ({"text": "Текст", "kind": "act"}, "kind", "вместе с файлами"),
        (
            {"text": "Текст", "kind": "passport", "attachments": ["uploads/company/x/y.pdf"]},
            "kind",
            "Вид документа",
        ),
        ({}, "text", "Напишите сообщение или приложите файл."),
        ({"text": "Т" * 5001}, "text", "длиннее 5000"),
    ],
)
def test_a_company_message_is_checked_field_by_field(
    env: World, body: dict[str, Any], field: str, message: str
) -> None:
    request_id = filed()

    status, problem = company_writes(request_id, body)

    assert status == 422, problem
    assert message in errors_of(problem)[field]


def test_a_company_message_on_an_unknown_request_is_not_found(env: World) -> None:
    assert company_writes("01M8FEWQFNR64E9FA3R9R3PCS9", {"text": "Кому?"})[0] == 404
    assert integrators_request("01M8FEWQFNR64E9FA3R9R3PCS9")[0] == 404


# ---------------------------------------------------------------- withdrawal


def test_the_consumer_withdraws_an_open_request_integrators_see_it_and_a_mail_goes(env: World) -> None:
    request_id = filed()
    write(request_id, {"text": "Вопрос."})

    status, shown = withdraw(request_id, "Передумал подключаться.")

    assert status == 200, shown
    assert (shown["status"], shown["status_title"]) == ("withdrawn", "Отозвана")
    assert shown["history"][-1]["comment"] == "Передумал подключаться."
    mail = mailed()[-1]
    assert mail["subject"] == "Заявка № 2026-000001 отозвана"
    assert "Передумал подключаться." in mail["text"]
    [listed] = pull(status="withdrawn")[1]["items"]
    assert listed["id"] == request_id
    assert listed["history"][-1]["changed_by"] == "consumer"
    assert pull(unanswered="true")[1]["items"] == []  # nobody awaits an answer on a withdrawn request
    assert withdraw(request_id, "Ещё раз.")[1]["history"] == shown["history"]  # a repeat changes nothing


def test_a_done_request_cannot_be_withdrawn_and_the_company_cannot_withdraw(env: World) -> None:
    request_id = filed()
    refused = move(request_id, {"status": "withdrawn", "comment": "За потребителя."})
    move(request_id, {"status": "in_review"})
    move(request_id, {"status": "in_progress"})
    move(request_id, {"status": "done"})

    status, _ = withdraw(request_id, "Поздно.")

    assert refused[0] == 409 and "только потребитель" in refused[1]["detail"]
    assert status == 409
    assert detail(request_id)[1]["status"] == "done"


def test_a_withdrawal_needs_a_reason(env: World) -> None:
    request_id = filed()

    status, problem = withdraw(request_id, "  ")

    assert status == 422
    assert "Причина отзыва" in errors_of(problem)["reason"]


# ---------------------------------------------------------------- integrators' list


def test_the_unanswered_list_is_the_longest_waiting_first_and_refuses_a_status_beside_it(env: World) -> None:
    first, second = filed(), filed()
    write(second, {"text": "Раньше."})
    conversation_now = NOW + timedelta(hours=2)
    pytest.MonkeyPatch().setattr(conversation, "now", lambda: conversation_now)
    write(first, {"text": "Позже."})
    write(second, {"text": "И ещё."})  # the oldest unanswered message counts

    _, page = pull(unanswered="true")
    both = pull(unanswered="true", status="in_review")
    neither = pull()

    assert [item["id"] for item in page["items"]] == [second, first]
    assert both[0] == 422 and "status" in errors_of(both[1])
    assert neither[0] == 422 and "status" in errors_of(neither[1])


def test_an_integrator_upload_form_is_under_the_company_s_prefix(env: World) -> None:
    status, form = call(
        integration,
        api_event(
            "POST",
            "/api/integration/uploads",
            {"filename": "Счёт.pdf", "content_type": "application/pdf", "size": 100},
            integrator="crm-key",
        ),
    )

    assert status == 200
    assert form["key"].startswith("uploads/company/")
    assert form["fields"]["Content-Type"] == "application/pdf"
    listed = boto3.client("s3").list_objects_v2(Bucket=env.refs["UploadsBucket"], Prefix="uploads/company/")
    assert listed.get("KeyCount", 0) == 0  # a form, nothing stored yet
