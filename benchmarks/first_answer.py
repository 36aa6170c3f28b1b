"""The first answer of every API route, cold and after a SnapStart restore, against the floor.

What a consumer waits for when their request lands on a new environment: the handler imported and
the route's first real event answered, every client, validator and lazily imported library paid on
the way. AWS is moto's server in a process of its own (benchmarks/moto_server.py), as AWS is to a
Lambda function. Every route of template.yaml is taken once per tour, in the order and on the data of
tests/aws_calls.py (register, mail, login, …, logout); each route's event is answered by a fresh
interpreter, and the tour's other steps (the mail worker, the authorizer, the ASKUE schedule) run
in this process.

  cold       a fresh interpreter: `import <handler module>`, then the route's event — Lambda's init
             and first invoke when no snapshot is used.
  floor      a fresh interpreter: `import boto3`, an empty Powertools REST resolver with validation,
             then the same AWS calls as the route (recorded in a first, untimed tour, made again
             with plain boto3 clients; a call moto refuses, e.g. for an id of an earlier tour's
             world, still costs its round trip and counts) — the least any function doing this
             route's work can cost.
  snapstart  the handler is imported, then Lambda's before-snapshot hooks run (`primed`) or not
             (`unprimed`: what is loaded on the first request instead), untimed: that is the
             snapshot. Timed: the after-restore hooks and the first answer — what a restored
             environment adds to AWS's own restore. A fake `snapshot_restore_py` stands in for the
             runtime's module and keeps the hooks the code registers.

Each round builds a fresh world (the tour changes it: passwords, idempotency keys) and takes one
tour per kind — cold with its floor right after each route, then unprimed, then primed — in an
order that rotates round by round; the medians are compared. Goal: every route's cold first answer
≤ 1.25× its floor. Bytecode is warm (compiled by the first tour, as a package that ships `.pyc`);
`--no-bytecode` compiles every module on import.

    .venv/bin/python benchmarks/first_answer.py [--runs 5] [--no-bytecode] [--kinds cold,unprimed,primed]
"""

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.lambda_env import described, lambda_environment, lambda_python, task_root  # noqa: E402
from infra.template import Route as TemplateRoute  # noqa: E402

GOAL = 1.25
MARK = "@@"
AUTHORIZER = "AUTHORIZER"  # the session authorizer's row, as a route of its own
KINDS = ("cold", "unprimed", "primed")

FUNCTION_CHILD = r"""
import json, sys, time, types
request = json.loads(sys.stdin.read())

class Context:
    memory_limit_in_mb = 512
    function_version = "$LATEST"
    log_stream_name = "bench"
    aws_request_id = "bench-request"

    def __init__(self, name):
        self.function_name = name
        self.invoked_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:" + name
        self.log_group_name = "/aws/lambda/" + name
        self._deadline = time.monotonic() + 15

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))

kind = request["kind"]
hooks = {"before": [], "after": []}
if kind != "cold":  # Lambda's runtime module, keeping the hooks the code registers
    runtime = types.ModuleType("snapshot_restore_py")
    def keep(which):
        def register(function, *args, **kwargs):
            hooks[which].append((function, args, kwargs))
            return function
        return register
    runtime.register_before_snapshot = keep("before")
    runtime.register_after_restore = keep("after")
    sys.modules["snapshot_restore_py"] = runtime
calls = []
if request["record"]:
    import boto3, copy
    boto3.setup_default_session()
    boto3.DEFAULT_SESSION.events.register(
        "before-parameter-build",
        lambda params, model, **_: calls.append(
            (model.service_model.service_name, model.name, copy.deepcopy(params))
        ),
    )

began = time.perf_counter()
import importlib
module, _, name = request["handler"].rpartition(".")
handler = getattr(importlib.import_module(module), name)
imported = time.perf_counter()
if kind == "primed":
    for function, args, kwargs in hooks["before"]:
        function(*args, **kwargs)
restored = time.perf_counter()
for function, args, kwargs in hooks["after"]:
    function(*args, **kwargs)
loaded = set(sys.modules)
result = handler(request["event"], Context(request["function"]))
answered = time.perf_counter()
lazy = sorted({m.split(".")[0] for m in set(sys.modules) - loaded})
print(MARK + json.dumps({
    "cold": answered - began,
    "import": imported - began,
    "restored": answered - restored,
    "result": result,
    "lazy": lazy,
    "hooks": [len(hooks["before"]), len(hooks["after"])],
    "calls": base64.b64encode(pickle.dumps(calls)).decode() if request["record"] else None,
}), flush=True)
""".replace("MARK", repr(MARK)).replace("import json, sys", "import base64, json, pickle, sys")

