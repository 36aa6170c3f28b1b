"""Load: a realistic consumer mix against the local stack with Locust (headless), bounded in time.

Starts the stack as `make run` does, registers and logs in one consumer per simulated user, then
runs two Locust phases of the same length and concurrency against it: the consumer mix
(benchmarks/locustfile.py: login, profile, requests, readings, a new reading, ASKUE latest, now and
then a new request) and, as the baseline measured in the same run, the same server's static file.
Prints requests/s, p50/p95/p99 and errors per call and in total, and the ratios to the baseline.
Exits non-zero on any error. A benchmark, not a test: the figures depend on this machine.

The local gateway runs one event at a time per function (one Lambda environment each), as Lambda
gives an environment one event at a time: these are the figures of one environment per function.

    .venv/bin/python benchmarks/load.py [--users 20] [--seconds 30]
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.stack import ROOT, LocalStack, start_local_stack

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
COLUMNS = ("Request Count", "Failure Count", "Requests/s", "50%", "95%", "99%")


def register_consumers(stack: LocalStack, count: int) -> list[dict[str, str]]:
    consumers = []
    for index in range(count):
        email = f"load-{index:03d}-{uuid.uuid4().hex[:6]}@example.ru"
        body = {
            "category": "individual",
            "full_name": "Нагрузочный Тест Тестович",
            "email": email,
            "phone": "+7 912 000-00-00",
            "consent": True,
        }
        assert requests.post(f"{stack.url}/api/auth/register", json=body, timeout=30).status_code == 202
        consumers.append({"email": email, "password": stack.mailed_password(email)})
    return consumers


def run_locust(
    stack: LocalStack, user_class: str, users: int, seconds: int, consumers: Path
) -> list[dict[str, str]]:
    """One headless Locust run; its per-call rows and the aggregated one (last)."""
    with tempfile.TemporaryDirectory() as scratch:
        prefix = Path(scratch) / "run"
        locust = subprocess.run(
            [
                sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), user_class,
                "--headless", "--only-summary", "--loglevel", "WARNING",
                "--host", stack.url, "--users", str(users), "--spawn-rate", str(users),
                "--run-time", f"{seconds}s", "--stop-timeout", "10", "--csv", str(prefix),
            ],
            cwd=ROOT,
            env={**os.environ, "LOAD_CONSUMERS": str(consumers)},
            check=False,  # Locust exits 1 when a call failed: the figures say which
            capture_output=True,
            text=True,
        )  # fmt: skip
        stats = Path(f"{prefix}_stats.csv")
        if not stats.is_file():
            sys.exit(f"Locust did not run:\n{locust.stderr}")
        with stats.open(encoding="utf-8") as stream:
            return list(csv.DictReader(stream))


def show(title: str, rows: list[dict[str, str]]) -> dict[str, str]:
    print(f"\n{title}")
    print(f"  {'call':<28}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")
    for row in rows:
        name = "all" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        count, failures, rate, p50, p95, p99 = (row[c] for c in COLUMNS)
        print(f"  {name:<28}{count:>9}{failures:>8}{float(rate):>9.1f}{p50:>8}{p95:>8}{p99:>8}")
    return rows[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()

    stack = start_local_stack()
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as file:
            json.dump(register_consumers(stack, args.users), file)
        consumers = Path(file.name)
        cores = os.cpu_count()
        print(f"{args.users} users, {args.seconds} s per phase, {cores} cores shared by the stack and Locust")
        mix = show("Consumer mix", run_locust(stack, "Consumer", args.users, args.seconds, consumers))
        static = show(
            "Baseline: a static file of the same server",
            run_locust(stack, "StaticFile", args.users, args.seconds, consumers),
        )
        consumers.unlink()
    finally:
        stack.stop()

    ratio_rate = float(mix["Requests/s"]) / float(static["Requests/s"])
    ratio_p50 = float(mix["50%"]) / max(float(static["50%"]), 1.0)
    print(
        f"\nConsumer mix: {float(mix['Requests/s']):.1f} req/s, p50 {mix['50%']} ms, p95 {mix['95%']} ms, "
        f"p99 {mix['99%']} ms, {mix['Failure Count']} errors of {mix['Request Count']}"
    )
    print(f"Ratio to the static baseline: throughput {ratio_rate:.2f}x, p50 {ratio_p50:.1f}x")
    if int(mix["Failure Count"]) or int(static["Failure Count"]):
        sys.exit("errors under load")


if __name__ == "__main__":
    main()
