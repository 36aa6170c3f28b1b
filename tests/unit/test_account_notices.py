"""The notices a change of the account owes — password changed, profile changed, account deleted,
email changed, password reset with a mailed code — are written with the change: one outbox item
(functions/common/outbox.py) in the transaction that records it. With SQS failing at that moment the
route answers as before, and once the relay runs the mail is queued and sent once; a change that
fails owes nothing; nothing is owed to a profile without an address."""

import math
import time
from contextlib import AbstractContextManager
from typing import Any

import pytest

from functions.auth import handler as auth
from functions.auth.store import NoProfile, ProfileStore
from functions.common.clock import now
from functions.common.mail import NoticeJob
from functions.common.outbox import OutboxEntry, outbox_put
from functions.common.sessions import SessionStore
from infra.world import World
from tests.faults import failing_where
from tests.unit.conftest import api_event, call
from tests.unit.outbox_support import mails_of, owed_entries, relayed_once, the_entry
from tests.unit.test_accounts import IVAN, claims_of, log_in, mailed_password, register
from tests.unit.test_password_reset import forgot, mailed_code, profile_item, reset

EMAIL = "ivan.petrov@example.ru"
NEW_EMAIL = "ivan.new@example.ru"
PASSWORD_CHANGED = "Пароль от личного кабинета изменён"
PROFILE_CHANGED = "Данные профиля в личном кабинете изменены"
DELETED = "Учётная запись в личном кабинете удалена"
EMAIL_CHANGED = "Адрес для входа в личный кабинет изменён"


def sqs_down() -> AbstractContextManager[None]:
    """Every SendMessage refused (a 5xx): the mail queue is down at the moment of the change."""
    return failing_where("sqs", "SendMessage", "", "5xx")


@pytest.fixture
def ivan(world: World) -> tuple[str, dict[str, str]]:
    register(IVAN)
    password = mailed_password(EMAIL)
    return password, claims_of(EMAIL, password)


def owed_notice(world: World, to: str, subject: str, events: tuple[str, ...] = ()) -> OutboxEntry:
    """The one outbox item, owing one notice to `to` with `subject` and the events of `events` (their
    detail types; none unless said)."""
    entry = the_entry(world)
    [job] = mails_of(entry)
    assert (job["kind"], job["to"], job["subject"], job["id"]) == ("notice", to, subject, f"{entry.id}-m0")
    assert tuple(event.detail_type for event in entry.events) == events
    return entry


def change_password(caller: dict[str, str], old: str, new: str) -> tuple[int, Any]:
    body = {"old_password": old, "new_password": new, "new_password_repeat": new}
    return call(auth, api_event("POST", "/api/profile/password", body, claims=caller))


# ---------------------------------------------------------------- POST /api/profile/password


