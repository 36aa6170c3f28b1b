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
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, redirect_stdout
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


def link_accounts(count: int, prefix: str = "bench", server: Any = None) -> list[str]:
    """`count` consumers linked to load-<n> / pw-<n>: the items the fetch with «Запомнить» writes
    (`AskueStore.link_item`), each password encrypted by KMS for its consumer. With `server` (the
    benchmark's moto server), in bulk: the server's KMS encrypts a chunk at once and the items are
    written 25 to a BatchWriteItem, which makes 100,000 accounts a matter of minutes, not hours; without,
    one Encrypt and one PutItem each, as the function makes them."""
    import boto3

    from functions.askue.crypto import encrypt_password, encryption_context
    from functions.askue.models import StoredLink
    from functions.askue.settings import askue_settings
    from functions.askue.store import AskueStore, link_item
    from functions.common.clock import now

    settings = askue_settings()
    user_ids = [f"{prefix}-{n:06d}" for n in range(count)]

    def link(n: int, ciphertext: bytes) -> StoredLink:
        return StoredLink(
            user_id=user_ids[n],
            email=f"{user_ids[n]}@example.ru",
            login=f"load-{n}",
            password_ciphertext=ciphertext,
            state="active",
            linked_at=now(),
        )

    if server is None:
        store = AskueStore(settings.askue_table)
        with ThreadPoolExecutor(max_workers=8) as pool:

            def one(n: int) -> None:
                store.save_link(link(n, encrypt_password(user_ids[n], f"pw-{n}")))

            list(pool.map(one, range(count)))
        return user_ids
    table = boto3.resource("dynamodb", region_name=REGION).Table(settings.askue_table)
    chunk = 5_000
    with table.batch_writer() as batch:
        for first in range(0, count, chunk):
            numbers = range(first, min(first + chunk, count))
            requests = [(f"pw-{n}", encryption_context(user_ids[n])) for n in numbers]
            ciphertexts = server.encrypt_many(settings.askue_key_id, requests)
            for n, ciphertext in zip(numbers, ciphertexts, strict=True):
                batch.put_item(Item=link_item(link(n, ciphertext)))
    return user_ids


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


def fetches_at_once(calls: int, rounds: int = 7) -> float:
    """The median time of `calls` ASKUE fetches made at once (as a batch's threads make them)."""
    from functions.askue.connectors import configured_connector

    connector = configured_connector()
    times = []
    with ThreadPoolExecutor(max_workers=calls) as pool:
        for _ in range(rounds):
            began = time.perf_counter()
            list(pool.map(lambda n: connector.fetch_latest(f"load-{n}", f"pw-{n}"), range(calls)))
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


@contextmanager
def handler_cpu(profile: "cProfile.Profile | None" = None) -> Iterator[list[float]]:
    """The CPU time spent inside the worker's handler (its threads run only while it is called),
    summed into the list's one element; the SQS polling around it is left out, as on AWS.

    With `profile`, the handler runs under it, each batch's accounts one after another in the
    calling thread (cProfile sees one thread): where the CPU goes, not how fast the worker is."""
    from functions.askue import worker
    from infra.lambda_runtime import load_handler

    pool = worker._pool
    if profile is not None:  # the batch's accounts one after another, in the profiled thread

        class InThisThread:
            map = staticmethod(map)

        worker._pool = InThisThread()  # type: ignore[assignment]

    spent = [0.0]
    handler = worker.lambda_handler
    load_handler.cache_clear()  # it holds the handler as imported

    def timed(event: dict[str, Any], context: Any) -> Any:
        began = time.process_time()
        try:
            if profile is None:
                return handler(event, context)
            return profile.runcall(handler, event, context)
        finally:
            spent[0] += time.process_time() - began

    worker.lambda_handler = timed  # type: ignore[assignment]
    try:
        yield spent
    finally:
        worker.lambda_handler = handler  # type: ignore[assignment]
        load_handler.cache_clear()
        worker._pool = pool


