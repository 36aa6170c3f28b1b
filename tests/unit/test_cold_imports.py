"""What a handler's import (every cold start) leaves for its routes to import when they run.

A route's rules and stores are imported by the route itself (functions with SnapStart load them
before the snapshot instead: tests/unit/test_snapstart.py), so a cold start builds only the models
of the routes' signatures (benchmarks/coldstart.py measures what that saves). Read from
`sys.modules` of a fresh interpreter: nothing here depends on timing.
"""

import json
import re
import subprocess
import sys
from typing import Any

import pytest

from infra.template import ROOT, load_template, resources

PROBE = "import importlib, json, sys; importlib.import_module(sys.argv[1]); print(json.dumps([*sys.modules]))"

# Per handler, the modules its routes import when they run, never at import.
LEFT_TO_THE_ROUTES = {
    "functions.integration.handler": [
        "functions.integration.service",
        "functions.auth.jobs",
        "functions.objects.service",
        "functions.outages.service",
        "functions.readings.service",
        "functions.requests.conversation",
        "functions.requests.presentation",
        "functions.requests.stage_marks",
        "functions.requests.transitions",
        "functions.requests.uploads",
        # The consumer card's and support's stores and the feed's numbering (the relay's).
        "functions.auth.store",
        "functions.auth.deletion",
        "functions.common.outbox",
        # The routes' models, bound lazily: built when a route first needs them (or the OpenAPI
        # document is made), and the fields' labels at the first refusal (functions/integration/labels.py).
        "functions.requests.inputs",
        "functions.requests.registry",
        "functions.requests.connection_fields",
        "functions.requests.stage_mark_input",
        "functions.requests.connection_procedure",
        "functions.requests.records",
        "functions.requests.outputs",
        "functions.requests.integration_views",
        "functions.auth.models",
        "functions.outages.models",
        "functions.common.addresses",
        "functions.common.events",
        "functions.objects.models",
        "functions.integration.models",
        "functions.integration.feed",
        "functions.integration.readings",
        "functions.integration.consumers",
        "functions.integration.accounts",
    ],
    "functions.requests.handler": [
        # Its routes' models, bound lazily (functions/common/lazy.py); SnapStart primes them.
        "functions.requests.inputs",
        "functions.requests.kinds",
        "functions.requests.outputs",
        "functions.requests.registry",
        "functions.requests.type_fields",
        "functions.requests.connection_fields",
        "functions.requests.conversation",
        "functions.requests.filing",
        "functions.requests.presentation",
        "functions.requests.transitions",
        "functions.requests.uploads",
    ],
    "functions.readings.handler": [
        # Its routes' models, bound lazily (functions/common/lazy.py); SnapStart primes them.
        "functions.readings.models",
        "functions.readings.store",
        "functions.objects.models",
        "functions.outages.models",
        "functions.readings.service",
        "functions.objects.service",
        "functions.outages.service",
        "functions.common.outbox",
    ],
    "functions.askue.handler": ["functions.askue.service"],
    # The rules of a kind of mail job are imported by its first job (a batch of notices needs none).
    "functions.auth.mail_worker": [
        "functions.auth.account_jobs",
        "functions.auth.store",
        "functions.common.identity",
        "functions.outages.fanout",
        "functions.outages.store",
        "functions.objects.store",
    ],
    # Its daily run reads and counts; only a lapsed request's annulment needs the moves' rules.
    "functions.requests.connection_deadlines": [
        # Stored requests are read with vocabulary.py's words: the API's models of the types stay out.
        "functions.requests.registry",
        "functions.requests.inputs",
        "functions.requests.type_fields",
        "functions.requests.connection_fields",
        "functions.requests.transitions",
        "functions.requests.mails",
        "functions.requests.presentation",
        "functions.objects.service",
        "functions.outages.service",
    ],
    # The TTL cascade deletes what an expired request leaves: it reads the stored record only.
    "functions.requests.expiry": [
        "functions.requests.registry",
        "functions.requests.inputs",
        "functions.requests.outputs",
        "functions.requests.type_fields",
        "functions.requests.connection_fields",
    ],
    "functions.auth.handler": [
        "functions.auth.export",
        "functions.auth.service",
        "functions.auth.store",
        "functions.auth.mails",
        "functions.auth.reset_codes",
        "functions.common.events",
        "functions.common.identity",
        "functions.common.mail",
        "functions.common.outbox",
    ],
}


def imported_by(module: str) -> set[str]:
    # LAMBDA_TASK_ROOT: in Lambda, where Powertools' Tracer would trace.
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "AWS_DEFAULT_REGION": "eu-central-1",
        "LAMBDA_TASK_ROOT": str(ROOT),
    }
    return set(fresh_interpreter(PROBE, env, module))


def fresh_interpreter(code: str, env: dict[str, str], *args: str, given: str | None = None) -> Any:
    """What `code`, run by a fresh interpreter of the repository with `args` (and `given` on its
    standard input), printed as JSON."""
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        input=given,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("handler", sorted(LEFT_TO_THE_ROUTES))
def test_a_handler_s_import_leaves_the_routes_rules_and_stores_to_the_routes(handler: str) -> None:
    loaded = imported_by(handler)

    assert handler in loaded
    assert sorted(set(LEFT_TO_THE_ROUTES[handler]) & loaded) == []