def test_a_password_change_owes_its_notice_with_the_end_of_the_sessions(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    password, caller = ivan
    with sqs_down():
        assert change_password(caller, password, "новый пароль") == (204, None)

    [mail], _ = relayed_once(world, owed_notice(world, EMAIL, PASSWORD_CHANGED))
    assert mail["to"] == EMAIL and "новый пароль" not in mail["text"]
    assert log_in(EMAIL, "новый пароль")[0] == 200


def test_a_password_change_undone_owes_nothing_and_its_retry_owes_the_notice_once(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    password, caller = ivan
    with failing_where("dynamodb", "TransactWriteItems", "sessions_valid_from"):
        status, problem = change_password(caller, password, "новый пароль")

    assert (status, problem["title"]) == (503, "Сервис временно недоступен")
    assert log_in(EMAIL, password)[0] == 200  # put back
    assert owed_entries(world) == []
    assert change_password(caller, password, "новый пароль") == (204, None)
    relayed_once(world, owed_notice(world, EMAIL, PASSWORD_CHANGED))


# ---------------------------------------------------------------- POST /api/auth/reset-password


def test_a_password_reset_owes_its_notice_with_the_end_of_the_sessions(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    forgot(EMAIL)
    code = mailed_code()
    with sqs_down():
        assert reset(code) == (204, None)

    [mail], _ = relayed_once(world, owed_notice(world, EMAIL, PASSWORD_CHANGED))
    assert mail["to"] == EMAIL


def test_a_reset_whose_sessions_cannot_end_owes_nothing_until_its_retry(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    forgot(EMAIL)
    code = mailed_code()
    with failing_where("dynamodb", "TransactWriteItems", "sessions_valid_from"):
        assert reset(code)[0] == 503

    assert owed_entries(world) == []
    assert reset(code) == (204, None)  # the code was put back
    relayed_once(world, owed_notice(world, EMAIL, PASSWORD_CHANGED))


# ---------------------------------------------------------------- PATCH /api/profile


def test_a_profile_change_owes_its_notice_in_its_own_transaction(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    _, caller = ivan
    body = {"phone": "8 (903) 111-22-33", "full_name": "Иванов Иван Петрович"}
    with sqs_down():
        status, profile = call(auth, api_event("PATCH", "/api/profile", body, claims=caller))

    assert status == 200
    assert (profile["phone"], profile["full_name"]) == ("+79031112233", "Иванов Иван Петрович")
    assert call(auth, api_event("GET", "/api/profile", claims=caller))[1] == profile
    [mail], _ = relayed_once(world, owed_notice(world, EMAIL, PROFILE_CHANGED))
    assert "изменены: телефон, ФИО." in mail["text"]


def test_a_profile_change_that_fails_changes_nothing_and_owes_nothing(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    _, caller = ivan
    with failing_where("dynamodb", "TransactWriteItems", "phone"):
        status, _ = call(auth, api_event("PATCH", "/api/profile", {"phone": "+79031112233"}, claims=caller))

    assert status == 503
    assert profile_item(world)["phone"] == "+79123456789"
    assert owed_entries(world) == []


# ---------------------------------------------------------------- DELETE /api/profile


def delete(caller: dict[str, str], password: str) -> tuple[int, Any]:
    return call(auth, api_event("DELETE", "/api/profile", {"password": password}, claims=caller))


# The deletion also tells integrators, so that CRM copies are erased (functions/common/events.py).
DELETED_EVENT = ("portal.account.deleted.v1",)


def test_a_deletion_owes_its_notice_with_its_record(world: World, ivan: tuple[str, dict[str, str]]) -> None:
    password, caller = ivan
    with sqs_down():
        assert delete(caller, password) == (204, None)

    assert "deleted_at" in profile_item(world)
    [mail], _ = relayed_once(world, owed_notice(world, EMAIL, DELETED, DELETED_EVENT))
    assert "В течение 30 дней" in mail["text"]


def test_a_deletion_finished_by_its_retry_owes_its_notice_once(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    password, caller = ivan
    with failing_where("cognito-idp", "AdminUserGlobalSignOut", caller["sub"]):
        assert delete(caller, password)[0] == 503
    entry = owed_notice(world, EMAIL, DELETED, DELETED_EVENT)  # the deletion is recorded: its notice is owed

    assert delete(caller, "whatever was typed") == (204, None)
    assert owed_entries(world) == [entry]
    relayed_once(world, entry)


def test_a_deletion_not_recorded_owes_nothing(world: World, ivan: tuple[str, dict[str, str]]) -> None:
    password, caller = ivan
    with failing_where("dynamodb", "TransactWriteItems", "deleted_at"):
        assert delete(caller, password)[0] == 503

    assert "deleted_at" not in profile_item(world)
    assert owed_entries(world) == []
    assert log_in(EMAIL, password)[0] == 200


# ---------------------------------------------------------------- POST /api/profile/email/confirm


def test_an_email_change_owes_its_notice_to_the_old_address_with_the_profile_s_new_one(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    from tests.unit.test_email_change import ask, confirm
    from tests.unit.test_email_change import mailed_code as mailed_email_code

    password, caller = ivan
    assert ask(caller, NEW_EMAIL, password)[0] == 202
    code = mailed_email_code()
    with sqs_down():
        assert confirm(caller, code) == (204, None)

    assert profile_item(world, NEW_EMAIL)["email"] == NEW_EMAIL
    [mail], _ = relayed_once(world, owed_notice(world, EMAIL, EMAIL_CHANGED))
    assert NEW_EMAIL in mail["text"]


# ---------------------------------------------------------------- the stores


def notice(to: str = EMAIL) -> OutboxEntry:
    return OutboxEntry.owing(mails=[NoticeJob(to=to, subject=PASSWORD_CHANGED, text="Пароль изменён.")])


def test_sessions_ended_from_a_later_second_already_still_owe_the_notice_once(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    user_id = str(profile_item(world)["user_id"])
    later = math.floor(time.time()) + 60
    store = SessionStore()
    store.refuse_tokens_before(user_id, later)

    owed = notice()
    store.refuse_tokens_before(user_id, later - 30, [outbox_put(owed)])

    assert profile_item(world)["sessions_valid_from"] == later  # never moved back
    assert owed_entries(world) == [owed]


def test_nothing_is_owed_to_a_profile_without_an_address(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    user_id = str(profile_item(world)["user_id"])
    profiles = ProfileStore()
    profiles.erase(user_id, now().isoformat())  # what the erasure leaves: no address

    SessionStore().refuse_tokens_before(user_id, math.floor(time.time()) + 1, [outbox_put(notice())])
    with pytest.raises(NoProfile):
        profiles.change(user_id, "individual", {"phone": "+79031112233"}, outbox_put(notice()))
    with pytest.raises(NoProfile):
        profiles.mark_deleted("no-such-user", now().isoformat(), "consumer", outbox_put(notice()))

    assert owed_entries(world) == []
