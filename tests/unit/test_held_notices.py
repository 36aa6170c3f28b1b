"""A change made in Cognito before the portal records it — a password set (changed, reset), a login
changed — holds its notice first (functions/common/held.py). Whatever stops the function after the
Cognito call (killed, its answer lost), the notice is owed in the end: released by the retry that
finishes the change, or settled by the sweeper HOLD_FOR later (functions/outbox/held.py) — the login
change recorded with its notice when Cognito has it, the password's sessions ended with a notice that
says it could not be confirmed. A change Cognito refused owes nothing."""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError

from functions.auth.store import ProfileStore
from functions.common.aws import reset_clients
from functions.common.clock import now
from functions.common.held import HOLD_FOR, HeldKind, HeldNotice, HeldNotices
from functions.common.mail import NoticeJob
from functions.common.outbox import OutboxEntry
from functions.outbox import sweeper
from infra.lambda_runtime import LambdaContext
from infra.world import World
from tests.aws_calls import AwsCallRecorder
from tests.faults import LambdaKilled, clock_moved, failing_where
from tests.unit.outbox_support import held_notices, mails_of, owed_entries, relayed_once
from tests.unit.test_account_notices import (
    EMAIL,
    EMAIL_CHANGED,
    NEW_EMAIL,
    PASSWORD_CHANGED,
    change_password,
    owed_notice,
)
from tests.unit.test_accounts import IVAN, claims_of, log_in, mailed_password, register
from tests.unit.test_email_change import ask, confirm
from tests.unit.test_email_change import mailed_code as mailed_email_code
from tests.unit.test_password_reset import NEW_PASSWORD, forgot, mailed_code, profile_item, reset

UNSURE = "Смена пароля от личного кабинета"


@pytest.fixture
def ivan(world: World) -> tuple[str, dict[str, str]]:
    """A registered consumer: the mailed password and the claims of a session."""
    register(IVAN)
    password = mailed_password(EMAIL)
    return password, claims_of(EMAIL, password)


_SET_PASSWORD = "AdminSetUserPassword"


@contextmanager
def after_the_call(operation: str, error: BaseException) -> Iterator[None]:
    """Every call of `operation` is done at AWS, and then `error` stops the caller: a read timeout (the
    answer lost), or LambdaKilled (the function stopped there: nothing after it runs)."""
    boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    events = boto3.DEFAULT_SESSION.events

    def fail(model: Any, **_: Any) -> None:
        if model.name == operation:
            raise error

    events.register("after-call", fail, unique_id="after-the-call")
    reset_clients()
    try:
        yield
    finally:
        events.unregister("after-call", unique_id="after-the-call")
        reset_clients()


@contextmanager
def after_the_hook(hook: Any) -> Iterator[None]:
    """`hook(model, params)` runs after every AWS call (it may raise, as `after_the_call`)."""
    boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    events = boto3.DEFAULT_SESSION.events
    seen: dict[str, Any] = {}

    def remember(model: Any, params: Any, **_: Any) -> None:
        seen["params"] = params

    def after(model: Any, **_: Any) -> None:
        hook(model, seen.get("params", {}))

    events.register("before-call", remember, unique_id="after-the-hook-params")
    events.register("after-call", after, unique_id="after-the-hook")
    reset_clients()
    try:
        yield
    finally:
        events.unregister("before-call", unique_id="after-the-hook-params")
        events.unregister("after-call", unique_id="after-the-hook")
        reset_clients()


def lost_answer() -> ReadTimeoutError:
    return ReadTimeoutError(endpoint_url="https://cognito-idp.eu-central-1.amazonaws.com/")


def sweep_later() -> dict[str, int]:
    """The sweeper's run HOLD_FOR (and a minute) after now: the function that held is long gone."""
    with clock_moved(HOLD_FOR + timedelta(minutes=1)):
        answer: dict[str, int] = sweeper.lambda_handler(
            {}, LambdaContext("OutboxSweeperFunction", timeout_ms=60_000)
        )
    return answer


def sessions_ended_since(world: World, claims: dict[str, str]) -> bool:
    return int(profile_item(world).get("sessions_valid_from", 0)) > int(claims["iat"])


# ---------------------------------------------------------------- a password changed in «Профиль»


