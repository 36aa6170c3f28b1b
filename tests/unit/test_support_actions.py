"""Support's actions on a consumer's account, on the consumer's request to the operator: the export of
everything the portal keeps (the consumer's own «Мои данные»), and the deletion of the account (the
consumer's own deletion: notice, event, no login, erasure) — each under its own scope, logged with the
integrator's name, the deletion idempotent and recorded as support's."""

import json
import uuid
from typing import Any

import pytest
from werkzeug.test import Client

from functions.auth import erasure
from functions.auth import handler as auth
from functions.common.integrators import Scope, parse_integrators
from functions.integration import handler as integration
from infra.lambda_runtime import LambdaContext
from infra.world import World
from tests.unit.conftest import api_event, call, mailed, relay_outbox
from tests.unit.test_account_deletion import EMAIL, delete, file_request
from tests.unit.test_accounts import IVAN, claims_of, log_in, mailed_password, register
from tests.unit.test_consumer_card import sub_of
from tests.unit.test_integrators import DEFAULT_INTEGRATORS, as_integrator, gateway, keys  # noqa: F401 (fixtures)

SUPPORT_DELETED = "службой поддержки сетевой компании по вашему обращению"


def support(
    method: str, user_id: str, action: str, *, key: str | None = None, integrator: str = "support"
) -> tuple[int, Any, dict[str, str]]:
    event = api_event(
        method,
        f"/api/integration/consumers/{user_id}/{action}",
        headers={"Idempotency-Key": key} if key else {},
        path_parameters={"user_id": user_id},
        integrator=integrator,
    )
    result = integration.lambda_handler(event, LambdaContext("test"))
    text = result.get("body")
    headers = {name: values[-1] for name, values in (result.get("multiValueHeaders") or {}).items()}
    return int(result["statusCode"]), json.loads(text) if text else None, headers


def consumer(world: World) -> tuple[str, str, dict[str, str]]:
    """Ivan, registered, with a request filed: his id, password and session claims."""
    register(IVAN)
    password = mailed_password(EMAIL)
    caller = claims_of(EMAIL, password)
    file_request(caller)
    return sub_of(world, EMAIL), password, caller


def changes() -> list[dict[str, Any]]:
    relay_outbox()
    _, page = call(integration, api_event("GET", "/api/integration/changes", integrator="crm"))
    return [c for c in page["items"] if c["type"] == "portal.account.deleted.v1"]


def test_the_template_grants_export_and_deletion_to_support_alone() -> None:
    integrators = parse_integrators(DEFAULT_INTEGRATORS)

    assert {Scope.ACCOUNTS_EXPORT, Scope.ACCOUNTS_DELETE} <= integrators["support"]
    assert not {Scope.ACCOUNTS_EXPORT, Scope.ACCOUNTS_DELETE} & (integrators["crm"] | integrators["billing"])


