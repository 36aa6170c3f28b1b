"""The benchmarks' AWS in a process of its own, as AWS is to a Lambda function: moto's server.

`with moto_server() as endpoint:` starts `python -m benchmarks.moto_server` (moto's server with this
repository's faithfulness patches, `infra/moto_patches.py`), waits until it answers, points every
boto3 client of this process at it (`AWS_ENDPOINT_URL`, fake credentials, the region) and stops it
at the end. `remote_world(overrides)` then builds the world of template.yaml in it and puts the
functions' environment into `os.environ`; `reset()` empties the server for the next world.

Its work is then CPU of another process: the function's threads wait on sockets as they would on
AWS, instead of running moto under their own GIL (benchmarks/moto_world.py, in-process, is what the
tests use). `fast_sqs=True` applies `faster_sqs_attributes` in the server (see there); the server's
stdin takes the line `counts` to bring the message counts back for a final check, and
`encrypt <order>` for `MotoServer.encrypt_many`.
"""

import argparse
import base64
import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.moto_world import REGION  # noqa: E402
from tests.stack import free_port  # noqa: E402

if TYPE_CHECKING:
    from infra.world import World


def faster_sqs_attributes() -> Callable[[], None]:
    """Takes off what moto's SQS costs per message in proportion to the queue, where SQS's cost does
    not grow with it; what SQS does is unchanged. Without it a run of n messages is O(n²) in the
    emulator, and 100,000 messages would measure moto for hours instead of the functions:

    - moto recomputes every attribute of a queue, counting all its messages, whenever it reads one
      (for each message sent and each handed out): only the attribute it needs is read (the counts
      come back with the returned function, for the final check);
    - a ReceiveMessage lists every visible message before taking the first ten: it now walks the
      queue in order and stops at them;
    - a DeleteMessage scans the whole queue twice for the receipt handle and rebuilds it: a handle
      now finds its message in a dict (filled as messages are received) and the message leaves the
      queue in one step; a handle it does not know goes the old way (its errors unchanged).
    Idempotent."""
    from moto.core.utils import unix_time
    from moto.sqs.models import Message, Queue, SQSBackend

    def retained(self: SQSBackend, queue_name: str, message: Message) -> bool:
        retention = int(self.get_queue(queue_name).message_retention_period)
        return bool(retention + message.sent_timestamp / 1000 > unix_time())  # type: ignore[operator]

    SQSBackend.is_message_valid_based_on_retention_period = retained  # type: ignore[method-assign]
    counted = list(Queue.BASE_ATTRIBUTES)
    Queue.BASE_ATTRIBUTES = [name for name in counted if not name.startswith("ApproximateNumberOf")]
    if not getattr(Queue, "_scalable", False):
        Queue._scalable = True  # type: ignore[attr-defined]
        Queue.messages = property(_VisibleMessages)  # type: ignore[assignment, method-assign]
        received = Message.mark_received
        by_handle: dict[str, Message] = {}

        def mark_received(self: Message, visibility_timeout: int | None = None) -> None:
            received(self, visibility_timeout)
            by_handle[str(self.receipt_handle)] = self

        deleted = Queue.delete_message

        def delete_message(self: Queue, receipt_handle: str) -> None:
            message = by_handle.get(receipt_handle)
            if receipt_handle in self.deleted_messages or message is None or message not in self._messages:
                deleted(self, receipt_handle)
                return
            self._messages.remove(message)
            self.pending_messages.discard(message)
            handles = message.all_receipt_handles  # type: ignore[attr-defined]
            self.deleted_messages.update(handles)
            for handle in handles:
                by_handle.pop(handle, None)

        Message.mark_received = mark_received  # type: ignore[method-assign]
        Queue.delete_message = delete_message  # type: ignore[method-assign]

    def restore_counts() -> None:
        Queue.BASE_ATTRIBUTES = counted

    return restore_counts


class _VisibleMessages:
    """A queue's visible messages, in order, found as they are walked (moto's `Queue.messages` is
    the whole list, built on every read)."""

    def __init__(self, queue: Any) -> None:
        self._queue = queue

    def __iter__(self) -> Iterator[Any]:
        # A copy of the list's references: another thread's delete must not shift the walk.
        return (m for m in list(self._queue._messages) if m.visible and not m.delayed)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        return any(True for _ in self)


