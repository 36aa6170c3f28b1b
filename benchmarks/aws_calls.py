"""The AWS calls of every route of template.yaml, and of the ASKUE schedule and queue
(docs/architecture.md §10: a consumer's read is one DynamoDB call; no Scan on any request path).

Drives every route once through its real handler against moto in this process (the same tour as
tests/unit/test_aws_calls.py, which fails when a goal is missed), with the ASKUE simulator, and
prints the calls each made, counted by botocore's `before-call` event: DynamoDB by operation, then
the other services'.

    .venv/bin/python benchmarks/aws_calls.py
"""

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WHO = {"cognito": "consumer", "api_key": "API key", "none": "public", "event": "AWS"}


def counted(calls: Counter[str]) -> str:
    return ", ".join(f"{name} ×{n}" if n > 1 else name for name, n in sorted(calls.items())) or "-"


def main() -> None:
    from benchmarks.moto_world import moto_world
    from infra.askue_simulator import AskueSimulator
    from tests.aws_calls import tour_every_route

    simulator = AskueSimulator().start()
    try:
        with moto_world({"AskueBaseUrl": simulator.url}) as world:
            operations = tour_every_route(world)
    finally:
        simulator.stop()

    print(f"{'route':<44} {'who':<9} {'DynamoDB':<50} other AWS calls")
    for op in operations:
        route = f"{op.method} {op.path}"
        dynamodb = counted(op.count("dynamodb"))
        others = counted(Counter(f"{service} {name}" for service, name in op.calls if service != "dynamodb"))
        print(f"{route:<58} {WHO[op.auth]:<9} {dynamodb:<50} {others}")
    reads = [op for op in operations if op.is_consumer_read]
    most = max(sum(op.count("dynamodb").values()) for op in reads)
    scans = sum(op.count("dynamodb")["Scan"] for op in operations)
    print(
        f"\n{len(operations)} operations; {len(reads)} consumer reads, at most {most} DynamoDB call each"
        f" (goal 1); Scans: {scans} (goal 0)"
    )
    if most > 1 or scans:
        sys.exit(1)


if __name__ == "__main__":
    main()
