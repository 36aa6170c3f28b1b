"""Cold start of every function in template.yaml against the floor, measured side by side.

What a cold start costs before the first answer (docs/architecture.md §10): importing the handler module (what
Lambda does at init) and building the function's AWS clients (done lazily, on the first request
that needs each). Each is measured in a fresh interpreter:

  function  `import <handler module>`, then the function's clients through its own accessors
            (`functions.common.aws`): one for every service its IAM policy in the template allows,
            as the code builds it.
  floor     `import boto3`, an empty Powertools REST resolver with validation (what every function
            of ours needs at least: Powertools and pydantic), then the SAME clients made with plain
            boto3 — the least any function doing this function's work can cost.

Runs are interleaved (each function right after its floor, round after round) and the medians are
compared, so the machine's noise hits both sides alike. Goal: every ratio ≤ 1.25, both with the
clients and import only (the handler module against boto3 + the empty resolver, no clients); the
session authorizer, which only verifies a token and reads one item, ≤ 1.15.

Every child runs the deployed program (benchmarks/lambda_env.py): an interpreter holding only
`requirements/lambda.txt` (`.venv-lambda/`, made on the first run), for the template's runtime when
this machine has it, with only `functions/` in its task root and Lambda's variables.

Bytecode is warm (compiled once before measuring), as with a package that ships `.pyc` files;
`--no-bytecode` measures a package without them (Python compiles every module it imports).

    .venv/bin/python benchmarks/coldstart.py [--runs 7] [--no-bytecode] [--clock cpu|wall]

`--clock cpu` (the default) times each child's own CPU (`time.process_time`): on a machine shared
with other work the wall clock of a child depends on what else runs, its CPU time hardly; on Lambda
an import is CPU-bound, so the two agree there. `--clock wall` for an idle machine.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.lambda_env import described, lambda_environment, lambda_python, task_root  # noqa: E402
from infra.function_code import FunctionCode, accessor_services, functions_of_template, policy_services  # noqa: E402
from infra.template import load_template, resources  # noqa: E402

GOAL = 1.25
# The session authorizer verifies a token and reads one item: it imports only that.
GOALS = {"SessionAuthorizerFunction": 1.15}
TIMED = """
import time
began = time.{clock}()
{imports}
imported = time.{clock}()
{clients}
print(imported - began, time.{clock}() - imported)
"""
# `cpu`: the child's own CPU time (time.process_time), which the other work of a shared machine
# barely changes; on Lambda's dedicated share of a CPU an import is CPU-bound, so it is what the
# wall clock shows there. `wall`: time.perf_counter, right on an idle machine only.
CLOCKS = {"cpu": "process_time", "wall": "perf_counter"}
FLOOR_IMPORTS = """
import boto3
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
APIGatewayRestResolver(enable_validation=True)
"""


@dataclass
class Side:
    imports: str
    clients: str
    import_seconds: list[float] = field(default_factory=list)
    total_seconds: list[float] = field(default_factory=list)

    def measure(self, environment: dict[str, str], clock: str = "cpu") -> None:
        code = TIMED.format(imports=self.imports, clients=self.clients, clock=CLOCKS[clock])
        result = subprocess.run(
            [str(lambda_python()), "-c", code],
            cwd=task_root(),
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        imported, built = (float(x) for x in result.stdout.split())
        self.import_seconds.append(imported)
        self.total_seconds.append(imported + built)


def built_clients(code: FunctionCode, allowed: frozenset[str]) -> list[str]:
    """The accessors the function calls for the services its policy allows."""
    services = accessor_services()
    return sorted(a for a in code.aws_clients if services[a] in allowed)


def function_side(code: FunctionCode, accessors: list[str]) -> Side:
    calls = [f"aws.{a}()" for a in accessors]
    clients = "from functions.common import aws\n" + "\n".join(calls) if calls else "pass"
    return Side(imports=f"import {code.handler_module}", clients=clients)


def floor_side(accessors: list[str]) -> Side:
    services = accessor_services()
    calls = [f"boto3.client({services[a]!r})" for a in accessors]
    return Side(imports=FLOOR_IMPORTS, clients="\n".join(calls) or "pass")


def environment(function: str, no_bytecode: bool, cache_dir: str) -> dict[str, str]:
    """A child's environment: what Lambda sets for `function` (benchmarks/lambda_env.py).
    `no_bytecode`: every import compiles its source."""
    env = lambda_environment(function)
    if no_bytecode:
        # An empty cache directory that is never written: every import compiles its source.
        env.update(PYTHONPYCACHEPREFIX=cache_dir, PYTHONDONTWRITEBYTECODE="1")
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-bytecode", action="store_true", help="compile every module on import")
    parser.add_argument(
        "--clock", choices=sorted(CLOCKS), default="cpu", help="the child's CPU time, or wall time"
    )
    parser.add_argument("--only", default="", help="comma-separated function names (default: every one)")
    args = parser.parse_args()

    template = load_template()
    specs = resources(template, "AWS::Serverless::Function")
    pairs: dict[str, tuple[Side, Side, list[str]]] = {}
    for name, code in functions_of_template(template).items():
        if args.only and name not in args.only.split(","):
            continue
        accessors = built_clients(code, policy_services(specs[name]))
        pairs[name] = (function_side(code, accessors), floor_side(accessors), accessors)

    print(described())
    with tempfile.TemporaryDirectory() as cache_dir:
        for name, (function, floor, _) in pairs.items():  # compile once: bytecode as a package would ship it
            function.measure(environment(name, False, cache_dir))
            floor.measure(environment(name, False, cache_dir))
            function.import_seconds.clear(), function.total_seconds.clear()
            floor.import_seconds.clear(), floor.total_seconds.clear()
        for _ in range(args.runs):
            for name, (function, floor, _) in pairs.items():
                env = environment(name, args.no_bytecode, cache_dir)
                floor.measure(env, args.clock)
                function.measure(env, args.clock)

    bytecode = "compiling every module (no .pyc)" if args.no_bytecode else "bytecode cached"
    clock = "CPU time of the child" if args.clock == "cpu" else "wall time"
    how = f"median of {args.runs} runs, {bytecode}, {clock}"
    print(f"cold start = import the handler + build its clients; {how}")
    print(f"\n{'function':<28} {'clients built':<34} {'function':>9} {'floor':>7} {'ratio':>6}   import only")
    worst, over = 0.0, []
    for name, (function, floor, accessors) in pairs.items():
        total, floor_total = statistics.median(function.total_seconds), statistics.median(floor.total_seconds)
        ratio = total / floor_total
        only = statistics.median(function.import_seconds) / statistics.median(floor.import_seconds)
        worst = max(worst, ratio, only)
        goal = GOALS.get(name, GOAL)
        verdict = "ok" if max(ratio, only) <= goal else f"OVER {goal}"
        if max(ratio, only) > goal:
            over.append(name)
        clients = ", ".join(accessors) or "-"
        print(
            f"{name:<28} {clients:<34} {total * 1000:6.0f} ms {floor_total * 1000:4.0f} ms"
            f" {ratio:6.2f}   {only:.2f}   {verdict}"
        )
    authorizer = GOALS["SessionAuthorizerFunction"]
    print(f"\nworst ratio {worst:.2f} (goal ≤ {GOAL}; the session authorizer ≤ {authorizer})")
    if over:
        print("over the goal: " + ", ".join(over))
        sys.exit(1)


if __name__ == "__main__":
    main()