FLOOR_CHILD = r"""
import json, pickle, sys, time
calls = pickle.loads(sys.stdin.buffer.read())

began = time.perf_counter()
import boto3
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from botocore import xform_name
APIGatewayRestResolver(enable_validation=True)
clients, refused = {}, 0
for service, operation, params in calls:
    if service not in clients:
        clients[service] = boto3.client(service)
    try:
        getattr(clients[service], xform_name(operation))(**params)
    except Exception:
        refused += 1
answered = time.perf_counter()
print(MARK + json.dumps({"cold": answered - began, "refused": refused}), flush=True)
""".replace("MARK", repr(MARK))


def run_child(code: str, stdin: bytes, env: dict[str, str]) -> dict[str, Any]:
    """Runs `code` as Lambda would (benchmarks/lambda_env.py): the lock file's interpreter, only
    `functions/` in the task root, `env` on top of Lambda's variables for its function."""
    env = lambda_environment(env["AWS_LAMBDA_FUNCTION_NAME"]) | env
    result = subprocess.run(  # nosec B603
        [str(lambda_python()), "-c", code],
        cwd=task_root(),
        env=env,
        input=stdin,
        capture_output=True,
        check=False,
    )
    lines = [line for line in result.stdout.decode().splitlines() if line.startswith(MARK)]
    if result.returncode or not lines:
        raise RuntimeError(
            f"a child failed ({result.returncode}):\n{result.stdout.decode()}\n{result.stderr.decode()}"
        )
    answer: dict[str, Any] = json.loads(lines[-1][len(MARK) :])
    return answer


@dataclass
class Route:
    function: str
    auth: str = "none"
    floor_calls: bytes = b""
    lazy: list[str] = field(default_factory=list)
    hooks: tuple[int, int] = (0, 0)
    refused: int = 0
    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    import_seconds: list[float] = field(default_factory=list)


@dataclass
class Bench:
    env: dict[str, str]
    floor_endpoint: str
    snapstart: frozenset[str]  # the functions with SnapStart in template.yaml
    routes: dict[str, Route] = field(default_factory=dict)
    kind: str = "cold"
    record: bool = False

    def answer(self, route: Any, request: dict[str, Any]) -> dict[str, Any]:
        """Answers `request` in a fresh interpreter (and, on the cold tour, the floor right after)."""
        key = f"{route.method} {route.path}"
        if self.kind != "cold" and route.function not in self.snapstart:
            return in_this_process(route, request)  # no snapshot to measure: the tour goes on
        entry = self.routes.setdefault(key, Route(route.function, route.auth))
        ask = {"handler": route.handler, "function": route.function, "event": request}
        ask |= {"kind": self.kind, "record": self.record}
        env = self.env | {"AWS_LAMBDA_FUNCTION_NAME": route.function}
        if self.kind != "cold":
            env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "snap-start"
        done = run_child(FUNCTION_CHILD, json.dumps(ask).encode(), env)
        if self.record:
            entry.floor_calls = base64.b64decode(done["calls"])
            entry.lazy = done["lazy"]
        elif self.kind == "cold":
            entry.seconds["cold"].append(done["cold"])
            entry.import_seconds.append(done["import"])
            floor = run_child(FLOOR_CHILD, entry.floor_calls, env | {"AWS_ENDPOINT_URL": self.floor_endpoint})
            entry.seconds["floor"].append(floor["cold"])
            entry.refused = floor["refused"]
        else:
            entry.seconds[self.kind].append(done["restored"])
            entry.hooks = (done["hooks"][0], done["hooks"][1])
        result: dict[str, Any] = done["result"]
        return result


