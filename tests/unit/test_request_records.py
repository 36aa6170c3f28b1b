"""The requests store speaks records (functions/requests/records.py): items written by older code and
erased consumers' items are read into records everywhere they are shown, and a cursor is taken only
by the list it came from (the store's check) — through the handlers, on moto."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import boto3

from functions.auth import handler as auth
from functions.integration import handler as integration
from functions.requests import handler as requests_api
from functions.requests.ids import new_request_id
from functions.requests.records import request_of
from infra.world import World
from tests.unit.conftest import api_event, call
from tests.unit.test_account_deletion import EMAIL
from tests.unit.test_accounts import IVAN as REGISTRATION
from tests.unit.test_accounts import claims_of, mailed_password, register
from tests.unit.test_request_conversation import env, filed, write  # noqa: F401 (the fixture)
from tests.unit.test_requests import IVAN, NOW, PETR, clock, detail, errors_of  # noqa: F401 (the fixture)

INVALID_CURSOR = "Курсор неверен или устарел: откройте список заново, с первой страницы."


def thread_page(request_id: str, claims: dict[str, str] = IVAN, **query: str) -> tuple[int, Any]:
    return call(
        requests_api,
        api_event(
            "GET",
            f"/api/requests/{request_id}/messages",
            claims=claims,
            query=query or None,
            path_parameters={"id": request_id},
        ),
    )


def integrators_request(request_id: str) -> tuple[int, Any]:
    return call(
        integration,
        api_event(
            "GET",
            f"/api/integration/requests/{request_id}",
            path_parameters={"id": request_id},
            integrator="k",
        ),
    )


# ---------------------------------------------------------------- cursors


def test_a_thread_s_cursor_is_taken_only_for_the_same_request_of_the_same_consumer(env: World) -> None:  # noqa: F811
    first, second = filed(), filed()
    for request_id in (first, second):
        for text in ("Первое", "Второе"):
            assert write(request_id, {"text": text})[0] == 201

    status, page = thread_page(first, limit="1")
    assert status == 200
    assert [m["text"] for m in page["items"]] == ["Первое"]
    assert thread_page(first, cursor=page["cursor"])[1]["items"][0]["text"] == "Второе"

    for request_id, claims in ((second, IVAN), (first, PETR)):
        status, problem = thread_page(request_id, claims=claims, cursor=page["cursor"])
        assert status == 422
        assert errors_of(problem) == {"cursor": INVALID_CURSOR}


def test_a_list_s_cursor_is_not_taken_by_another_list(env: World) -> None:  # noqa: F811
    for _ in range(2):
        assert write(filed(), {"text": "Жду ответа"})[0] == 201
    pull = {"integrator": "k"}
    _, by_status = call(
        integration,
        api_event("GET", "/api/integration/requests", query={"status": "registered", "limit": "1"}, **pull),
    )
    _, unanswered = call(
        integration,
        api_event("GET", "/api/integration/requests", query={"unanswered": "true", "limit": "1"}, **pull),
    )
    _, mine = call(requests_api, api_event("GET", "/api/requests", claims=IVAN, query={"limit": "1"}))

    refused = [
        call(integration, api_event("GET", "/api/integration/requests", query=query, **pull))
        for query in (
            {"unanswered": "true", "cursor": by_status["cursor"]},
            {"status": "registered", "cursor": unanswered["cursor"]},
            {"status": "registered", "cursor": mine["cursor"]},
        )
    ]
    refused.append(
        call(
            requests_api,
            api_event("GET", "/api/requests", claims=IVAN, query={"cursor": by_status["cursor"]}),
        )
    )

    assert [status for status, _ in refused] == [422] * 4
    assert all(errors_of(problem) == {"cursor": INVALID_CURSOR} for _, problem in refused)


# ---------------------------------------------------------------- items of older code, erased items


def _old_request(world: World, owner: dict[str, str] = IVAN) -> str:
    """A request as the first version of the portal wrote it: files without the checked version and
    checksum, a history entry whose client named itself, no answer awaited, and a message without
    a document kind or operator."""
    request_id = new_request_id(NOW - timedelta(days=400))
    at = (NOW - timedelta(days=400)).isoformat()
    later = (NOW - timedelta(days=399)).isoformat()
    table = boto3.resource("dynamodb").Table(world.refs["RequestsTable"])
    table.put_item(
        Item={
            "pk": f"USER#{owner['sub']}",
            "sk": f"REQUEST#{request_id}",
            "request_id": request_id,
            "user_id": owner["sub"],
            "email": owner["email"],
            "number": "2025-000007",
            "type": "grid_theft",
            "text": "Срезан провод.",
            "fields": {"incident": "theft", "location": "опора 12", "occurred_on": "2025-10-20"},
            "attachments": [
                {
                    "key": f"requests/{request_id}/0",
                    "filename": "фото.png",
                    "content_type": "image/png",
                    "size": 40,
                }
            ],
            "status": "in_review",
            "status_changed_at": later,
            "created_at": at,
            "updated_at": later,
            "review_deadline": "2025-10-28",
            "history": [
                {"status": "registered", "at": at, "changed_by": "consumer"},
                {"status": "in_review", "at": later, "changed_by": "Иванова (CRM)"},
            ],
        }
    )
    message_id = new_request_id(NOW - timedelta(days=399))
    table.put_item(
        Item={
            "pk": f"USER#{owner['sub']}",
            "sk": f"THREAD#{request_id}#{message_id}",
            "message_id": message_id,
            "number": "2025-000007",
            "author": "company",
            "changed_by": "api-key:crm",
            "text": "Принято.",
            "attachments": [],
            "at": later,
        }
    )
    return request_id


def test_an_item_of_older_code_is_shown_to_the_consumer_and_the_company(env: World) -> None:  # noqa: F811
    request_id = _old_request(env)

    status, shown = detail(request_id)
    assert status == 200, shown
    assert [a["filename"] for a in shown["attachments"]] == ["фото.png"]
    assert [entry["status"] for entry in shown["history"]] == ["registered", "in_review"]

    status, theirs = integrators_request(request_id)
    assert status == 200, theirs
    assert theirs["email"] == IVAN["email"]
    assert theirs["awaiting_answer_since"] is None
    assert [(e["changed_by"], e["operator"]) for e in theirs["history"]] == [
        ("consumer", None),
        ("integrator:unknown", "Иванова (CRM)"),
    ]
    assert [(m["text"], m["kind"], m["operator"]) for m in theirs["messages"]] == [("Принято.", None, None)]

    status, messages = thread_page(request_id)
    assert status == 200
    assert [m["text"] for m in messages["items"]] == ["Принято."]


def test_the_data_export_reads_items_of_older_code(world: World) -> None:
    register(REGISTRATION)
    caller = claims_of(EMAIL, mailed_password(EMAIL))
    request_id = _old_request(world, caller)

    status, exported = call(auth, api_event("GET", "/api/profile/export", claims=caller))

    assert status == 200, exported
    [request] = exported["requests"]
    assert request["id"] == request_id
    [attachment] = request["attachments"]
    assert {k: v for k, v in attachment.items() if k != "url"} == {
        "filename": "фото.png",
        "content_type": "image/png",
        "size": 40,
    }
    assert "X-Amz-Expires=3600" in attachment["url"]
    assert [entry["status"] for entry in request["history"]] == ["registered", "in_review"]
    assert request["updated_at"] == (NOW - timedelta(days=399)).isoformat()


# ---------------------------------------------------------------- the conversion itself


def test_an_erased_request_s_record_has_no_email_and_says_so() -> None:
    at = NOW.isoformat()
    item = {
        "request_id": "01M8FEWQFNR64E9FA3R9R3PCS9",
        "user_id": PETR["sub"],
        "number": "2026-000001",
        "type": "meter_reading",
        "status": "registered",
        "created_at": at,
        "review_deadline": "2026-12-04",
        "text": "Прошу снять показания.",
        "fields": {},
        "attachments": [
            {
                "key": "requests/x/0",
                "filename": "a.pdf",
                "content_type": "application/pdf",
                "size": Decimal(5),
            }
        ],
        "history": [{"status": "registered", "at": at, "changed_by": "consumer"}],
        "status_changed_at": at,
        "updated_at": at,
    }

    erased, kept = request_of(item), request_of({**item, "email": PETR["email"]})

    assert (erased.email, erased.erased) == (None, True)
    assert (kept.email, kept.erased) == (PETR["email"], False)
    assert erased.attachments[0].size == 5
    assert (erased.attachments[0].upload, erased.attachments[0].sha256) == (None, None)
    assert erased.awaiting_since is None
    assert erased.history[0].consumer_action is None
