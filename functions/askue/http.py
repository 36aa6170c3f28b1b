"""HTTP to ASKUE: short timeouts, one overall budget, retries with backoff for transient faults only.

A consumer waits behind API Gateway's 29 s limit, so a fetch (every attempt and pause included)
ends within `budget` seconds. Timeouts, refused or broken connections and 502/503/504 are worth
another try; wrong credentials (401/403) and every other answer are not: repeating them cannot help
and could lock the consumer's ASKUE account. The pause between attempts is the portal's one backoff
(`common/backoff.py`: full jitter, capped), and none is taken that would end past the budget.
"""

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass

import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from functions.common.backoff import full_jitter


class AskueError(Exception):
    """Something kept ASKUE's data from the portal."""


class AskueCredentialsRejected(AskueError):
    """ASKUE refused the identifier or the password (401/403)."""


class AskueUnavailable(AskueError):
    """ASKUE did not answer in time, could not be reached, or answered with a server error."""

    def __init__(self, message: str, *, timed_out: bool) -> None:
        super().__init__(message)
        self.timed_out = timed_out


class AskueBadData(AskueError):
    """ASKUE answered, but with data the portal refuses to read (malformed, hostile, wrong encoding)."""


TRANSIENT_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class HttpPolicy:
    connect_timeout: float = 2.0
    read_timeout: float = 8.0
    budget: float = 12.0
    attempts: int = 3
    backoff_base: float = 0.25
    backoff_cap: float = 2.0
    max_bytes: int = 5 * 1024 * 1024


# One pool per process, shared by the worker's threads: keep-alive connections to ASKUE.
_POOL = urllib3.PoolManager(num_pools=4, maxsize=32, block=False)


class AskueHttp:
    """GET with HTTP Basic credentials against one ASKUE base URL."""

    def __init__(
        self,
        base_url: str,
        policy: HttpPolicy = HttpPolicy(),
        *,
        pool: urllib3.PoolManager = _POOL,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._policy = policy
        self._pool = pool
        self._sleep = sleep

    def get(self, path: str, login: str, password: str, accept: str) -> bytes:
        policy = self._policy
        deadline = time.monotonic() + policy.budget
        # HTTP Basic in UTF-8 (RFC 7617): consumers' passwords may well be Cyrillic.
        token = base64.b64encode(f"{login}:{password}".encode()).decode("ascii")
        headers = {
            "Authorization": f"Basic {token}",
            "Accept": accept,
            "User-Agent": "consumer-portal-askue/1",
        }
        timed_out = False
        for attempt in range(1, policy.attempts + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0.05:
                break
            try:
                return self._attempt(f"{self._base_url}{path}", headers, remaining)
            except _Transient as fault:
                timed_out = fault.timed_out
            pause = full_jitter(attempt - 1, policy.backoff_base, policy.backoff_cap)
            if attempt == policy.attempts or time.monotonic() + pause >= deadline:
                break
            self._sleep(pause)
        raise AskueUnavailable(
            "ASKUE did not answer in time" if timed_out else "ASKUE is unreachable", timed_out=timed_out
        )

    def _attempt(self, url: str, headers: dict[str, str], remaining: float) -> bytes:
        policy = self._policy
        timeout = urllib3.Timeout(
            connect=min(policy.connect_timeout, remaining),
            read=min(policy.read_timeout, remaining),
            total=remaining,
        )
        try:
            response = self._pool.request(
                "GET",
                url,
                headers=headers,
                timeout=timeout,
                retries=False,
                redirect=False,
                preload_content=False,
            )
        except NewConnectionError as error:  # before TimeoutError: urllib3 makes it a subclass
            raise _Transient(timed_out=False) from error
        except Urllib3Timeout as error:
            raise _Transient(timed_out=True) from error
        except (Urllib3Error, OSError) as error:
            raise _Transient(timed_out=False) from error
        try:
            if response.status in (401, 403):
                raise AskueCredentialsRejected(f"ASKUE answered {response.status}")
            if response.status in TRANSIENT_STATUSES:
                raise _Transient(timed_out=response.status == 504)
            if response.status != 200:
                raise AskueUnavailable(f"ASKUE answered {response.status}", timed_out=False)
            body = self._body(response)
        except BaseException:
            # An unread or oversized body would poison the next request on this connection.
            response.close()
            raise
        response.release_conn()
        return body

    def _body(self, response: urllib3.BaseHTTPResponse) -> bytes:
        limit = self._policy.max_bytes
        try:
            body = response.read(limit + 1)
        except Urllib3Timeout as error:
            raise _Transient(timed_out=True) from error
        except (Urllib3Error, OSError) as error:
            raise _Transient(timed_out=False) from error
        if len(body) > limit:
            raise AskueBadData(f"the answer is larger than {limit} bytes")
        return body


class _Transient(Exception):
    def __init__(self, *, timed_out: bool) -> None:
        super().__init__("transient ASKUE fault")
        self.timed_out = timed_out
