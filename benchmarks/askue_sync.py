"""ASKUE sync at scale: one worker against its concurrency bound, and the planner from 1,000 to
100,000 accounts (docs/architecture.md §10: at least 85% of the bound; nothing lost).

    .venv/bin/python benchmarks/askue_sync.py [--accounts 10000] [--latency-ms 50] [--plan 1000,10000,100000]

AWS is moto's server in a process of its own (benchmarks/moto_server.py), as AWS is to a Lambda
function: the worker's threads wait on sockets while moto works, instead of running moto under
their own GIL. The ASKUE simulator (with the given latency) is a process of its own too.

Planner: for each count of `--plan`, a fresh world with that many consumers linked to the
simulator's `load-<n>` accounts (as the fetch with «Запомнить» links them); the planner runs once,
timed, and then once more (its queue purged) under tracemalloc for its peak memory. Printed: time
and memory per 1,000 accounts, which stay flat when both grow linearly.

Sync: a fresh world with `--accounts` linked consumers, the planner once, then ONE worker: batches
of the template's BatchSize received from SQS, handed to the real worker handler, succeeded
messages deleted, exactly as the local stack feeds it. Printed: the worker's accounts per second
(accounts ÷ the time spent inside its handler, what Lambda runs and bills; in AWS the event source
polls SQS alongside), the bound (batch size ÷ the latency of one ASKUE fetch, measured in this run)
and their ratio; checked: every account got exactly one new snapshot, nothing was left on the
queue or dead-lettered.

The readings-history feed is left out unless `--with-readings`: it writes with TransactWriteItems,
and moto backs up every table a transaction touches, so each call costs time in proportion to the
readings table's size — that would measure moto, not the worker.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
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


def link_accounts(count: int, prefix: str = "bench") -> list[str]:
    """`count` consumers linked to load-<n> / pw-<n>, written as the fetch with «Запомнить» writes them."""
    from functions.askue.crypto import encrypt_password
    from functions.askue.models import StoredLink
    from functions.askue.settings import askue_settings
    from functions.askue.store import AskueStore
    from functions.common.clock import now

    store = AskueStore(askue_settings().askue_table)

    def link(n: int) -> str:
        user_id = f"{prefix}-{n:06d}"
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


def one_account_seconds(events: Any, samples: int = 20) -> float:
    """The median time of the worker handling ONE account alone (a batch of one: its link read,
    its password decrypted, ASKUE fetched, the snapshot written), on accounts of their own that are
    unlinked afterwards: what a batch would take with perfect concurrency and an AWS that answers
    concurrent calls as fast as one."""
    import json

    from functions.askue.settings import askue_settings
    from functions.askue.store import AskueStore
    from infra.events import sqs_event
    from infra.lambda_runtime import LambdaContext, load_handler

    source = events.queues[WORKER]
    handler = load_handler(source.handler)
    probes = link_accounts(samples, prefix="probe")
    times = []
    for n, user_id in enumerate(probes):
        body = json.dumps({"user_id": user_id, "planned_at": "2026-01-01T00:00:00+00:00"})
        message = {"MessageId": f"probe-{n}", "ReceiptHandle": f"probe-{n}", "Body": body}
        event = sqs_event([message], source.queue_arn, REGION)
        began = time.perf_counter()
        handler(event, LambdaContext(WORKER, timeout_ms=source.timeout_ms))
        times.append(time.perf_counter() - began)
    store = AskueStore(askue_settings().askue_table)
    for user_id in probes:
        store.delete_link(user_id)
    return statistics.median(times)


def emulated_concurrency(key_id: str, calls: int = 10, rounds: int = 7) -> tuple[float, float]:
    """How moto answers `calls` KMS Decrypts at once (as the threads of a batch make them) against
    one alone: medians of `rounds`. AWS answers concurrent calls side by side; moto's server, one
    process, works them one after another under its GIL."""
    import boto3

    kms = boto3.client("kms", region_name=REGION)
    context = {"purpose": "askue-password", "probe": "x"}
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"probe", EncryptionContext=context)["CiphertextBlob"]

    def decrypt(_: int = 0) -> None:
        kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)

    one, many = [], []
    with ThreadPoolExecutor(max_workers=calls) as pool:
        for _ in range(rounds):
            began = time.perf_counter()
            decrypt()
            one.append(time.perf_counter() - began)
            began = time.perf_counter()
            list(pool.map(decrypt, range(calls)))
            many.append(time.perf_counter() - began)
    return statistics.median(one), statistics.median(many)


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


def plan_once(events: Any) -> tuple[int, float]:
    began = time.perf_counter()
    queued = int(events.fire(PLANNER)["queued"])
    return queued, time.perf_counter() - began


def planner_peak_bytes(events: Any, queue_url: str) -> int:
    """The planner's peak of Python memory, in a run of its own after its queue is purged."""
    import boto3

    boto3.client("sqs", region_name=REGION).purge_queue(QueueUrl=queue_url)
    tracemalloc.start()
    try:
        events.fire(PLANNER)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure_planner(server: Any, counts: list[int], askue_url: str) -> None:
    from benchmarks.moto_server import remote_world
    from infra.events import LocalEvents

    print(
        f"{'accounts':>9} {'linked in':>10} {'planned in':>11} {'per 1,000':>10}"
        f" {'peak memory':>12} {'per 1,000':>10}"
    )
    for count in counts:
        server.reset()
        world = remote_world({"AskueBaseUrl": askue_url})
        events = LocalEvents(world, log=print)
        began = time.perf_counter()
        link_accounts(count)
        linked = time.perf_counter() - began
        queued, seconds = plan_once(events)
        if queued != count:
            sys.exit(f"planned {queued} of {count} accounts")
        peak = planner_peak_bytes(events, world.refs["AskueSyncQueue"])
        print(
            f"{count:>9,} {linked:9.1f} s {seconds:9.2f} s {seconds / count * 1000:9.3f} s"
            f" {peak / 2**20:8.1f} MB {peak / count * 1000 / 2**10:8.1f} KB",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=10_000, help="accounts synced (0: none)")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--plan", default="1000,10000", help="account counts the planner is measured at")
    parser.add_argument("--with-readings", action="store_true", help="also feed the readings history")
    args = parser.parse_args()

    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"  # the benchmark prints its own tables
    simulator, askue_url = start_simulator(args.latency_ms)
    from benchmarks.moto_server import moto_server, remote_world
    from functions.askue import worker

    if not args.with_readings:
        worker.record_askue_readings = lambda user_id, rows: None  # type: ignore[assignment]
    try:
        with moto_server(fast_sqs=True) as server:
            if args.plan:
                measure_planner(server, [int(n) for n in args.plan.split(",")], askue_url)
            if args.accounts:
                server.reset()
                sync(remote_world({"AskueBaseUrl": askue_url}), args, server)
    finally:
        simulator.kill()
        simulator.wait()


