"""ASKUE sync throughput of one worker against its concurrency bound (docs/architecture.md §10: at least 80%).

    .venv/bin/python benchmarks/askue_sync.py [--accounts 10000] [--latency-ms 50]

Starts the ASKUE simulator (with the given latency) as its own process, builds the template's world
in moto (in this process, `mock_aws`), links `--accounts` consumers to the simulator's `load-<n>`
accounts, runs the planner once and then ONE worker: batches of the template's BatchSize received
from SQS, handed to the real worker handler, succeeded messages deleted, exactly as the local stack
feeds it. It prints the accounts per second of the worker (accounts ÷ the time spent inside its
handler, what Lambda runs and bills; in AWS the event source polls SQS alongside), the bound
(batch size ÷ the latency of one ASKUE fetch, measured in this run) and their ratio, and checks
that every account got exactly one new snapshot and nothing was left on the queue or dead-lettered.

moto runs in this process and its work is CPU under the GIL (about 1–2 ms per AWS call, where AWS
would be a network wait the threads overlap), so the ratio here is a floor for the worker, not
its value in AWS.

The readings-history feed is left out unless `--with-readings`: it writes with TransactWriteItems,
and moto backs up every table a transaction touches with a deep copy, so each call costs time in
proportion to the readings table's size — that would measure moto, not the worker. (moto's server
in another process was tried too: its calls cost 2–10 ms each on this machine, far from DynamoDB.)
"""

import argparse
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.stack import free_port  # noqa: E402

PLANNER, WORKER = "AskueSyncPlannerFunction", "AskueSyncWorkerFunction"
from benchmarks.moto_world import REGION  # noqa: E402


def wait_ready(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        raise RuntimeError("a helper process did not start")


def start_simulator(latency_ms: float) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    simulator = subprocess.Popen(
        [sys.executable, "-m", "infra.askue_simulator", "--port", str(port), "--latency-ms", str(latency_ms)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    wait_ready(simulator)
    return simulator, f"http://127.0.0.1:{port}"


def faster_moto_sqs() -> Callable[[], None]:
    """moto recomputes every attribute of a queue, counting all its messages, whenever it reads one
    (for each message sent, and for each message handed out): O(queue) per message, O(n²) per run.
    Reading the one attribute it needs keeps the emulator from dominating a 10,000-message run; what
    SQS does is unchanged. Returns the function that brings the message counts back for the check."""
    from moto.core.utils import unix_time
    from moto.sqs.models import Message, Queue, SQSBackend

    def retained(self: SQSBackend, queue_name: str, message: Message) -> bool:
        retention = int(self.get_queue(queue_name).message_retention_period)
        return bool(retention + message.sent_timestamp / 1000 > unix_time())  # type: ignore[operator]

    SQSBackend.is_message_valid_based_on_retention_period = retained  # type: ignore[method-assign]
    counted = list(Queue.BASE_ATTRIBUTES)
    Queue.BASE_ATTRIBUTES = [name for name in counted if not name.startswith("ApproximateNumberOf")]

    def restore_counts() -> None:
        Queue.BASE_ATTRIBUTES = counted

    return restore_counts


def link_accounts(count: int) -> list[str]:
    """`count` consumers linked to load-<n> / pw-<n>, written as the fetch with «Запомнить» writes them."""
    from functions.askue.crypto import encrypt_password
    from functions.askue.models import StoredLink
    from functions.askue.settings import askue_settings
    from functions.askue.store import AskueStore
    from functions.common.clock import now

    store = AskueStore(askue_settings().askue_table)

    def link(n: int) -> str:
        user_id = f"bench-{n:05d}"
        store.save_link(
            StoredLink(
                user_id=user_id,
                email=f"{user_id}@example.ru",
                login=f"load-{n}",
                password_ciphertext=encrypt_password(user_id, f"pw-{n}"),
                state="active",
                linked_at=now(),
            )
        )
        return user_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(link, range(count)))


def fetch_latency(samples: int = 30) -> float:
    """The median time of one ASKUE fetch, as the worker's connector makes it, one at a time."""
    from functions.askue.connectors import configured_connector

    connector = configured_connector()
    times = []
    for n in range(samples):
        began = time.perf_counter()
        connector.fetch_latest(f"load-{n}", f"pw-{n}")
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def snapshots_per_user(table: str) -> Counter[str]:
    """Counts snapshot items per consumer (a Scan: this is a check, not a request path)."""
    import boto3

    counts: Counter[str] = Counter()
    paginator = boto3.client("dynamodb", region_name=REGION).get_paginator("scan")
    for page in paginator.paginate(
        TableName=table,
        FilterExpression="begins_with(sk, :s)",
        ExpressionAttributeValues={":s": {"S": "snapshot#"}},
        ProjectionExpression="user_id",
    ):
        counts.update(item["user_id"]["S"] for item in page["Items"])
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--with-readings", action="store_true", help="also feed the readings history")
    args = parser.parse_args()

    simulator, askue_url = start_simulator(args.latency_ms)
    from benchmarks.moto_world import moto_world
    from functions.askue import worker
    from infra.events import LocalEvents

    restore_counts = faster_moto_sqs()
    if not args.with_readings:
        worker.record_askue_readings = lambda user_id, rows: None  # type: ignore[assignment]
    try:
        with moto_world({"AskueBaseUrl": askue_url}) as world:
            events = LocalEvents(world, log=print)
            batch = events.queues[WORKER].batch_size

            began = time.perf_counter()
            users = link_accounts(args.accounts)
            print(f"linked {len(users)} accounts in {time.perf_counter() - began:.1f} s")

            latency = fetch_latency()
            bound = batch / latency
            print(f"one ASKUE fetch: {latency * 1000:.1f} ms (simulator latency {args.latency_ms:g} ms)")

            began = time.perf_counter()
            queued = events.fire(PLANNER)["queued"]
            print(f"planned {queued} accounts in {time.perf_counter() - began:.1f} s")

            began = time.perf_counter()
            deliveries = events.drain(WORKER, timeout=3600)
            elapsed = time.perf_counter() - began
            synced = sum(d.records - d.failed for d in deliveries)
            failed = sum(d.failed for d in deliveries)
            busy = sum(d.seconds for d in deliveries)
            rate = synced / busy

            counts = snapshots_per_user(world.refs["AskueTable"])
            restore_counts()
            depths: dict[str, Any] = events.queue_depths()["AskueSyncQueue"]
            exactly_once = len(counts) == len(users) and set(counts.values()) == {1}
            print(
                f"\none worker: {synced} accounts in {busy:.1f} s inside the handler = {rate:.1f} accounts/s"
                f"\nbound: batch {batch} ÷ {latency * 1000:.1f} ms = {bound:.1f} accounts/s"
                f"\nratio: {rate / bound:.0%} of the bound (target ≥ 80%)"
                f"\nend to end with this machine's SQS emulation (moto scans every message on each receive):"
                f" {elapsed:.1f} s = {synced / elapsed:.1f} accounts/s"
                f"\nfailed deliveries: {failed}; queue left {depths['waiting'] + depths['in_flight']},"
                f" dead-lettered {depths['dead_lettered']}"
                f"\nevery account exactly one new snapshot: {'yes' if exactly_once else 'NO'}"
                f"\nreadings history fed: {'yes' if args.with_readings else 'no (see --with-readings)'}"
            )
            if not exactly_once or failed or queued != len(users):
                sys.exit(1)
    finally:
        simulator.kill()
        simulator.wait()


if __name__ == "__main__":
    main()
