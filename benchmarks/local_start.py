"""How long `make run` takes to be ready, against a bare moto server started the same way.

Both are fresh interpreters started from this venv, interleaved, median of several runs; the ratio
is what to watch (this machine is shared and noisy, absolute seconds are not comparable).

    .venv/bin/python benchmarks/local_start.py [runs]
"""

import statistics
import subprocess
import sys
import time
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


def portal_seconds() -> float:
    began = time.perf_counter()
    stack = start_local_stack()
    elapsed = time.perf_counter() - began
    stack.stop()
    return elapsed


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    bare, portal = [], []
    for _ in range(runs):
        bare.append(bare_moto_seconds())
        portal.append(portal_seconds())
    bare_median, portal_median = statistics.median(bare), statistics.median(portal)
    print(f"bare moto server ready:   {bare_median:.2f} s (median of {runs})")
    print(f"whole local portal ready: {portal_median:.2f} s (median of {runs})")
    print(f"ratio portal / bare moto: {portal_median / bare_median:.2f}")


if __name__ == "__main__":
    main()