def sync(world: Any, args: argparse.Namespace, server: Any) -> None:
    from infra.events import LocalEvents

    events = LocalEvents(world, log=print)
    batch = events.queues[WORKER].batch_size

    began = time.perf_counter()
    users = link_accounts(args.accounts)
    print(f"\nlinked {len(users)} accounts in {time.perf_counter() - began:.1f} s")

    latency = fetch_latency()
    bound = batch / latency
    print(f"one ASKUE fetch: {latency * 1000:.1f} ms (simulator latency {args.latency_ms:g} ms)")
    alone = one_account_seconds(events)
    print(f"one account alone through the worker (its AWS calls and the fetch): {alone * 1000:.1f} ms")
    one, many = emulated_concurrency(world.refs["AskueKey"], batch)
    print(
        f"moto: one KMS Decrypt {one * 1000:.1f} ms, {batch} at once {many * 1000:.1f} ms"
        f" ({many / one:.1f}× one; on AWS about 1×)"
    )

    queued, seconds = plan_once(events)
    print(f"planned {queued} accounts in {seconds:.1f} s")

    began = time.perf_counter()
    deliveries = events.drain(WORKER, timeout=3600 * 4)
    elapsed = time.perf_counter() - began
    synced = sum(d.records - d.failed for d in deliveries)
    failed = sum(d.failed for d in deliveries)
    busy = sum(d.seconds for d in deliveries)
    rate = synced / busy

    every = snapshots_per_user(world.refs["AskueTable"])
    counts = Counter({user: n for user, n in every.items() if user.startswith("bench-")})
    server.restore_counts()
    depths: dict[str, Any] = events.queue_depths()["AskueSyncQueue"]
    exactly_once = len(counts) == len(users) and set(counts.values()) == {1}
    print(
        f"\none worker: {synced} accounts in {busy:.1f} s inside the handler = {rate:.1f} accounts/s"
        f"\nbound: batch {batch} ÷ {latency * 1000:.1f} ms = {bound:.1f} accounts/s"
        f"\nratio: {rate / bound:.0%} of the bound (target ≥ 85%)"
        f"\none account alone: batch {batch} ÷ {alone * 1000:.1f} ms = {batch / alone:.1f} accounts/s,"
        f" reached {rate * alone / batch:.0%}"
        f"\nend to end, with this machine's SQS emulation polled one batch at a time:"
        f" {elapsed:.1f} s = {synced / elapsed:.1f} accounts/s"
        f"\nfailed deliveries: {failed}; queue left {depths['waiting'] + depths['in_flight']},"
        f" dead-lettered {depths['dead_lettered']}"
        f"\nevery account exactly one new snapshot: {'yes' if exactly_once else 'NO'}"
        f"\nreadings history fed: {'yes' if args.with_readings else 'no (see --with-readings)'}"
    )
    if not exactly_once or failed or queued != len(users) or depths["dead_lettered"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
