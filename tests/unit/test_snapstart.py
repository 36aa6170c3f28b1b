"""SnapStart priming (functions/common/snapstart.py): what the functions with SnapStart load before
the snapshot, and what they renew after a restore.

Each test runs a fresh interpreter, as Lambda initialises a version: a stand-in for the runtime's
`snapshot_restore_py` keeps the hooks the code registers; the handler is imported, the
before-snapshot hooks run (or not, to show what the test would catch), then a first request is
answered (one that reaches no AWS service) and the after-restore hooks run. The world's
environment is given, but AWS's address is one nothing answers on, and every call is recorded.
"""

import json
import subprocess
import sys
from typing import Any

import pytest

from infra.template import ROOT, load_template, resources
from infra.world import World
from tests.unit.conftest import api_event

LAZY_LIBRARIES = ("aws_xray_sdk", "email_validator", "phonenumbers", "holidays", "stdnum")

PROBE = r"""
import importlib, json, random, sys, types

hooks = {"before": [], "after": []}
runtime = types.ModuleType("snapshot_restore_py")
runtime.register_before_snapshot = lambda function, *a, **k: hooks["before"].append((function, a, k))
runtime.register_after_restore = lambda function, *a, **k: hooks["after"].append((function, a, k))
sys.modules["snapshot_restore_py"] = runtime

import boto3
boto3.setup_default_session()
calls = []
boto3.DEFAULT_SESSION.events.register("before-call", lambda model, **_: calls.append(model.name))

ask = json.loads(sys.stdin.read())
handler = importlib.import_module(ask["module"])
lazy = ask["lazy"]
report = {"at_import": [name for name in lazy if name in sys.modules]}
if ask["prime"]:
    for function, args, kwargs in hooks["before"]:
        function(*args, **kwargs)
from functions.common import aws
from functions.common.settings import load_settings

routes = handler.app._static_routes + handler.app._dynamic_routes
report |= {
    "before_snapshot": [name for name in lazy if name in sys.modules],
    "clients": aws._client.cache_info().currsize,
    "settings": load_settings.cache_info().currsize,
    "routes_unbuilt": sum(route._dependant is None for route in routes),
    "calls_before_snapshot": list(calls),
}

random.seed(0)
drawn_in_snapshot = random.random()
random.seed(0)
for function, args, kwargs in hooks["after"]:
    function(*args, **kwargs)
report["reseeded"] = random.random() != drawn_in_snapshot

from infra.lambda_runtime import LambdaContext
context = LambdaContext("probe")
loaded = set(sys.modules)
answer = handler.lambda_handler(ask["event"], context)
report |= {
    "status": answer["statusCode"],
    "loaded_by_first_answer": sorted({m.split(".")[0] for m in set(sys.modules) - loaded}),
    "calls": list(calls),
}
print(json.dumps(report))
"""


def snapstart_handlers() -> dict[str, str]:
    functions = resources(load_template(), "AWS::Serverless::Function")
    return {
        name: spec["Properties"]["Handler"].rpartition(".")[0]
        for name, spec in functions.items()
        if spec["Properties"].get("SnapStart") == {"ApplyOn": "PublishedVersions"}
    }


CONSUMER = {"sub": "user-1", "email": "user@example.ru", "cognito:username": "user-1"}
# A first request per function that reaches no AWS service (refused by validation, or answered
# from the code alone): what it loads is what the snapshot lacked.
FIRST_REQUESTS: dict[str, dict[str, Any]] = {
    "AuthFunction": api_event(
        "POST",
        "/api/auth/register",
        {"category": "individual", "full_name": "Иванов Иван", "email": "нет", "phone": "1", "consent": True},
    ),
    "RequestsFunction": api_event("GET", "/api/requests/types", claims=CONSUMER),
    "ReadingsFunction": api_event("POST", "/api/readings", {"meter_type": "нет"}, claims=CONSUMER),
    "AskueFunction": api_event("POST", "/api/askue/fetch", {"login": ""}, claims=CONSUMER),
}
EXPECTED_STATUS = {"RequestsFunction": 200}  # the others: 422
# The clients each function's requests make (its IAM policy's services): built before the snapshot.
# The libraries their requests import lazily (a cold start without SnapStart does not pay for them).
# The X-Ray SDK: every one of them (functions/common/tracing.py).
LIBRARIES = {
    "AuthFunction": ["aws_xray_sdk", "email_validator", "phonenumbers"],
    "RequestsFunction": ["aws_xray_sdk", "holidays", "stdnum"],
}
CLIENTS = {"AuthFunction": 3, "RequestsFunction": 3, "ReadingsFunction": 1, "AskueFunction": 2}


def probe(function: str, world: World, *, prime: bool) -> dict[str, Any]:
    env = {
        "PATH": "/usr/bin:/bin",
        **world.environment,
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # the discard port: a call would fail, and is recorded
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": world.region,
        "AWS_REGION": world.region,
        "POWERTOOLS_LOG_LEVEL": "ERROR",
    }
    ask = {
        "module": snapstart_handlers()[function],
        "event": FIRST_REQUESTS[function],
        "prime": prime,
        "lazy": LAZY_LIBRARIES,
    }
    command = [sys.executable, "-c", PROBE]
    result = subprocess.run(command, cwd=ROOT, env=env, input=json.dumps(ask), text=True, capture_output=True)
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return report


def test_the_functions_a_consumer_waits_on_have_snapstart() -> None:
    # The session authorizer has no event handler to probe here: tests/unit/test_authorizer_cold_start.py.
    assert set(snapstart_handlers()) == {*FIRST_REQUESTS, "SessionAuthorizerFunction"}


@pytest.mark.parametrize("function", sorted(FIRST_REQUESTS))
def test_the_snapshot_holds_what_the_first_request_needs_and_each_restore_reseeds(
    function: str, world: World
) -> None:
    report = probe(function, world, prime=True)

    assert report["at_import"] == [], "a cold start without SnapStart must not load them at import"
    assert report["routes_unbuilt"] == 0
    assert report["clients"] == CLIENTS[function]
    assert report["settings"] >= 1
    assert report["calls_before_snapshot"] == [], "no connection may be opened before the snapshot"
    assert report["status"] == EXPECTED_STATUS.get(function, 422)
    assert report["loaded_by_first_answer"] == []
    assert report["calls"] == []
    assert report["before_snapshot"] == LIBRARIES.get(function, ["aws_xray_sdk"])
    assert report["reseeded"], "every restored copy must draw its own random numbers"


def test_without_priming_the_first_request_loads_what_the_snapshot_lacked(world: World) -> None:
    report = probe("AuthFunction", world, prime=False)

    assert report["status"] == 422
    assert {"email_validator", "phonenumbers"} <= set(report["loaded_by_first_answer"])
    assert report["clients"] == 0