# AWS: "At 1,769 MB, a function has the equivalent of one vCPU"; CPU is allotted in proportion to memory.
FULL_VCPU_MB = 1769


def worker_memory_mb() -> int:
    """The worker's MemorySize in template.yaml (its own, else the Globals')."""
    from infra.template import load_template, resources

    template = load_template()
    own = resources(template, "AWS::Serverless::Function")[WORKER]["Properties"].get("MemorySize")
    return int(own or template["Globals"]["Function"]["MemorySize"])


def stand_in_waits(world: Any, user_id: str, samples: int = 30) -> tuple[float, float]:
    """One KMS Decrypt and one snapshot PutItem (of the rows ASKUE gives) alone, as the worker makes
    them: medians."""
    from functions.askue.connectors import configured_connector
    from functions.askue.crypto import encrypt_password
    from functions.askue.models import Snapshot
    from functions.askue.service import decrypt_password
    from functions.askue.settings import askue_settings
    from functions.askue.store import AskueStore
    from functions.common.clock import now

    ciphertext = encrypt_password(user_id, "probe")
    store = AskueStore(askue_settings().askue_table)
    rows = configured_connector().fetch_latest("load-0", "pw-0")
    snapshot = Snapshot(rows=rows, fetched_at=now(), login="probe", source="sync")
    decrypts, puts = [], []
    for _ in range(samples):
        began = time.perf_counter()
        decrypt_password(user_id, ciphertext)
        decrypts.append(time.perf_counter() - began)
        began = time.perf_counter()
        store.save_snapshot("stand-in-probe", snapshot.model_copy(update={"fetched_at": now()}))
        puts.append(time.perf_counter() - began)
    return statistics.median(decrypts), statistics.median(puts)