def test_support_s_export_is_the_consumer_s_own_and_is_logged_as_a_read_with_its_name(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    user_id, _, caller = consumer(world)
    own = call(auth, api_event("GET", "/api/profile/export", claims=caller))[1]

    status, exported, headers = support("GET", user_id, "export")

    assert status == 200, exported
    assert exported["profile"] == own["profile"]
    assert set(exported) == set(own)
    assert [r["id"] for r in exported["requests"]] == [r["id"] for r in own["requests"]]
    assert exported["requests"][0]["text"] == "Прошу снять показания."
    assert "attachment" in headers["Content-Disposition"]
    [line] = [r for r in caplog.records if r.getMessage() == "personal data read"]
    assert (line.integrator, line.user_ids) == ("integrator:support", [user_id])  # type: ignore[attr-defined]
    assert EMAIL not in str(line.__dict__)


def test_support_deletes_the_account_as_the_consumer_would_and_the_history_says_support(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    user_id, password, _ = consumer(world)

    status, started, _ = support("POST", user_id, "deletion")

    assert status == 202, started
    assert started["state"] == "deletion_requested"
    assert started["deleted_by"] == "integrator:support"
    assert started["erase_by"] > started["deleted_at"]
    assert log_in(EMAIL, password)[0] == 401
    notice = mailed()[-1]
    assert notice["to"] == EMAIL and notice["subject"] == "Учётная запись в личном кабинете удалена"
    assert SUPPORT_DELETED in notice["text"].replace("\n", " ")
    assert "Если вы не обращались" in notice["text"]
    [event] = changes()
    assert event["detail"]["user_id"] == user_id
    assert event["detail"]["deleted_by"] == "integrator:support"
    [line] = [r for r in caplog.records if r.getMessage() == "account action by an integrator"]
    assert (line.integrator, line.action, line.user_id) == ("integrator:support", "deletion", user_id)  # type: ignore[attr-defined]
    # The erasure does the rest as for the consumer's own deletion, and keeps who asked for it.
    assert erasure.lambda_handler({}, LambdaContext("ErasureFunction")) == {"erased": 1, "failed": 0}
    again = support("POST", user_id, "deletion")
    assert again[0] == 202 and again[1]["state"] == "erased"
    assert again[1]["deleted_by"] == "integrator:support" and again[1]["erased_at"]


def test_a_deletion_repeated_owes_nothing_again_and_its_key_replays_the_first_answer(world: World) -> None:
    user_id, _, _ = consumer(world)
    key = uuid.uuid4().hex

    first = support("POST", user_id, "deletion", key=key)
    mails = len(mailed())
    replay = support("POST", user_id, "deletion", key=key)
    without_key = support("POST", user_id, "deletion")

    assert first[0] == replay[0] == without_key[0] == 202
    assert replay[1] == first[1] and replay[2]["Idempotent-Replayed"] == "true"
    assert without_key[1]["deleted_at"] == first[1]["deleted_at"]
    assert "Idempotent-Replayed" not in without_key[2]
    assert len(mailed()) == mails
    assert len(changes()) == 1


def test_a_deletion_key_reused_for_another_consumer_is_refused(world: World) -> None:
    user_id, _, _ = consumer(world)
    key = uuid.uuid4().hex
    assert support("POST", user_id, "deletion", key=key)[0] == 202

    status, problem, _ = support("POST", "another-consumer", "deletion", key=key)

    assert status == 422, problem
    assert problem["code"] == "idempotency-key-reused"


def test_an_account_the_consumer_deleted_is_answered_as_theirs_with_no_second_notice(world: World) -> None:
    user_id, password, caller = consumer(world)
    assert delete(caller, password) == (204, None)
    mails = len(mailed())

    status, started, _ = support("POST", user_id, "deletion")

    assert status == 202, started
    assert started["deleted_by"] == "consumer"
    assert len(mailed()) == mails
    assert [e["detail"]["deleted_by"] for e in changes()] == ["consumer"]


def test_an_unknown_consumer_is_404_for_both(world: World) -> None:
    for method, action in (("GET", "export"), ("POST", "deletion")):
        status, problem, _ = support(method, "no-such-consumer", action)

        assert status == 404, problem
        assert problem["code"] == "not-found" and problem["type"] == "/api/problems/not-found"
        assert problem["detail"] == "Потребитель с таким id не найден."


def test_an_erased_account_has_no_export_but_a_410_saying_so(world: World) -> None:
    user_id, password, caller = consumer(world)
    assert delete(caller, password) == (204, None)
    exported_while_pending = support("GET", user_id, "export")
    assert erasure.lambda_handler({}, LambdaContext("ErasureFunction")) == {"erased": 1, "failed": 0}

    status, problem, _ = support("GET", user_id, "export")

    assert exported_while_pending[0] == 200  # deleted, not yet erased: the data are still there
    assert status == 410, problem
    assert problem["code"] == "account-erased" and problem["type"] == "/api/problems/account-erased"
    assert "стёрты" in problem["detail"]


@pytest.mark.parametrize(
    ("method", "action", "scope"),
    [("GET", "export", "accounts:export"), ("POST", "deletion", "accounts:delete")],
)
@pytest.mark.parametrize("integrator", ["crm", "billing"])
def test_an_integrator_without_the_scope_gets_a_russian_403_naming_it(
    world: World,
    gateway: Client,  # noqa: F811 (the fixture)
    keys: dict[str, str],  # noqa: F811 (the fixture)
    method: str,
    action: str,
    scope: str,
    integrator: str,
) -> None:
    user_id, password, _ = consumer(world)

    refused = as_integrator(
        gateway, keys[integrator], method, f"/api/integration/consumers/{user_id}/{action}"
    )
    allowed = as_integrator(
        gateway, keys["support"], method, f"/api/integration/consumers/{user_id}/{action}"
    )

    assert refused.status_code == 403
    problem = refused.get_json(force=True)
    assert f"«{scope}»" in problem["detail"] and f"«{integrator}»" in problem["detail"]
    assert problem["code"] == "forbidden"
    assert allowed.status_code in (200, 202), allowed.get_data(as_text=True)
    # Refused, nothing was done: only support's own call deleted the account.
    assert (log_in(EMAIL, password)[0] == 401) is (action == "deletion")