def serve(port: int, fast_sqs: bool) -> None:
    """The server process: patches, then moto's threaded server until stdin closes."""
    import logging

    from moto.server import ThreadedMotoServer

    from infra.moto_patches import atomic_dynamodb_requests, cheaper_server_dispatch, cognito_sign_out_by_user

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    atomic_dynamodb_requests()
    cognito_sign_out_by_user()
    cheaper_server_dispatch()
    restore_counts = faster_sqs_attributes() if fast_sqs else (lambda: None)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "counts":
            restore_counts()
            print("ok", flush=True)
        elif line.strip() == "fast":
            if fast_sqs:
                restore_counts = faster_sqs_attributes()
            print("ok", flush=True)
        elif line.startswith("encrypt "):
            print(json.dumps(_encrypt_many(json.loads(line.removeprefix("encrypt ")))), flush=True)
    server.stop()


def _encrypt_many(order: dict[str, Any]) -> list[str]:
    """What KMS Encrypt answers for each (plaintext, encryption context) of `order`, made by moto's
    own KMS of this server without HTTP (the benchmarks' bulk setup; the same ciphertexts an Encrypt
    call gets, which the functions decrypt through the API as usual)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.kms.models import kms_backends

    kms = kms_backends[DEFAULT_ACCOUNT_ID][order["region"]]
    return [
        base64.b64encode(kms.encrypt(order["key"], plaintext.encode(), context)[0]).decode()
        for plaintext, context in order["requests"]
    ]


class MotoServer:
    def __init__(self, process: "subprocess.Popen[str]", endpoint: str) -> None:
        self.process = process
        self.endpoint = endpoint

    def reset(self) -> None:
        """Forgets every resource (moto's own reset API): the next world starts empty."""
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=30):  # noqa: S310 (local)
            pass

    def encrypt_many(self, key_id: str, requests: list[tuple[str, dict[str, str]]]) -> list[bytes]:
        """KMS Encrypt of each (plaintext, encryption context), made inside the server in one step:
        for linking thousands of accounts, which one Encrypt call each would take minutes for."""
        assert self.process.stdin is not None and self.process.stdout is not None
        order = {"key": key_id, "region": REGION, "requests": requests}
        self.process.stdin.write("encrypt " + json.dumps(order) + "\n")
        self.process.stdin.flush()
        return [base64.b64decode(blob) for blob in json.loads(self.process.stdout.readline())]

    def restore_counts(self) -> None:
        """Brings SQS's message counts back, for a final check."""
        self._command("counts")

    def drop_counts(self) -> None:
        """Takes SQS's message counts off again (`faster_sqs_attributes`), for the next run."""
        self._command("fast")

    def _command(self, line: str) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        self.process.stdout.readline()


@contextmanager
def moto_server(*, fast_sqs: bool = False) -> Iterator[MotoServer]:
    port = free_port()
    command = [sys.executable, "-m", "benchmarks.moto_server", "--port", str(port)]
    process = subprocess.Popen(
        command + (["--fast-sqs"] if fast_sqs else []),
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        if not process.stdout.readline():
            raise RuntimeError("moto's server did not start")
        endpoint = f"http://127.0.0.1:{port}"
        os.environ.update(
            AWS_ENDPOINT_URL=endpoint,
            AWS_REGION=REGION,
            AWS_DEFAULT_REGION=REGION,
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",  # noqa: S106 (moto's)
        )
        os.environ.pop("AWS_PROFILE", None)
        yield MotoServer(process, endpoint)
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def remote_world(overrides: Mapping[str, str] | None = None, log_level: str = "WARNING") -> "World":
    """The world of template.yaml, built in the server `moto_server()` started."""
    import boto3
    from botocore.config import Config

    from functions.common import aws
    from functions.common.aws import reset_clients
    from functions.common.settings import load_settings
    from infra.world import build_world

    boto3.setup_default_session()
    # The functions' read timeout (2 s: a DynamoDB call that takes that long is a fault) is made
    # longer here: moto answers a Query on an index by walking the whole table, which at 100,000
    # accounts takes seconds where DynamoDB takes milliseconds. Retries and everything else as set.
    aws._CONFIG = aws._CONFIG.merge(Config(read_timeout=300))
    reset_clients()
    load_settings.cache_clear()  # the handlers of this process read the new world's names
    world = build_world(boto3.Session(region_name=REGION), overrides=overrides)
    os.environ.update(world.environment)
    os.environ["POWERTOOLS_LOG_LEVEL"] = log_level
    return world


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fast-sqs", action="store_true")
    arguments = parser.parse_args()
    serve(arguments.port, arguments.fast_sqs)