@contextmanager
def standing_in(waits: tuple[float, float] | None, written: Counter[str]) -> Iterator[None]:
    """With `waits`, the worker's Decrypt and its batch's snapshot write become waits (see `sync`);
    each password is the one `link_accounts` gave (pw-<n> for load-<n>), each snapshot counted in
    `written`."""
    if waits is None:
        yield
        return
    import threading

    from functions.askue import service
    from functions.askue.store import AskueStore

    decrypt, save = service.decrypt_password, AskueStore.save_snapshots
    lock = threading.Lock()

    def decrypt_password(user_id: str, ciphertext: bytes) -> str:
        time.sleep(waits[0])
        return f"pw-{int(user_id.rsplit('-', 1)[1])}"

    def save_snapshots(self: AskueStore, snapshots: dict[str, Any]) -> set[str]:
        time.sleep(waits[1])  # the batch's snapshots in one call
        with lock:
            written.update(snapshots.keys())
        return set()

    service.decrypt_password = decrypt_password  # type: ignore[assignment]
    AskueStore.save_snapshots = save_snapshots  # type: ignore[method-assign]
    try:
        yield
    finally:
        service.decrypt_password = decrypt
        AskueStore.save_snapshots = save  # type: ignore[method-assign]


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) a process has used so far (Linux's /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def purge(queue_url: str) -> None:
    """Empties the queue; SQS allows one purge a minute per queue (moto too): waits for it."""
    import boto3

    sqs = boto3.client("sqs", region_name=REGION)
    try:
        sqs.purge_queue(QueueUrl=queue_url)
    except sqs.exceptions.PurgeQueueInProgress:
        time.sleep(61)
        sqs.purge_queue(QueueUrl=queue_url)


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
    purge(queue_url)
    tracemalloc.start()
    try:
        events.fire(PLANNER)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure_planner(server: Any, counts: list[int], askue_url: str) -> dict[int, tuple[Any, list[str]]]:
    """The planner at each count, each in a fresh world; returns the last world and its accounts
    (by count), which the sync of the same count goes on with instead of linking them again."""
    from benchmarks.moto_server import remote_world
    from infra.events import LocalEvents

    print(
        f"{'accounts':>9} {'linked in':>10} {'planned in':>11} {'per 1,000':>10}"
        f" {'peak memory':>12} {'per 1,000':>10}"
    )
    last: dict[int, tuple[Any, list[str]]] = {}
    for count in counts:
        server.reset()
        world = remote_world({"AskueBaseUrl": askue_url})
        events = LocalEvents(world, log=print)
        began = time.perf_counter()
        users = link_accounts(count, server=server)
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
        last = {count: (world, users)}
    return last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--accounts", default="10000", help="account counts synced, comma-separated (0: none)"
    )
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--plan", default="1000,10000", help="account counts the planner is measured at")
    parser.add_argument("--with-readings", action="store_true", help="also feed the readings history")
    parser.add_argument(
        "--stand-ins",
        action="store_true",
        help="KMS Decrypt and the snapshot's PutItem replaced by waits as long as one such call alone",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the worker's handler (accounts one after another)"
    )
    args = parser.parse_args()

    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"  # the benchmark prints its own tables
    simulator, askue_url = start_simulator(args.latency_ms)
    from benchmarks.moto_server import moto_server, remote_world
    from functions.askue import worker

    if not args.with_readings:
        worker.record_askue_readings = lambda user_id, rows: None  # type: ignore[assignment]
    try:
        with moto_server(fast_sqs=True) as server:
            plan = [int(n) for n in args.plan.split(",")] if args.plan else []
            if plan:
                print("\n== the planner, each size in a world of its own")
            planned = measure_planner(server, plan, askue_url) if plan else {}
            counts = [int(n) for n in args.accounts.split(",") if int(n)]
            # The planner's kept world first: any other size starts by emptying the server.
            for count in sorted(counts, key=lambda n: n not in planned):
                print(f"\n== {count:,} accounts, ASKUE answering in {args.latency_ms:g} ms")
                if count in planned:
                    world, users = planned.pop(count)
                else:
                    server.reset()
                    world = remote_world({"AskueBaseUrl": askue_url})
                    users = link_accounts(count, server=server)
                sync(world, users, server, stand_ins=args.stand_ins, profile=args.profile)
    finally:
        simulator.kill()
        simulator.wait()