def in_this_process(route: Any, request: dict[str, Any]) -> dict[str, Any]:
    from infra.lambda_runtime import LambdaContext, load_handler

    result: dict[str, Any] = load_handler(route.handler)(request, LambdaContext(route.function))
    return result


def authorizer_route() -> TemplateRoute:
    """The session authorizer as a route of its own: what API Gateway asks before a consumer route."""
    from infra.template import load_template, token_authorizer

    authorizer = token_authorizer(load_template())
    return TemplateRoute(authorizer.function, authorizer.handler, AUTHORIZER, "session authorizer", "none")


def snapstart_functions() -> frozenset[str]:
    from infra.template import load_template, resources

    functions = resources(load_template(), "AWS::Serverless::Function")
    return frozenset(name for name, spec in functions.items() if "SnapStart" in spec["Properties"])


@contextmanager
def mails_captured() -> Iterator[None]:
    """The tour reads each mailed password from moto's SES in this process; here SES is another
    process, so the mail worker's SendEmail (made in this process) is captured on its way out."""
    import re

    import tests.aws_calls as tour_module
    from tests.aws_calls import AwsCallRecorder

    sent: list[tuple[str, str]] = []

    class CapturingRecorder(AwsCallRecorder):
        def __init__(self) -> None:
            super().__init__()
            self._events.register(
                "before-parameter-build.ses.SendEmail", self._capture, unique_id="bench-mails"
            )

        def _capture(self, params: dict[str, Any], **_: Any) -> None:
            sent.append((params["Destination"]["ToAddresses"][0], params["Message"]["Body"]["Text"]["Data"]))

        def close(self) -> None:
            self._events.unregister("before-parameter-build.ses.SendEmail", unique_id="bench-mails")
            super().close()

    def mailed(_world: Any, email: str, pattern: str) -> str:
        found = [m for m in (re.search(pattern, text) for to, text in sent if to == email) if m]
        assert found, (email, pattern)
        return found[-1].group(1)

    with mock.patch.object(tour_module, "_mailed", mailed):
        yield CapturingRecorder  # type: ignore[misc]


def floor_world(server: Any, overrides: dict[str, str]) -> None:
    """The floor's own world, in a server of its own: its calls (writes, mails queued) must not
    change the world the tour goes on in. The same names, built from the same template; the ids
    moto draws (a user pool's) differ, and the calls naming them are refused there."""
    from benchmarks.moto_server import remote_world

    own = os.environ["AWS_ENDPOINT_URL"]
    os.environ["AWS_ENDPOINT_URL"] = server.endpoint
    try:
        remote_world(overrides)
    finally:
        os.environ["AWS_ENDPOINT_URL"] = own


