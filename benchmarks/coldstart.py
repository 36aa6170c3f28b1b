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
compared, so the machine's noise hits both sides alike. Goal: every ratio ≤ 1.25. The import-only
ratio (the handler module against boto3 + the empty resolver, no clients) is printed as well.

Bytecode is warm (compiled once before measuring), as with a package that ships `.pyc` files;
`--no-bytecode` measures a package without them (Python compiles every module it imports).

    .venv/bin/python benchmarks/coldstart.py [--runs 7] [--no-bytecode]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infra.function_code import FunctionCode, accessor_services, functions_of_template, policy_services  # noqa: E402
from infra.template import load_template, resources  # noqa: E402

GOAL = 1.25
TIMED = """
import time
began = time.perf_counter()
{imports}
imported = time.perf_counter()
{clients}
print(imported - began, time.perf_counter() - imported)
"""
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

    def measure(self, environment: dict[str, str]) -> None:
        code = TIMED.format(imports=self.imports, clients=self.clients)
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
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


def environment(no_bytecode: bool, cache_dir: str) -> dict[str, str]:
    """A child's environment: this one's, with AWS's region and fake keys, and with the variable
    Lambda's runtime sets, `LAMBDA_TASK_ROOT`: the X-Ray SDK (Powertools' Tracer, in every handler)
    reads it at import to know it runs in Lambda, where it samples locally. Without it the SDK takes
    itself for a server and builds two botocore X-Ray clients for central sampling, about 200 ms that
    no Lambda environment pays. Tracing itself is off (`POWERTOOLS_TRACE_DISABLED`): no trace header
    comes with these events. `no_bytecode`: every import compiles its source."""
    env = {
        **os.environ,
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "LAMBDA_TASK_ROOT": str(ROOT),
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if no_bytecode:
        # An empty cache directory that is never written: every import compiles its source.
        env.update(PYTHONPYCACHEPREFIX=cache_dir, PYTHONDONTWRITEBYTECODE="1")
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-bytecode", action="store_true", help="compile every module on import")
    args = parser.parse_args()

    template = load_template()
    specs = resources(template, "AWS::Serverless::Function")
    pairs: dict[str, tuple[Side, Side, list[str]]] = {}
    for name, code in functions_of_template(template).items():
        accessors = built_clients(code, policy_services(specs[name]))
        pairs[name] = (function_side(code, accessors), floor_side(accessors), accessors)

    with tempfile.TemporaryDirectory() as cache_dir:
        env = environment(args.no_bytecode, cache_dir)
        warm = environment(False, cache_dir)
        for function, floor, _ in pairs.values():  # compile once: bytecode as a package would ship it
            function.measure(warm)
            floor.measure(warm)
            function.import_seconds.clear(), function.total_seconds.clear()
            floor.import_seconds.clear(), floor.total_seconds.clear()
        for _ in range(args.runs):
            for function, floor, _ in pairs.values():
                floor.measure(env)
                function.measure(env)

    bytecode = "compiling every module (no .pyc)" if args.no_bytecode else "bytecode cached"
    print(f"cold start = import the handler + build its clients; median of {args.runs} runs, {bytecode}\n")
    print(f"{'function':<26} {'clients built':<34} {'function':>9} {'floor':>7} {'ratio':>6}   import only")
    worst = 0.0
    for name, (function, floor, accessors) in pairs.items():
        total, floor_total = statistics.median(function.total_seconds), statistics.median(floor.total_seconds)
        ratio = total / floor_total
        only = statistics.median(function.import_seconds) / statistics.median(floor.import_seconds)
        worst = max(worst, ratio)
        verdict = "ok" if ratio <= GOAL else f"OVER {GOAL}"
        clients = ", ".join(accessors) or "-"
        print(
            f"{name:<26} {clients:<34} {total * 1000:6.0f} ms {floor_total * 1000:4.0f} ms"
            f" {ratio:6.2f}   {only:.2f}   {verdict}"
        )
    print(f"\nworst ratio {worst:.2f} (goal ≤ {GOAL})")
    if worst > GOAL:
        sys.exit(1)


if __name__ == "__main__":
    main()