def template_handlers() -> list[str]:
    functions = resources(load_template(), "AWS::Serverless::Function")
    return sorted({spec["Properties"]["Handler"].rpartition(".")[0] for spec in functions.values()})


@pytest.mark.parametrize("handler", template_handlers())
def test_no_handler_s_import_loads_the_xray_sdk(handler: str) -> None:
    """The first sampled invocation loads it, or the snapshot's priming (functions/common/tracing.py)."""
    loaded = imported_by(handler)

    assert handler in loaded
    assert sorted(m for m in loaded if m.split(".")[0] in ("aws_xray_sdk", "wrapt")) == []


BUILT = (
    "import importlib, json, sys, pydantic; importlib.import_module(sys.argv[1]);"
    " models = vars(importlib.import_module('functions.auth.models')).items();"
    " print(json.dumps(sorted(name for name, m in models if isinstance(m, type)"
    " and issubclass(m, pydantic.BaseModel) and m.__pydantic_complete__)))"
)


def test_auth_s_api_models_are_built_when_first_used_not_by_an_import() -> None:
    """pydantic's `defer_build` (functions/auth/models.py): the handler's routes build theirs when they
    first run (or before the snapshot); the mail worker's job union builds the registration inline."""

    def built(module: str) -> list[str]:
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "AWS_DEFAULT_REGION": "eu-central-1"}
        names: list[str] = fresh_interpreter(BUILT, env, module)
        return names

    assert built("functions.auth.handler") == []
    assert built("functions.auth.mail_worker") == []


# Each integration route refused for one input of each kind (body, query, path): in a fresh interpreter,
# the route's lazily bound models are built at its first request and the fields' labels at the first
# refusal (functions/integration/labels.py), and every refusal still names the field in Russian.
_LONG = "x" * 65
INTEGRATION_REFUSALS: list[tuple[str, str, dict[str, object]]] = [
    ("POST", "/api/integration/users/reset-password", {"body": {}}),
    ("GET", "/api/integration/requests", {"query": {"limit": "0"}}),
    ("GET", "/api/integration/changes", {"query": {"after": "-1"}}),
    ("GET", f"/api/integration/consumers/{_LONG}", {}),
    ("GET", "/api/integration/readings", {"query": {"after": "-1"}}),
    ("GET", f"/api/integration/requests/{_LONG}", {}),
    ("POST", "/api/integration/uploads", {"body": {}}),
    ("POST", "/api/integration/requests/r1/messages", {"body": {"text": "Ответ", "kind": "nonsense"}}),
    ("PATCH", "/api/integration/requests/r1", {"body": {"status": "nonsense"}}),
    ("POST", "/api/integration/requests/r1/stages", {"body": {}}),
    ("GET", "/api/integration/objects", {"query": {"limit": "0"}}),
    ("PATCH", "/api/integration/objects/o1", {"body": {"confirmed": "maybe"}}),
    ("GET", f"/api/integration/consumers/{_LONG}/export", {}),
    ("POST", f"/api/integration/consumers/{_LONG}/deletion", {}),
    ("POST", "/api/integration/outages", {"body": {"kind": "nonsense"}}),
    ("PATCH", "/api/integration/outages/u1", {"body": {"ends_at": "soon"}}),
    ("DELETE", f"/api/integration/outages/{_LONG}", {}),
]
ANSWER_EACH = (
    "import json, sys; from functions.integration import handler;"
    " from infra.lambda_runtime import LambdaContext;"
    " print(json.dumps([handler.lambda_handler(e, LambdaContext('IntegrationFunction'))"
    " for e in json.load(sys.stdin)]))"
)


def test_every_integration_route_refuses_with_russian_field_names_in_a_fresh_interpreter() -> None:
    from tests.unit.conftest import api_event

    events = [
        api_event(method, path, integrator="crm", **parts) for method, path, parts in INTEGRATION_REFUSALS
    ]
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "AWS_DEFAULT_REGION": "eu-central-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    }
    answers = fresh_interpreter(ANSWER_EACH, env, given=json.dumps(events))

    routes = [f"{method} {path}" for method, path, _ in INTEGRATION_REFUSALS]
    assert [answer["statusCode"] for answer in answers] == [422] * len(routes), routes
    messages = {
        route: [error["message"] for error in json.loads(answer["body"])["errors"]]
        for route, answer in zip(routes, answers, strict=True)
    }
    unnamed = {
        route: found
        for route, found in messages.items()
        if not found or any(not re.search("«[А-ЯЁ]", message) for message in found)
    }
    assert unnamed == {}
    # Labels of their own under the outages' path (labels_under): one field, two names.
    assert any("«Вид отключения»" in m for m in messages["POST /api/integration/outages"])
    assert any("«Вид документа»" in m for m in messages["POST /api/integration/requests/r1/messages"])