def tour(bench: Bench, server: Any, overrides: dict[str, str], recorder: Any) -> None:
    from benchmarks.moto_server import remote_world
    from tests.aws_calls import Tour, tour_every_route

    class ChildTour(Tour):
        def _invoke(self, route: Any, request: dict[str, Any]) -> dict[str, Any]:
            return bench.answer(route, request)

        def authorize(self, id_token: str) -> None:
            """The session authorizer's first answer, in a child as the routes' (its JWKS read
            from moto's server, at the pool's address, as from Cognito's)."""
            event = {
                "type": "TOKEN",
                "authorizationToken": f"Bearer {id_token}",
                "methodArn": "arn:aws:execute-api:eu-central-1:123456789012:tour/prod/GET/api/profile",
            }
            answer = bench.answer(authorizer_route(), event)
            assert answer["policyDocument"]["Statement"][0]["Effect"] == "Allow", answer

    server.reset()
    world = remote_world(overrides)
    bench.env.update(world.environment, POWERTOOLS_LOG_LEVEL="WARNING", AWS_ENDPOINT_URL=server.endpoint)
    tour_every_route(world, make_tour=ChildTour, make_recorder=recorder)


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def report(bench: Bench, kinds: list[str], runs: int, no_bytecode: bool) -> float:
    """Prints the tables; returns the worst cold ratio. "a consumer waits" is, for a route the
    session authorizer guards, its first answer plus the authorizer's (cold: both cold; after a
    restore: both restored the same way): API Gateway asks the authorizer first."""
    bytecode = "compiling every module (no .pyc)" if no_bytecode else "bytecode cached"
    how = f"median of {runs}, {bytecode}"
    worst = 0.0
    guard = bench.routes.get(f"{AUTHORIZER} session authorizer")

    def waits(entry: Route, kind: str) -> str:
        if entry.auth != "cognito" or guard is None or not guard.seconds[kind]:
            return f"{'-':>8}   "
        return f"{median_ms(entry.seconds[kind]) + median_ms(guard.seconds[kind]):5.0f} ms"

    if "cold" in kinds:
        print(f"\ncold first answer = import the handler + answer the route's first event; {how}")
        print(
            f"{'route':<44} {'function':<26} {'first answer':>12} {'floor':>8} {'ratio':>6}   import"
            "   a consumer waits (+ the authorizer, cold)"
        )
        for key, entry in bench.routes.items():
            cold, floor = median_ms(entry.seconds["cold"]), median_ms(entry.seconds["floor"])
            ratio = cold / floor
            worst = max(worst, ratio)
            verdict = "ok" if ratio <= GOAL else f"OVER {GOAL}"
            print(
                f"{key:<44} {entry.function:<26} {cold:9.0f} ms {floor:5.0f} ms {ratio:6.2f}"
                f"   {median_ms(entry.import_seconds):4.0f} ms  {verdict:<9} {waits(entry, 'cold')}"
            )
        print(f"worst ratio {worst:.2f} (goal ≤ {GOAL})")
    snap = [k for k in ("unprimed", "primed") if k in kinds]
    if snap:
        print(f"\nafter a SnapStart restore = after-restore hooks + the first answer; {how}")
        header = "".join(f"{k:>11}" for k in ["cold", *snap] if k in kinds)
        print(
            f"{'route':<44} {header}   a consumer waits ({snap[-1]})   hooks (before, after)"
            "   loaded by the first answer when not primed"
        )
        for key, entry in bench.routes.items():
            if entry.function not in bench.snapstart:
                continue
            cells = "".join(f"{median_ms(entry.seconds[k]):8.1f} ms" for k in ["cold", *snap] if k in kinds)
            print(
                f"{key:<44} {cells}   {waits(entry, snap[-1]):<22}   {entry.hooks!s:<22}"
                f"  {', '.join(entry.lazy) or '-'}"
            )
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-bytecode", action="store_true", help="compile every module on import")
    parser.add_argument("--kinds", default=",".join(KINDS), help="which of cold, unprimed, primed to measure")
    args = parser.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    assert set(kinds) <= set(KINDS), kinds

    from benchmarks.moto_server import moto_server
    from infra.askue_simulator import AskueSimulator

    simulator = AskueSimulator().start()
    try:
        with (
            moto_server() as floor_server,
            moto_server() as server,
            mails_captured() as recorder,
            tempfile.TemporaryDirectory() as cache,
        ):
            overrides = {"AskueBaseUrl": simulator.url}
            floor_world(floor_server, overrides)
            snapstart = snapstart_functions()
            print(described(), flush=True)
            bench = Bench({}, floor_server.endpoint, snapstart, record=True)
            tour(bench, server, overrides, recorder)  # records the floor's calls; compiles the bytecode
            bench.record = False
            if args.no_bytecode:  # an empty cache directory that is never written: every import compiles
                bench.env.update(PYTHONPYCACHEPREFIX=cache, PYTHONDONTWRITEBYTECODE="1")
            for run in range(args.runs):
                for n in range(len(kinds)):
                    bench.kind = kinds[(run + n) % len(kinds)]
                    began = time.perf_counter()
                    tour(bench, server, overrides, recorder)
                    print(
                        f"{bench.kind} tour: {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True
                    )
                print(f"round {run + 1} of {args.runs} done", file=sys.stderr, flush=True)
    finally:
        simulator.stop()
    worst = report(bench, kinds, args.runs, args.no_bytecode)
    if worst > GOAL:
        sys.exit(1)


if __name__ == "__main__":
    main()
