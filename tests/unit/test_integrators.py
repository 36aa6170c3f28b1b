"""Integrators as named clients with scopes: each company system (crm, billing, support) has a key of
its own, resolved by the integrator authorizer to its name and scopes; a route outside its scopes is
a 403 naming the scope; the history says which integrator acted; a rotation keeps the old and the new
key valid together for the overlap window, and Idempotency-Key claims survive it.

Driven through the local gateway (werkzeug's test client) on the unit tests' moto world: the gateway
asks the template's IntegratorAuthorizer on every request, as API Gateway does once a minute."""

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

import functions.authorizer.integrator_keys as integrator_keys
import functions.authorizer.integrators as integrator_authorizer
from functions.authorizer.integrator_keys import IntegratorKeyStore
from functions.common.integrators import ROUTE_SCOPES, Scope, parse_integrators
from functions.common.settings import load_settings
from infra.gateway import LocalGateway
from infra.integrators import issue_local_keys, local_key
from infra.lambda_runtime import load_handler
from infra.template import INTEGRATOR_AUTHORIZER, load_template, resources, routes, token_authorizer
from infra.world import World
from tests.unit.test_requests import body_of, file

TEMPLATE = load_template()
DEFAULT_INTEGRATORS = str(TEMPLATE["Parameters"]["Integrators"]["Default"])


@pytest.fixture
def gateway(world: World, tmp_path: Path) -> Iterator[Client]:
    load_handler.cache_clear()
    yield Client(LocalGateway(web_dir=tmp_path, outbox=list))
    load_handler.cache_clear()


@pytest.fixture
def keys(world: World) -> dict[str, str]:
    return issue_local_keys({"Integrators": DEFAULT_INTEGRATORS}, "unit")


@pytest.fixture
def key_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """The integrators' clock (issue, rotation, the authorizer's check of a window)."""

    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(integrator_keys, "now", lambda: moment)
        monkeypatch.setattr(integrator_authorizer, "now", lambda: moment)

    return set_to


def as_integrator(
    gateway: Client, key: str | None, method: str, path: str, body: Any = None, **headers: str
) -> Any:
    sent = {"Content-Type": "application/json", **headers, **({"x-api-key": key} if key is not None else {})}
    return gateway.open(path, method=method, json=body, headers=sent)


def filed_request() -> str:
    status, created = file(body_of("connection"))
    assert status == 201, created
    return str(created["id"])


def test_the_template_names_each_integrator_with_scopes_it_knows() -> None:
    integrators = parse_integrators(DEFAULT_INTEGRATORS)

    assert set(integrators) == {"crm", "billing", "support"}
    assert Scope.ACCOUNTS_RESET in integrators["support"]
    assert Scope.ACCOUNTS_RESET not in integrators["billing"] | integrators["crm"]
    with pytest.raises(ValueError, match="requests:raed"):
        parse_integrators("crm=requests:raed")


def test_every_integration_route_is_guarded_by_the_integrator_authorizer_and_has_its_one_scope() -> None:
    guarded = {(r.method, r.path) for r in routes(TEMPLATE) if r.path.startswith("/api/integration/")}

    assert guarded == set(ROUTE_SCOPES), "each integration route needs one line in ROUTE_SCOPES"
    for function in resources(TEMPLATE, "AWS::Serverless::Function").values():
        for event in function["Properties"].get("Events", {}).values():
            spec = event.get("Properties", {})
            # ANY: the 405 of a method the path does not declare, answered without a key.
            if str(spec.get("Path", "")).startswith("/api/integration/") and spec.get("Method") != "ANY":
                assert spec["Auth"] == {"Authorizer": INTEGRATOR_AUTHORIZER}, spec
    # A key ended by a rotation's window or a revocation opens nothing a minute later on AWS.
    assert token_authorizer(TEMPLATE, INTEGRATOR_AUTHORIZER).cache_seconds <= 60


def test_an_integrator_without_accounts_reset_gets_a_403_naming_the_scope(
    gateway: Client, keys: dict[str, str]
) -> None:
    reset = {"email": "ivan@example.ru"}

    refused = as_integrator(gateway, keys["billing"], "POST", "/api/integration/users/reset-password", reset)

    assert refused.status_code == 403
    problem = refused.get_json(force=True)
    assert "«accounts:reset»" in problem["detail"]
    assert "«billing»" in problem["detail"]
    # The one with the scope is let through to the route's own rules (no such account: 404).
    allowed = as_integrator(gateway, keys["support"], "POST", "/api/integration/users/reset-password", reset)
    assert allowed.status_code == 404, allowed.get_data(as_text=True)


def test_a_call_outside_the_scope_is_refused_before_its_body_is_read(
    gateway: Client, keys: dict[str, str]
) -> None:
    refused = as_integrator(gateway, keys["billing"], "POST", "/api/integration/outages", {"nonsense": True})

    assert refused.status_code == 403
    assert "«outages:write»" in refused.get_json(force=True)["detail"]


