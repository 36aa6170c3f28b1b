"""How long `make run` takes to be ready, against a bare moto server started the same way.

Both are fresh interpreters started from this venv, interleaved, median of several runs; the ratio
is what to watch (this machine is shared and noisy, absolute seconds are not comparable). "Ready" is
the outbox answering (the stack's own readiness check, polled every 0.2 s); "first API answer" adds
a login with a wrong password through the gateway, the auth handler (imported on its first request)
and moto's Cognito — the first thing a person does.

    .venv/bin/python benchmarks/local_start.py [runs]
"""

import json
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.stack import ROOT, free_port, start_local_stack

BARE_MOTO = """
import sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]), verbose=False)
server.start()
print("ready", flush=True)
sys.stdin.read()
"""


def bare_moto_seconds() -> float:
    port = free_port()
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", BARE_MOTO, str(port)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1).close()
            break
        except OSError:
            time.sleep(0.02)
    elapsed = time.perf_counter() - began
    process.kill()
    process.wait()
    return elapsed


def portal_seconds() -> tuple[float, float]:
    """Until ready, and until the first answer of the API."""
    began = time.perf_counter()
    stack = start_local_stack()
    ready = time.perf_counter() - began
    login = urllib.request.Request(  # noqa: S310 (the local stack's http URL)
        f"{stack.url}/api/auth/login",
        data=json.dumps({"email": "nobody@example.ru", "password": "wrong-password"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        urllib.request.urlopen(login, timeout=30).close()  # noqa: S310 (the local stack)
    except urllib.error.HTTPError as refused:  # 401: the answer we wait for
        assert refused.code == 401, refused.code
    answered = time.perf_counter() - began
    stack.stop()
    return ready, answered


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    bare, ready, answered = [], [], []
    for _ in range(runs):
        bare.append(bare_moto_seconds())
        portal = portal_seconds()
        ready.append(portal[0])
        answered.append(portal[1])
    bare_median, ready_median = statistics.median(bare), statistics.median(ready)
    print(f"bare moto server ready:   {bare_median:.2f} s (median of {runs})")
    print(f"whole local portal ready: {ready_median:.2f} s (median of {runs})")
    print(f"first API answer (login): {statistics.median(answered):.2f} s after start")
    print(f"ratio portal / bare moto: {ready_median / bare_median:.2f}")


if __name__ == "__main__":
    main()
