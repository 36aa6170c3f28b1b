"""Runs the local stack (`python -m infra.local`, what `make run` runs) for API and browser tests."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The stack's integrators: the template's (crm, billing, support, each with its scopes) and `qa`,
# with every scope, whose key (`api_key`) the API tests of the routes use; the tests of the scopes
# use the others' keys (`integrator_keys`). Each key is test-<name>-key (infra/integrators.py).
INTEGRATOR_KEY_PREFIX = "test"
QA_INTEGRATOR = "qa"


def _integrators() -> str:
    from functions.common.integrators import Scope
    from infra.template import load_template

    default = str(load_template()["Parameters"]["Integrators"]["Default"])
    return f"{default};{QA_INTEGRATOR}=" + " ".join(scope.value for scope in Scope)


def integrator_key(name: str) -> str:
    return f"{INTEGRATOR_KEY_PREFIX}-{name}-key"


INTEGRATION_API_KEY = integrator_key(QA_INTEGRATOR)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class LocalStack:
    url: str
    moto_url: str
    api_key: str
    process: subprocess.Popen[str]
    askue_url: str = ""  # the ASKUE simulator's (infra/askue_simulator.py)
    _output: list[str] = field(default_factory=list)
    _reader: threading.Thread | None = None

    def read_output(self) -> None:
        """Keeps reading what the stack prints: an unread pipe fills up (64 KB) and blocks it."""

        def read() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self._output.append(line)

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()

    def logs(self) -> str:
        """Everything the stack (moto, the gateway, the functions' loggers) printed so far."""
        return "".join(self._output)

    def logs_so_far(self, timeout: float = 15.0) -> str:
        """Everything the stack printed up to now, read to the end: a mark is printed (POST
        /_local/mark) and waited for, so every line printed before it has been read."""
        mark = uuid.uuid4().hex
        request = urllib.request.Request(f"{self.url}/_local/mark", data=mark.encode(), method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310 (local)
            pass
        deadline = time.monotonic() + timeout
        while mark not in (logs := self.logs()):
            if time.monotonic() > deadline:
                raise AssertionError("the stack's output never showed the mark")
            time.sleep(0.05)
        return logs

    def wait_for_log(self, line: str, *, count: int, since: int, timeout: float = 15.0) -> None:
        """Waits until the stack has printed `line` `count` times after its first `since` characters
        (`len(stack.logs())` taken before)."""
        deadline = time.monotonic() + timeout
        while self.logs()[since:].count(line) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"the stack printed {line!r} fewer than {count} times")
            time.sleep(0.05)

    def change_askue_password(self, login: str) -> None:
        """The ASKUE simulator's `changing-…` account `login` refuses its password from now on."""
        query = urllib.parse.urlencode({"login": login})
        request = urllib.request.Request(  # noqa: S310 (the local simulator)
            f"{self.askue_url}/control/password-changed?{query}", method="POST"
        )
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310
            pass

    def outbox(self) -> list[dict[str, str]]:
        with urllib.request.urlopen(f"{self.url}/_local/outbox", timeout=10) as response:  # noqa: S310 (local)
            mails: list[dict[str, str]] = json.load(response)
            return mails

    def wait_for_mail(
        self, to: str, subject: str | None = None, *, since: int = 0, timeout: float = 15.0
    ) -> dict[str, str]:
        """The newest mail to `to` (with `subject`, if given) among those after the outbox's first
        `since`: mail goes through the queue, so it arrives a moment after the answer."""
        deadline = time.monotonic() + timeout
        while True:
            for mail in reversed(self.outbox()[since:]):
                if mail["to"] == to and (subject is None or mail["subject"] == subject):
                    return mail
            if time.monotonic() > deadline:
                raise AssertionError(f"no mail {subject or ''} to {to} in {timeout} s")
            time.sleep(0.2)

    def mailed_password(self, email: str, timeout: float = 15.0, *, since: int = 0) -> str:
        """The password of the newest mail to `email` that carries one, among those after the
        outbox's first `since` (waits for it to arrive)."""
        deadline = time.monotonic() + timeout
        while True:
            for mail in reversed(self.outbox()[since:]):
                match = re.search(r"[Пп]ароль: (\S+)", mail["text"])
                if mail["to"] == email and match:
                    return match.group(1)
            if time.monotonic() > deadline:
                raise AssertionError(f"no password mailed to {email}")
            time.sleep(0.2)

    def register(self, body: dict[str, Any]) -> str:
        """Registers a consumer through the API (not the form) and returns the mailed password."""
        request = urllib.request.Request(  # noqa: S310 (a local http URL)
            f"{self.url}/api/auth/register",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            assert response.status == 202
        return self.mailed_password(str(body["email"]))

    def stop(self, signum: int = signal.SIGTERM) -> str:
        """Stops the stack as `make run` is stopped; returns everything it printed."""
        self.process.send_signal(signum)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self._reader is not None:
            self._reader.join(timeout=10)
        return self.logs()


# The API and browser tests register and log in hundreds of consumers from 127.0.0.1: the web
# ACL's per-address limits (20 registrations in 5 minutes…) apply locally times this (infra/waf.py).
# A test of the limits themselves starts its stack with WAF_RATE_LIMIT_FACTOR=1.
TEST_WAF_RATE_LIMIT_FACTOR = "100"


def start_local_stack(timeout: float = 60, environment: dict[str, str] | None = None) -> LocalStack:
    """The stack as `make run` starts it; `environment` adds or overrides its settings (for example
    ASKUE_CONNECTOR=xml80020, WAF_RATE_LIMIT_FACTOR=1)."""
    port, moto_port, askue_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "WAF_RATE_LIMIT_FACTOR": TEST_WAF_RATE_LIMIT_FACTOR,
        **(environment or {}),
        "PORT": str(port),
        "MOTO_PORT": str(moto_port),
        "ASKUE_PORT": str(askue_port),
        "INTEGRATOR_KEY_PREFIX": INTEGRATOR_KEY_PREFIX,
        "INTEGRATORS": _integrators(),
        "QUIET_MAIL": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("AWS_ENDPOINT_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    stack = LocalStack(
        f"http://127.0.0.1:{port}",
        f"http://127.0.0.1:{moto_port}",
        INTEGRATION_API_KEY,
        process,
        askue_url=f"http://127.0.0.1:{askue_port}",
    )
    stack.read_output()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local stack exited:\n{stack.stop()}")
        try:
            stack.outbox()
            return stack
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the local stack did not start in {timeout} s:\n{stack.stop()}")


def same_answer(response: Any) -> Any:
    """A response's JSON as two answers of the same kind share it: without the problem's
    `request_id`, which names each request apart (functions/common/problems.py)."""
    body = response.json()
    if isinstance(body, dict):
        body.pop("request_id", None)
    return body
