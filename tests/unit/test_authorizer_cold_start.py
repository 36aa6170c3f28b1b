"""The session authorizer's cold start: what it imports, and what its SnapStart snapshot holds.

It stands in front of every consumer route, so its cold start is paid before theirs. It verifies
a token and reads one item, and imports only that (benchmarks/coldstart.py measures it against
the floor); with SnapStart (template.yaml) its snapshot holds its clients and the user pool's
signing keys, so a restored copy checks a token without reading the keys again.

Each test runs a fresh interpreter, as Lambda initialises one; what it loads is read from
`sys.modules` (no timing: nothing here depends on the machine's load). The pool's keys are served
by a small HTTP server of the test at AWS's address, counting each read.
"""

import gzip
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import moto
import pytest

from infra.template import ROOT, load_template, resources, token_authorizer

POOL, CLIENT, REGION = "eu-central-1_probe", "probe-client", "eu-central-1"
MOTO_KEYS = Path(moto.__file__).parent / "cognitoidp" / "resources"
# What verifying a token and reading one item needs, and nothing of the API's functions.
OWN_MODULES = {
    "functions",
    "functions.authorizer",
    "functions.authorizer.handler",
    "functions.authorizer.tokens",
    "functions.common",
    "functions.common.aws",
    "functions.common.backoff",
    "functions.common.dynamo",
    "functions.common.sessions",
    "functions.common.snapstart",
    "functions.common.tracing",
}

PROBE = r"""
import json, sys, types

ask = json.loads(sys.stdin.read())
hooks = {"before": [], "after": []}
if ask["snapstart"]:
    runtime = types.ModuleType("snapshot_restore_py")
    runtime.register_before_snapshot = lambda function, *a, **k: hooks["before"].append((function, a, k))
    runtime.register_after_restore = lambda function, *a, **k: hooks["after"].append((function, a, k))
    sys.modules["snapshot_restore_py"] = runtime

import boto3
boto3.setup_default_session()
calls = []
boto3.DEFAULT_SESSION.events.register("before-call", lambda model, **_: calls.append(model.name))

import functions.authorizer.handler
report = {"modules": sorted(sys.modules)}

import jwt
reads = []
fetch = jwt.PyJWKClient.fetch_data
def counted(client):
    reads.append(client.uri)
    return fetch(client)
jwt.PyJWKClient.fetch_data = counted
for function, args, kwargs in hooks["before"]:
    function(*args, **kwargs)
for function, args, kwargs in hooks["after"]:
    function(*args, **kwargs)

from functions.authorizer import tokens
from functions.common import aws
report |= {
    "hooks": [len(hooks["before"]), len(hooks["after"])],
    "clients": aws._client.cache_info().currsize,
    "aws_calls": list(calls),
    "keys_read": len(reads),
}
read = tokens.read_id_token("Bearer " + ask["token"])
report |= {"user_id": read.user_id, "keys_read_by_first_token": len(reads) - report["keys_read"]}
print(json.dumps(report))
"""


class KeysServed:
    """The pool's JWKS at `/<pool>/.well-known/jwks.json`, as Cognito serves it; counts each read."""

    def __init__(self) -> None:
        self.reads = 0
        keys = gzip.decompress((MOTO_KEYS / "jwks-public.json.gz").read_bytes())
        served = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                found = self.path == f"/{POOL}/.well-known/jwks.json"
                served.reads += found
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(keys if found else b"{}")

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def keys_served() -> Iterator[KeysServed]:
    served = KeysServed()
    yield served
    served.server.shutdown()
    served.server.server_close()


def id_token() -> str:
    """An ID token of the pool, signed with the key moto's Cognito signs with (key id `dummy`)."""
    private = json.loads(gzip.decompress((MOTO_KEYS / "jwks-private.json.gz").read_bytes()))
    key = jwt.PyJWK(private).key
    now = int(time.time())
    claims = {
        "sub": "user-1",
        "iss": f"https://cognito-idp.{REGION}.amazonaws.com/{POOL}",
        "aud": CLIENT,
        "token_use": "id",
        "iat": now,
        "exp": now + 3600,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": private["kid"]})


def probe(keys: KeysServed, *, snapstart: bool) -> dict[str, Any]:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "USER_POOL_ID": POOL,
        "USER_POOL_CLIENT_ID": CLIENT,
        "PROFILES_TABLE": "profiles",
        "AWS_ENDPOINT_URL": keys.endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "POWERTOOLS_LOG_LEVEL": "ERROR",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        input=json.dumps({"snapstart": snapstart, "token": id_token()}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return report


def test_the_authorizer_imports_no_pydantic_no_event_handler_and_no_other_function(
    keys_served: KeysServed,
) -> None:
    modules = set(probe(keys_served, snapstart=False)["modules"])

    assert not {m for m in modules if m.split(".")[0] == "pydantic"}
    assert not {m for m in modules if m.startswith("aws_lambda_powertools.event_handler")}
    assert {m for m in modules if m.split(".")[0] == "functions"} == OWN_MODULES


def test_without_snapstart_nothing_is_read_before_the_first_token(keys_served: KeysServed) -> None:
    report = probe(keys_served, snapstart=False)

    assert report["hooks"] == [0, 0]
    assert report["clients"] == 0
    assert report["keys_read"] == 0
    assert report["user_id"] == "user-1"
    assert report["keys_read_by_first_token"] == 1


def test_the_snapshot_holds_the_clients_and_the_keys_so_a_restored_copy_reads_none(
    keys_served: KeysServed,
) -> None:
    report = probe(keys_served, snapstart=True)

    assert report["hooks"] == [1, 1]  # priming; `random` reseeded after each restore
    assert report["clients"] == 2  # cognito (the keys' address), dynamodb (the profile)
    assert report["aws_calls"] == [], "no AWS connection may be opened before the snapshot"
    assert report["keys_read"] == 1 == keys_served.reads
    assert report["user_id"] == "user-1"
    assert report["keys_read_by_first_token"] == 0


def test_api_gateway_calls_the_authorizer_s_published_alias() -> None:
    template = load_template()
    authorizer = token_authorizer(template)
    spec = resources(template, "AWS::Serverless::Function")[authorizer.function]["Properties"]
    [api] = resources(template, "AWS::Serverless::Api").values()
    auth = api["Properties"]["Auth"]
    arn = auth["Authorizers"][auth["DefaultAuthorizer"]]["FunctionArn"]

    assert spec["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert arn == {"Ref": f"{authorizer.function}.Alias"}
    assert authorizer.handler == "functions.authorizer.handler.lambda_handler"
