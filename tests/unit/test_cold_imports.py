"""What a handler's import (every cold start) leaves for its routes to import when they run.

A route's rules and stores are imported by the route itself (functions with SnapStart load them
before the snapshot instead: tests/unit/test_snapstart.py), so a cold start builds only the models
of the routes' signatures (benchmarks/coldstart.py measures what that saves). Read from
`sys.modules` of a fresh interpreter: nothing here depends on timing.
"""

import json
import subprocess
import sys

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
    ],
    "functions.requests.handler": [
        "functions.requests.conversation",
        "functions.requests.filing",
        "functions.requests.presentation",
        "functions.requests.transitions",
        "functions.requests.uploads",
    ],
    "functions.readings.handler": [
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
    result = subprocess.run(
        [sys.executable, "-c", PROBE, module], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout))


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
        result = subprocess.run(
            [sys.executable, "-c", BUILT, module],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        names: list[str] = json.loads(result.stdout)
        return names

    assert built("functions.auth.handler") == []
    assert built("functions.auth.mail_worker") == []
