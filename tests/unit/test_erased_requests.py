"""A request whose consumer deleted the account (152-ФЗ ст. 21 ч. 5): the erasure removes its email, the
consumer's texts and what names the person, and keeps the rest for the company's records
(functions/auth/erasure.py, functions/requests/erasure.py). The company's systems go on
working with it — the list by status and the unanswered list, the request with its thread, a change of
status, a message — answered with `email: null`, and no mail is owed to the address that is gone (their
events are, as any change's)."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from functions.auth import erasure
from functions.common.outbox import OutboxEntry
from functions.requests.erasure_store import ERASED_TEXT
from infra.lambda_runtime import LambdaContext
from infra.world import World
from tests.unit.outbox_support import events_of, owed_entries
from tests.unit.test_account_deletion import EMAIL, delete
from tests.unit.test_accounts import IVAN as REGISTRATION
from tests.unit.test_accounts import claims_of, mailed_password, register
from tests.unit.test_request_conversation import company_writes, integrators_request, write
from tests.unit.test_requests import body_of, file, move, pull


@pytest.fixture
def erased(world: World) -> dict[str, str]:
    """A consumer who filed a request, wrote on it (it awaits an answer), deleted the account and was
    erased: the request's id and the consumer's sub."""
    register(REGISTRATION)
    password = mailed_password(EMAIL)
    caller = claims_of(EMAIL, password)
    soon = str(date.today() + timedelta(days=7))
    status, created = file(
        body_of("meter_reading", fields={**body_of("meter_reading")["fields"], "reading_date": soon}),
        claims=caller,
    )
    assert status == 201, created
    assert write(created["id"], {"text": "Когда придёт контролёр?"}, claims=caller)[0] == 201
    assert delete(caller, password) == (204, None)
    assert erasure.lambda_handler({}, LambdaContext("ErasureFunction")) == {"erased": 1, "failed": 0}
    return {"id": str(created["id"]), "sub": caller["sub"]}


@pytest.fixture
def owed_from_now(world: World) -> Callable[[], list[OutboxEntry]]:
    """What the changes from now on owe: their outbox entries."""
    before = len(owed_entries(world))
    return lambda: owed_entries(world)[before:]


def listed(answer: tuple[int, Any], request_id: str) -> dict[str, Any]:
    status, page = answer
    assert status == 200, page
    [item] = [item for item in page["items"] if item["id"] == request_id]
    return dict(item)


def test_the_lists_answer_an_erased_consumer_s_request_without_its_email(erased: dict[str, str]) -> None:
    by_status = listed(pull(status="registered"), erased["id"])
    unanswered = listed(pull(unanswered="true"), erased["id"])

    for item in (by_status, unanswered):
        assert item["email"] is None
        assert item["user_id"] == erased["sub"]
        assert item["status"] == "registered"
        assert item["text"] == ERASED_TEXT
        assert item["personal_data_erased"] is True
    assert unanswered["awaiting_answer_since"] is not None


def test_the_request_with_its_thread_answers_without_the_email(erased: dict[str, str]) -> None:
    status, request = integrators_request(erased["id"])

    assert status == 200, request
    assert request["email"] is None
    assert [m["text"] for m in request["messages"]] == [ERASED_TEXT]
    assert [entry["status"] for entry in request["history"]] == ["registered"]


def test_a_change_of_status_is_written_and_answered_alike_and_mails_nobody(
    erased: dict[str, str], owed_from_now: Callable[[], list[OutboxEntry]]
) -> None:
    status, moved = move(erased["id"], {"status": "rejected", "comment": "Заявка подана повторно."})

    assert status == 200, moved
    assert (moved["status"], moved["email"]) == ("rejected", None)
    assert [entry["status"] for entry in moved["history"]] == ["registered", "rejected"]
    _, stored = integrators_request(erased["id"])
    assert stored["status"] == moved["status"] == "rejected"
    assert stored["history"] == moved["history"]
    assert listed(pull(status="rejected"), erased["id"])["email"] is None
    # A move to a closed status answers whatever the consumer wrote: the request leaves the list.
    assert erased["id"] not in [item["id"] for item in pull(unanswered="true")[1]["items"]]
    [owed] = owed_from_now()
    assert owed.mails == ()
    assert [(e["detail-type"], e["status"]) for e in events_of(owed)] == [
        ("portal.request.status.changed.v1", "rejected")
    ]


def test_the_company_writes_on_it_and_no_mail_is_owed(
    erased: dict[str, str], owed_from_now: Callable[[], list[OutboxEntry]]
) -> None:
    status, message = company_writes(erased["id"], {"text": "Заявка принята к рассмотрению."})

    assert status == 201, message
    assert message["changed_by"] == "integrator:crm-key"
    _, request = integrators_request(erased["id"])
    assert [m["text"] for m in request["messages"]] == [ERASED_TEXT, "Заявка принята к рассмотрению."]
    assert request["awaiting_answer_since"] is None
    assert erased["id"] not in [item["id"] for item in pull(unanswered="true")[1]["items"]]
    [owed] = owed_from_now()
    assert owed.mails == ()
    assert [e["detail-type"] for e in events_of(owed)] == ["portal.request.message.posted.v1"]
