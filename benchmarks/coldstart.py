"""Cold start of every function in template.yaml against the floor, measured side by side.

For each function, a fresh interpreter imports its handler module (what Lambda does at a cold
start, before the first event). The floor is a fresh interpreter that imports boto3, creates a
client and builds an empty Powertools REST resolver with validation: the least any function of
ours can cost. Runs are interleaved (floor, f1, f2, …, floor, f1, …) and the median of each is
compared, so the machine's noise hits all of them alike. Goal (DESIGN §8): every ratio ≤ 1.25.

    .venv/bin/python benchmarks/coldstart.py [runs]
"""

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infra.template import load_template, resources  # noqa: E402

GOAL = 1.25
FLOOR = """
import boto3
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
boto3.client("dynamodb")
APIGatewayRestResolver(enable_validation=True)
"""
TIMER = """
import time
began = time.perf_counter()
{code}
print(time.perf_counter() - began)
"""


def _seconds(code: str) -> float:
    env = {
        **os.environ,
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "PYTHONDONTWRITEBYTECODE": "0",
    }
    result = subprocess.run(
        [sys.executable, "-c", TIMER.format(code=code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    handlers = {
        name: spec["Properties"]["Handler"].rpartition(".")[0]
        for name, spec in resources(load_template(), "AWS::Serverless::Function").items()
    }
    codes = {"floor": FLOOR, **{name: f"import {module}" for name, module in handlers.items()}}
    for code in codes.values():  # warm the bytecode caches once; Lambda ships compiled files too
        _seconds(code)
    samples: dict[str, list[float]] = {name: [] for name in codes}
    for _ in range(runs):
        for name, code in codes.items():
            samples[name].append(_seconds(code))
    floor = statistics.median(samples["floor"])
    print(f"floor (boto3 + client + empty resolver): {floor * 1000:.0f} ms, median of {runs}")
    worst = 0.0
    for name in handlers:
        median = statistics.median(samples[name])
        ratio = median / floor
        worst = max(worst, ratio)
        verdict = "ok" if ratio <= GOAL else f"over {GOAL}"
        print(f"{name:<28} {median * 1000:6.0f} ms   ratio {ratio:.2f}   {verdict}")
    print(f"worst ratio {worst:.2f} (goal ≤ {GOAL})")


if __name__ == "__main__":
    main()