def test_two_integrators_changes_are_told_apart_in_the_history(gateway: Client, keys: dict[str, str]) -> None:
    request_id = filed_request()
    path = f"/api/integration/requests/{request_id}"

    assert as_integrator(gateway, keys["crm"], "PATCH", path, {"status": "in_review"}).status_code == 200
    moved = as_integrator(gateway, keys["support"], "PATCH", path, {"status": "in_progress"})

    assert moved.status_code == 200, moved.get_data(as_text=True)
    history = [entry["changed_by"] for entry in moved.get_json()["history"]]
    assert history == ["consumer", "integrator:crm", "integrator:support"]


def test_a_key_that_is_no_integrator_s_is_denied_and_a_missing_one_is_unauthorized(
    gateway: Client, keys: dict[str, str]
) -> None:
    wrong = as_integrator(
        gateway, "local-integration-key", "GET", "/api/integration/requests?status=registered"
    )
    missing = as_integrator(gateway, None, "GET", "/api/integration/requests?status=registered")

    assert wrong.status_code == 403
    assert "x-api-key" in wrong.get_json(force=True)["detail"]
    assert missing.status_code == 401


def test_an_integrator_taken_out_of_the_template_is_refused_at_once(
    gateway: Client, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTEGRATORS", "crm=requests:read;support=accounts:reset")
    load_settings.cache_clear()

    listed = "/api/integration/requests?status=registered"
    assert as_integrator(gateway, keys["billing"], "GET", listed).status_code == 403
    assert as_integrator(gateway, keys["crm"], "GET", listed).status_code == 200


def test_a_rotation_keeps_both_keys_valid_for_the_window_and_the_old_one_ends_after_it(
    gateway: Client, keys: dict[str, str], key_clock: Callable[[datetime], None]
) -> None:
    start = datetime.fromisoformat("2026-12-04T10:00:00+00:00")
    key_clock(start)
    old = keys["crm"]
    new = IntegratorKeyStore().rotate("crm", overlap_seconds=24 * 3600)
    listed = "/api/integration/requests?status=registered"

    key_clock(start + timedelta(hours=23, minutes=59))
    assert as_integrator(gateway, old, "GET", listed).status_code == 200
    assert as_integrator(gateway, new, "GET", listed).status_code == 200

    key_clock(start + timedelta(hours=24))
    assert as_integrator(gateway, old, "GET", listed).status_code == 403
    assert as_integrator(gateway, new, "GET", listed).status_code == 200
    # A second rotation ends the first key at once when asked to (a key that leaked): overlap 0.
    IntegratorKeyStore().rotate("crm", overlap_seconds=0)
    assert as_integrator(gateway, new, "GET", listed).status_code == 403


def test_an_idempotency_key_s_claim_survives_the_rotation(
    gateway: Client, keys: dict[str, str], key_clock: Callable[[datetime], None]
) -> None:
    key_clock(datetime.fromisoformat("2026-12-04T10:00:00+00:00"))
    request_id = filed_request()
    path = f"/api/integration/requests/{request_id}/messages"
    message = {"text": "Технические условия будут готовы в понедельник."}
    idempotency_key = uuid.uuid4().hex

    first = as_integrator(gateway, keys["crm"], "POST", path, message, **{"Idempotency-Key": idempotency_key})
    new = IntegratorKeyStore().rotate("crm", overlap_seconds=3600)
    again = as_integrator(gateway, new, "POST", path, message, **{"Idempotency-Key": idempotency_key})

    assert first.status_code == 201, first.get_data(as_text=True)
    assert again.status_code in (200, 201), again.get_data(as_text=True)
    assert again.get_json()["id"] == first.get_json()["id"]  # the same message, not a second one
    assert again.get_json()["changed_by"] == "integrator:crm"


def test_the_local_keys_are_the_ones_make_run_prints(world: World) -> None:
    keys = issue_local_keys({"Integrators": DEFAULT_INTEGRATORS}, "local")

    assert keys == {name: local_key(name, "local") for name in ("crm", "billing", "support")}
    assert IntegratorKeyStore().find(keys["support"]) is not None
    assert IntegratorKeyStore().find("local-support-key-but-not-quite") is None


def test_an_integration_read_of_personal_data_logs_which_requests_and_who_not_the_data(
    gateway: Client, keys: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    request_id = filed_request()

    listed = as_integrator(gateway, keys["crm"], "GET", "/api/integration/requests?status=registered")
    read = as_integrator(gateway, keys["support"], "GET", f"/api/integration/requests/{request_id}")

    assert listed.status_code == read.status_code == 200
    lines = [r for r in caplog.records if r.getMessage() == "personal data read"]
    assert [(r.integrator, r.request_ids) for r in lines] == [  # type: ignore[attr-defined]
        ("integrator:crm", [request_id]),
        ("integrator:support", [request_id]),
    ]
    email = read.get_json()["email"]
    assert all(email not in str(r.__dict__) for r in lines)


def test_a_failing_integrator_authorizer_is_the_templates_503_with_retry_after(
    gateway: Client, keys: dict[str, str]
) -> None:
    from tests.faults import failing_where

    with failing_where("dynamodb", "GetItem", "key#"):
        answer = as_integrator(gateway, keys["crm"], "GET", "/api/integration/requests?status=registered")

    # The authorizer raised: AUTHORIZER_CONFIGURATION_ERROR, which the template answers 503.
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "60"
