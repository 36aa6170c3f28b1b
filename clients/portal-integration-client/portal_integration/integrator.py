"""The integrator's entry point to the generated client, written by hand (infra/client_templates/
integrator.py, copied into the package by `make openapi` and kept across generations).

- `IntegrationClient(base_url, api_key)`: the key goes in `x-api-key` (the integration routes' scheme;
  `Authorization: Bearer` is refused with 403). Its transport retries what the API says to retry —
  429, 503 and 504, and a connection lost before an answer — after the answer's `Retry-After` or an
  exponential back-off with jitter, and gives every write an `Idempotency-Key` (the caller's if set),
  the same on each retry: the API then does the write once and answers a retry as the first time.
- `feed_pages(operation, client=..., after=...)`: the pages of an `after=` feed (`list_changes`,
  `list_billing_readings`) up to the newest; keep `page.next_after` once a page is handled.
- `cursor_pages(operation, client=..., **params)`: the pages of a `cursor=` list (`list_requests`,
  `list_objects_to_confirm`).
A refusal (problem details) raises `ProblemError` from the page helpers.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx
from attrs import define, field

from .client import AuthenticatedClient
from .models.problem_details import ProblemDetails
from .types import UNSET

RETRIED_STATUSES = frozenset({429, 503, 504})
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
IDEMPOTENCY_HEADER = "Idempotency-Key"


@define(frozen=True)
class RetryPolicy:
    """How often and how long to retry: `attempts` in all (1 = no retry); without `Retry-After`,
    up to `base_delay * 2**n` seconds (full jitter), never more than `max_delay`."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, retry: int, retry_after: str | None) -> float:
        stated = _seconds(retry_after)
        if stated is not None:
            return min(stated, self.max_delay)
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**retry))  # noqa: S311  # nosec B311 (jitter, not secrecy)


def _seconds(retry_after: str | None) -> float | None:
    """`Retry-After` as seconds: a number of seconds or an HTTP date (RFC 9110, 10.2.3)."""
    if not retry_after:
        return None
    if retry_after.strip().isdigit():
        return float(retry_after.strip())
    try:
        when = parsedate_to_datetime(retry_after)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _with_idempotency_key(request: httpx.Request) -> None:
    if request.method in WRITES and IDEMPOTENCY_HEADER not in request.headers:
        request.headers[IDEMPOTENCY_HEADER] = str(uuid.uuid4())