def sync(
    world: Any, users: list[str], server: Any, *, stand_ins: bool = False, profile: bool = False
) -> float:
    """ONE worker syncs `users` (linked in `world`); prints its rate against the bounds and checks
    that every account got exactly one snapshot; returns the rate (accounts per second).

    With `stand_ins`, each account's two calls to moto around its fetch (KMS Decrypt before, the
    snapshot's PutItem after) are replaced by waits as long as one such call alone takes in this run,
    made without moto: an AWS whose calls from different threads are answered side by side, as
    KMS's and DynamoDB's are, and not one after another as moto's server answers them. The link
    reads (a BatchGetItem a batch) and SQS stay moto's. A model, to tell what the worker's threads
    reach from what the emulator allows; the run without it is the measurement."""
    from infra.events import LocalEvents

    events = LocalEvents(world, log=print)
    batch = events.queues[WORKER].batch_size
    purge(world.refs["AskueSyncQueue"])  # what the planner's measurement left
    with Path(os.devnull).open("w") as sink, redirect_stdout(sink):  # the worker's metric lines (EMF)
        latency = fetch_latency()
        alone = one_account_seconds(events)
    print(f"one ASKUE fetch: {latency * 1000:.1f} ms; ten at once: {fetches_at_once(batch) * 1000:.1f} ms")
    print(f"one account alone through the worker (its AWS calls and the fetch): {alone * 1000:.1f} ms")
    one, many = emulated_concurrency(world.refs["AskueKey"], batch)
    print(f"moto: one KMS Decrypt {one * 1000:.1f} ms, ten at once {many * 1000:.1f} ms = {many / one:.1f}×")

    written: Counter[str] = Counter()
    if stand_ins:
        waits = stand_in_waits(world, users[0])
        print(
            f"stand-ins: Decrypt waits {waits[0] * 1000:.1f} ms, PutItem {waits[1] * 1000:.1f} ms"
            " (each one call alone, median)"
        )
    queued, seconds = plan_once(events)
    print(f"planned {queued:,} accounts in {seconds:.1f} s")

    profiler = cProfile.Profile() if profile else None
    began, worker_cpu, moto_cpu = time.perf_counter(), time.process_time(), cpu_seconds(server.process.pid)
    with (
        Path(os.devnull).open("w") as sink,
        redirect_stdout(sink),
        handler_cpu(profiler) as in_handler,
        standing_in(waits if stand_ins else None, written),
    ):
        deliveries = events.drain(WORKER, timeout=3600 * 4)
    elapsed = time.perf_counter() - began
    if profiler is not None:
        print("\nthe worker's handler under cProfile (accounts one after another), by own time:")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    worker_cpu, moto_cpu = time.process_time() - worker_cpu, cpu_seconds(server.process.pid) - moto_cpu
    synced = sum(d.records - d.failed for d in deliveries)
    failed = sum(d.failed for d in deliveries)
    busy = sum(d.seconds for d in deliveries)
    rate = synced / busy

    every = written if stand_ins else snapshots_per_user(world.refs["AskueTable"])
    counts = Counter({user: n for user, n in every.items() if user.startswith("bench-")})
    server.restore_counts()
    depths: dict[str, Any] = events.queue_depths()["AskueSyncQueue"]
    server.drop_counts()
    exactly_once = len(counts) == len(users) and set(counts.values()) == {1}
    bound = batch / latency
    memory = worker_memory_mb()
    print(
        f"one worker: {synced:,} accounts in {busy:.1f} s inside the handler = {rate:.1f} accounts/s"
        f"\nbound: batch {batch} ÷ {latency * 1000:.1f} ms = {bound:.1f} accounts/s;"
        f" reached {rate / bound:.0%} (target ≥ 85%)"
        f"\none account alone: batch {batch} ÷ {alone * 1000:.1f} ms = {batch / alone:.1f} accounts/s;"
        f" reached {rate * alone / batch:.0%}"
    )
    print(
        f"CPU while draining: moto's server {moto_cpu:.1f} s = {moto_cpu / elapsed:.0%} of one core"
        f" (one process: its GIL runs one thread at a time), this process (worker and SQS polling)"
        f" {worker_cpu:.1f} s = {worker_cpu / elapsed:.0%}; this machine has {os.cpu_count()} cores"
        f"\nthe worker's own CPU (inside its handler): {in_handler[0] / synced * 1000:.2f} ms an account;"
        f" moto's: {moto_cpu / synced * 1000:.2f} ms an account"
        f"\non Lambda the worker has {memory:,} MB = {memory / FULL_VCPU_MB:.2f} of a vCPU (a full one at"
        f" {FULL_VCPU_MB:,} MB): its own CPU alone allows at most"
        f" {memory / FULL_VCPU_MB / (in_handler[0] / synced):.0f} accounts/s an environment"
        " (with a core like this one)"
        f"\nend to end, with this machine's SQS emulation polled one batch at a time:"
        f" {elapsed:.1f} s = {synced / elapsed:.1f} accounts/s"
        f"\nfailed deliveries: {failed}; queue left {depths['waiting'] + depths['in_flight']},"
        f" dead-lettered {depths['dead_lettered']}"
        f"\nevery account exactly one new snapshot: {'yes' if exactly_once else 'NO'}",
        flush=True,
    )
    if not exactly_once or failed or queued != len(users) or depths["dead_lettered"]:
        sys.exit(1)
    return rate


if __name__ == "__main__":
    main()