def test_a_change_killed_after_the_set_is_finished_by_its_retry_with_one_notice(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    password, caller = ivan
    with after_the_call(_SET_PASSWORD, LambdaKilled()), pytest.raises(LambdaKilled):
        change_password(caller, password, "новый пароль")

    [held] = held_notices(world)
    assert (held.kind, held.user_id, owed_entries(world)) == (HeldKind.PASSWORD, caller["sub"], [])
    # API Gateway answered 502; the browser sends the same form again: the old password no longer
    # opens the account, the new one does, and its notice is held — the retry finishes the change.
    assert change_password(caller, password, "новый пароль") == (204, None)

    assert held_notices(world) == []
    assert sessions_ended_since(world, caller)
    [mail], _ = relayed_once(world, owed_notice(world, EMAIL, PASSWORD_CHANGED))
    assert mail["to"] == EMAIL
    assert sweep_later()["settled"] == 0  # nothing left to settle


def test_a_change_whose_answer_was_lost_answers_503_and_its_retry_finishes_it(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    password, caller = ivan
    with after_the_call(_SET_PASSWORD, lost_answer()):
        status, problem = change_password(caller, password, "новый пароль")

    assert (status, problem["title"]) == (503, "Сервис временно недоступен")
    assert len(held_notices(world)) == 1  # nobody can tell whether it was set: kept
    assert change_password(caller, password, "новый пароль") == (204, None)
    relayed_once(world, owed_notice(world, EMAIL, PASSWORD_CHANGED))


def test_a_change_killed_and_never_retried_ends_the_sessions_and_says_it_was_not_confirmed(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    password, caller = ivan
    with after_the_call(_SET_PASSWORD, LambdaKilled()), pytest.raises(LambdaKilled):
        change_password(caller, password, "новый пароль")

    assert (
        sweeper.lambda_handler({}, LambdaContext("OutboxSweeperFunction", timeout_ms=60_000))["settled"] == 0
    )  # held still
    assert sweep_later()["settled"] == 1

    assert held_notices(world) == []
    assert sessions_ended_since(world, caller)
    [mail], _ = relayed_once(world, owed_notice(world, EMAIL, UNSURE))
    assert "не удалось подтвердить" in mail["text"] and "все сеансы входа завершены" in mail["text"]
    assert "новый пароль" not in mail["text"]
    assert sweep_later()["settled"] == 0


def test_a_set_cognito_refused_owes_nothing(world: World, ivan: tuple[str, dict[str, str]]) -> None:
    password, caller = ivan
    with failing_where("cognito-idp", _SET_PASSWORD, "", "throttling"):
        assert change_password(caller, password, "новый пароль")[0] == 503

    assert held_notices(world) == [] and owed_entries(world) == []
    assert log_in(EMAIL, password)[0] == 200
    assert sweep_later()["settled"] == 0


def test_a_wrong_old_password_without_a_held_change_is_refused_as_ever(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    _, caller = ivan
    status, problem = change_password(caller, "не тот пароль", "новый пароль")
    assert status == 422 and problem["errors"][0]["field"] == "old_password"
    assert held_notices(world) == [] and owed_entries(world) == []


# ---------------------------------------------------------------- a password reset with a mailed code


def test_a_reset_killed_after_the_set_is_finished_by_its_retry_with_the_same_code(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    forgot(EMAIL)
    code = mailed_code()
    with after_the_call(_SET_PASSWORD, LambdaKilled()), pytest.raises(LambdaKilled):
        reset(code)

    assert reset(code) == (204, None)  # the code is spent, the new password works: finished
    assert held_notices(world) == []
    relayed_once(world, owed_notice(world, EMAIL, PASSWORD_CHANGED))
    assert log_in(EMAIL, NEW_PASSWORD)[0] == 200
    assert reset(code)[0] == 422  # and done once: nothing is held any more


def test_a_reset_retried_with_another_password_sets_that_one_with_one_notice(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    forgot(EMAIL)
    code = mailed_code()
    with after_the_call(_SET_PASSWORD, LambdaKilled()), pytest.raises(LambdaKilled):
        reset(code)

    assert reset(code, password="другой пароль 123") == (204, None)
    assert log_in(EMAIL, "другой пароль 123")[0] == 200
    relayed_once(world, owed_notice(world, EMAIL, PASSWORD_CHANGED))


# ---------------------------------------------------------------- the login (email) changed


def test_a_login_changed_in_cognito_and_not_recorded_is_recorded_by_the_sweeper_with_its_notice(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    password, caller = ivan
    assert ask(caller, NEW_EMAIL, password)[0] == 202
    with after_the_call("AdminUpdateUserAttributes", LambdaKilled()), pytest.raises(LambdaKilled):
        confirm(caller, mailed_email_code(NEW_EMAIL))
    assert profile_item(world, NEW_EMAIL)["email"] == EMAIL  # the login moved, the profile did not

    assert sweep_later()["settled"] == 1

    assert profile_item(world, NEW_EMAIL)["email"] == NEW_EMAIL
    [mail], _ = relayed_once(world, owed_notice(world, EMAIL, EMAIL_CHANGED))
    assert NEW_EMAIL in mail["text"]


def test_a_login_change_stopped_before_cognito_made_it_is_carried_out_by_the_sweeper(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    password, caller = ivan
    assert ask(caller, NEW_EMAIL, password)[0] == 202
    with after_the_call("AdminUserGlobalSignOut", LambdaKilled()), pytest.raises(LambdaKilled):
        confirm(caller, mailed_email_code(NEW_EMAIL))
    assert len(held_notices(world)) == 1 and profile_item(world)["email"] == EMAIL

    # The consumer confirmed it with the code: the sweeper makes the change and owes its notice.
    assert sweep_later()["settled"] == 1

    assert held_notices(world) == []
    assert profile_item(world, NEW_EMAIL)["email"] == NEW_EMAIL
    assert log_in(NEW_EMAIL, password)[0] == 200 and log_in(EMAIL, password)[0] != 200
    relayed_once(world, owed_notice(world, EMAIL, EMAIL_CHANGED))


def killed_after_the_code_is_used(model: Any, params: Any) -> None:
    if model.name == "UpdateItem" and re.search(r"REMOVE \w+_code_hash", str(params)):
        raise LambdaKilled()


def test_a_login_change_killed_after_the_code_was_used_is_finished_by_its_retry_with_the_code(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    password, caller = ivan
    assert ask(caller, NEW_EMAIL, password)[0] == 202
    code = mailed_email_code(NEW_EMAIL)
    with after_the_hook(killed_after_the_code_is_used), pytest.raises(LambdaKilled):
        confirm(caller, code)
    assert profile_item(world)["email"] == EMAIL and len(held_notices(world)) == 1

    assert confirm(caller, code) == (204, None)

    assert held_notices(world) == []
    assert profile_item(world, NEW_EMAIL)["email"] == NEW_EMAIL
    relayed_once(world, owed_notice(world, EMAIL, EMAIL_CHANGED))


def test_a_reset_killed_after_the_code_was_used_is_finished_by_its_retry_with_the_same_code(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    forgot(EMAIL)
    code = mailed_code()
    with after_the_hook(killed_after_the_code_is_used), pytest.raises(LambdaKilled):
        reset(code)
    assert owed_entries(world) == [] and len(held_notices(world)) == 1

    assert reset(code) == (204, None)
    assert log_in(EMAIL, NEW_PASSWORD)[0] == 200
    relayed_once(world, owed_notice(world, EMAIL, PASSWORD_CHANGED))


def test_a_held_code_is_tried_at_most_as_often_as_a_mailed_one(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    forgot(EMAIL)
    code = mailed_code()
    with after_the_call(_SET_PASSWORD, LambdaKilled()), pytest.raises(LambdaKilled):
        reset(code)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    assert [reset(wrong)[0] for _ in range(5)] == [422] * 5
    assert reset(code)[0] == 422  # its attempts are spent: the sweeper settles it
    assert sweep_later()["settled"] == 1
    relayed_once(world, owed_notice(world, EMAIL, UNSURE))


# ---------------------------------------------------------------- the sweeper


def _held(world: World, user_id: str, kind: HeldKind = HeldKind.PASSWORD) -> HeldNotice:
    notice = OutboxEntry.owing(mails=[NoticeJob(to=EMAIL, subject=PASSWORD_CHANGED, text="Изменён.")])
    unsure = OutboxEntry.owing(mails=[NoticeJob(to=EMAIL, subject=UNSURE, text="Не подтверждено.")])
    held = HeldNotice(
        kind=kind,
        user_id=user_id,
        login=EMAIL,
        new_login=NEW_EMAIL if kind is HeldKind.LOGIN else None,
        confirmed=notice,
        unsure=unsure if kind is HeldKind.PASSWORD else None,
        created_at=now() - HOLD_FOR - timedelta(seconds=1),
    )
    HeldNotices().hold(held)
    return held


def test_nothing_is_owed_to_an_erased_profile_and_its_held_notice_goes(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    _, caller = ivan
    ProfileStore().erase(caller["sub"], now().isoformat())
    _held(world, caller["sub"])
    _held(world, caller["sub"], HeldKind.LOGIN)

    assert sweep_later()["settled"] == 2
    assert held_notices(world) == [] and owed_entries(world) == []


def test_a_held_notice_is_one_item_per_consumer_and_kind_and_its_cancel_spares_a_newer_one(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    _, caller = ivan
    first = _held(world, caller["sub"])
    second = _held(world, caller["sub"])
    assert [held.id for held in held_notices(world)] == [second.id]

    HeldNotices().cancel(first)  # the first attempt's cancel: the second attempt's item stays
    assert [held.id for held in held_notices(world)] == [second.id]
    HeldNotices().cancel(second)
    assert held_notices(world) == []


def test_the_sweeper_finds_held_notices_by_the_index_and_only_when_their_time_is_up(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    _, caller = ivan
    _held(world, caller["sub"])
    calls: list[tuple[str, str]] = []
    with AwsCallRecorder().recording(calls):
        assert (
            sweeper.lambda_handler({}, LambdaContext("OutboxSweeperFunction", timeout_ms=60_000))["settled"]
            == 1
        )
    assert ("dynamodb", "Scan") not in calls
    assert calls[:2] == [("dynamodb", "Query"), ("dynamodb", "Query")]
    [entry] = owed_entries(world)
    assert [json.loads(mail.body)["subject"] for mail in entry.mails] == [UNSURE]
    assert mails_of(entry)[0]["to"] == EMAIL