class RetryingTransport(httpx.BaseTransport):
    """Sends a request again, with the same Idempotency-Key, while the API says to retry."""

    def __init__(
        self,
        policy: RetryPolicy,
        inner: httpx.BaseTransport,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.policy, self.inner, self._sleep = policy, inner, sleep

    def sleep(self, seconds: float) -> None:
        (self._sleep or time.sleep)(seconds)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _with_idempotency_key(request)
        request.read()  # the body, to send again
        for retry in range(self.policy.attempts):
            last = retry == self.policy.attempts - 1
            try:
                response = self.inner.handle_request(request)
            except httpx.TransportError:
                if last:
                    raise
                self.sleep(self.policy.delay(retry, None))
                continue
            if response.status_code not in RETRIED_STATUSES or last:
                return response
            response.read()
            response.close()
            self.sleep(self.policy.delay(retry, response.headers.get("Retry-After")))
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    def close(self) -> None:
        self.inner.close()


class AsyncRetryingTransport(httpx.AsyncBaseTransport):
    """RetryingTransport for the async functions (`asyncio` functions of each operation)."""

    def __init__(self, policy: RetryPolicy, inner: httpx.AsyncBaseTransport) -> None:
        self.policy, self.inner = policy, inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import asyncio

        _with_idempotency_key(request)
        await request.aread()
        for retry in range(self.policy.attempts):
            last = retry == self.policy.attempts - 1
            try:
                response = await self.inner.handle_async_request(request)
            except httpx.TransportError:
                if last:
                    raise
                await asyncio.sleep(self.policy.delay(retry, None))
                continue
            if response.status_code not in RETRIED_STATUSES or last:
                return response
            await response.aread()
            await response.aclose()
            await asyncio.sleep(self.policy.delay(retry, response.headers.get("Retry-After")))
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    async def aclose(self) -> None:
        await self.inner.aclose()


@define
class IntegrationClient(AuthenticatedClient):
    """`IntegrationClient(base_url, api_key)`: the integrator's key in `x-api-key`, retries with
    back-off and an Idempotency-Key on every write (`retry=RetryPolicy(attempts=1)` turns retries off).
    `transport`: what the retries of the sync calls send through (default httpx's HTTPTransport)."""

    token: str = field(alias="api_key")
    prefix: str = ""
    auth_header_name: str = "x-api-key"
    retry: RetryPolicy = field(factory=RetryPolicy, kw_only=True)
    transport: httpx.BaseTransport | None = field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self._timeout is None:
            self._timeout = httpx.Timeout(30.0)  # the API answers within API Gateway's 29 s

    def get_httpx_client(self) -> httpx.Client:
        if self._client is None and "transport" not in self._httpx_args:
            inner = self.transport or httpx.HTTPTransport(verify=self._verify_ssl)
            self.set_httpx_client(self._built(httpx.Client, RetryingTransport(self.retry, inner)))
        return super().get_httpx_client()

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        if self._async_client is None and "transport" not in self._httpx_args:
            inner = httpx.AsyncHTTPTransport(verify=self._verify_ssl)
            transport = AsyncRetryingTransport(self.retry, inner)
            self.set_async_httpx_client(self._built(httpx.AsyncClient, transport))
        return super().get_async_httpx_client()

    def _built(self, kind: Callable[..., Any], transport: Any) -> Any:
        headers = {**self._headers, self.auth_header_name: self.token}
        return kind(
            base_url=self._base_url,
            cookies=self._cookies,
            headers=headers,
            timeout=self._timeout,
            follow_redirects=self._follow_redirects,
            transport=transport,
            **self._httpx_args,
        )


class ProblemError(Exception):
    """A refusal in problem details (RFC 9457): `status`, `problem.title`, `problem.detail`."""

    def __init__(self, status: int, problem: ProblemDetails | None) -> None:
        detail = f"{problem.title}: {problem.detail}" if problem is not None else "no problem details"
        super().__init__(f"HTTP {status}: {detail}")
        self.status, self.problem = status, problem


Page = TypeVar("Page")


def _page(operation: Any, client: AuthenticatedClient, page_type: type[Page], params: dict[str, Any]) -> Page:
    answer = operation.sync_detailed(client=client, **params)
    if isinstance(answer.parsed, page_type):
        return answer.parsed
    problem = answer.parsed if isinstance(answer.parsed, ProblemDetails) else None
    raise ProblemError(int(answer.status_code), problem)


def _page_type(operation: Any) -> type[Any]:
    """The operation's 200 model (FeedPage, IntegrationPage, …), from its `sync` annotation."""
    import typing

    hints = typing.get_type_hints(operation.sync)
    choices = typing.get_args(hints["return"])
    [page] = [c for c in choices if isinstance(c, type) and c is not ProblemDetails and c is not type(None)]
    return page


def feed_pages(
    operation: Any, *, client: AuthenticatedClient, after: int = 0, **params: Any
) -> Iterator[Any]:
    """The pages of an `after=` feed from `after` up to the newest change (`has_more` false)."""
    page_type = _page_type(operation)
    while True:
        page = _page(operation, client, page_type, {**params, "after": after})
        yield page
        after = page.next_after
        if not page.has_more:
            return


def cursor_pages(operation: Any, *, client: AuthenticatedClient, **params: Any) -> Iterator[Any]:
    """The pages of a `cursor=` list, the first to the last (no `cursor` in the answer)."""
    page_type = _page_type(operation)
    cursor: Any = UNSET
    while True:
        page = _page(operation, client, page_type, {**params, "cursor": cursor})
        yield page
        cursor = page.cursor
        if cursor is None or cursor is UNSET:
            return
