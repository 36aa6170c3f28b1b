"""The integrators' client (clients/portal-integration-client/, `make openapi`) as an integrator meets
it: a project that builds into a wheel with the API's version, Latin names throughout, the key in
x-api-key, retries that honour Retry-After and keep one Idempotency-Key, and pages followed to the end.
The calls go to an httpx MockTransport; tests/api/test_integration_client.py calls the local stack."""

import ast
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from portal_integration import (
    AuthenticatedClient,
    IntegrationClient,
    ProblemError,
    RetryPolicy,
    cursor_pages,
    feed_pages,
)
from portal_integration.api.integration import change_request_status, list_changes, list_objects_to_confirm
from portal_integration.integrator import RetryingTransport
from portal_integration.models import RequestStatus, StatusChange

from infra.openapi import CLIENT_DIR, CLIENT_PROJECT, DOCUMENT_PATH, build_wheel

Handler = Callable[[httpx.Request], httpx.Response]


def _identifiers(module: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.alias):
            names.update(filter(None, (node.name, node.asname)))
    return names


def test_every_name_in_the_generated_client_is_latin() -> None:
    modules = sorted(CLIENT_DIR.rglob("*.py"))

    assert len(modules) > 40
    assert [
        str(m.relative_to(CLIENT_DIR)) for m in modules if not str(m.relative_to(CLIENT_DIR)).isascii()
    ] == []
    assert {m.name: sorted(n for n in _identifiers(m) if not n.isascii()) for m in modules} == {
        m.name: [] for m in modules
    }
    assert "UploadRequestContentType" in _identifiers(CLIENT_DIR / "models" / "__init__.py")


# Runs with only the installed wheel on the path: its metadata and what it exports.
INSTALLED = """
import json, sys
from importlib.metadata import metadata
import portal_integration
from portal_integration import IntegrationClient
about = metadata("portal-integration-client")
print(json.dumps({
    "name": about["Name"], "version": about["Version"], "requires": about.get_all("Requires-Dist"),
    "file": portal_integration.__file__, "client": IntegrationClient.__name__,
}))
"""


def test_the_client_builds_into_a_wheel_that_installs_with_the_api_s_version(tmp_path: Path) -> None:
    wheel = build_wheel(CLIENT_PROJECT, tmp_path / "dist")
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--target",
            str(site),
            wheel,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    run = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); exec({INSTALLED!r})"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert run.returncode == 0, run.stderr[-2000:]
    installed = json.loads(run.stdout)
    version = json.loads(DOCUMENT_PATH.read_text(encoding="utf-8"))["info"]["version"]
    assert wheel.name == f"portal_integration_client-{version}-py3-none-any.whl"
    assert (installed["name"], installed["version"]) == ("portal-integration-client", version)
    assert any(required.startswith("httpx") for required in installed["requires"])
    assert installed["file"].startswith(str(site))
    assert installed["client"] == "IntegrationClient"
    assert (site / "portal_integration" / "py.typed").exists()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits between retries, recorded instead of slept."""
    waits: list[float] = []
    monkeypatch.setattr("portal_integration.integrator.time.sleep", waits.append)
    return waits


@pytest.fixture
def served(
    monkeypatch: pytest.MonkeyPatch, sleeps: list[float]
) -> Iterator[Callable[[Handler], list[httpx.Request]]]:
    """Makes IntegrationClient's network a handler; returns the requests it was sent."""

    def serve(handler: Handler) -> list[httpx.Request]:
        sent: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            sent.append(request)
            return handler(request)

        monkeypatch.setattr(httpx, "HTTPTransport", lambda **_: httpx.MockTransport(record))
        return sent

    yield serve


def _client(**options: Any) -> IntegrationClient:
    return IntegrationClient("https://portal.test", "the-key", **options)


def test_the_key_goes_in_x_api_key_not_as_a_bearer_token(served: Any) -> None:
    sent = served(
        lambda _: httpx.Response(200, json={"items": [], "next_after": 0, "has_more": False, "latest": 0})
    )

    with _client() as client:
        list_changes.sync(client=client, after=0)
    # The generated client's own default is the same.
    generated = AuthenticatedClient(base_url="https://portal.test", token="the-key")

    assert sent[0].headers["x-api-key"] == "the-key"
    assert "authorization" not in sent[0].headers
    assert generated.get_httpx_client().headers["x-api-key"] == "the-key"
    assert "authorization" not in generated.get_httpx_client().headers


def _problem(status: int) -> dict[str, Any]:
    return {"title": "Повторите позже", "status": status, "detail": "Сервис занят"}


def test_a_write_answered_503_is_sent_again_after_retry_after_with_the_same_idempotency_key(
    served: Any, sleeps: list[float]
) -> None:
    answers = iter(
        [
            httpx.Response(503, headers={"Retry-After": "2"}, json=_problem(503)),
            httpx.Response(429, json=_problem(429)),
        ]
    )
    sent = served(lambda _: next(answers, httpx.Response(404, json=_problem(404))))

    with _client(retry=RetryPolicy(attempts=4, base_delay=0.5)) as client:
        answer = change_request_status.sync_detailed(
            "01M8FEWQFNR64E9FA3R9R3PCS9", client=client, body=StatusChange(status=RequestStatus.IN_REVIEW)
        )

    assert answer.status_code == 404
    assert len(sent) == 3
    keys = {request.headers["Idempotency-Key"] for request in sent}
    assert len(keys) == 1 and len(keys.pop()) >= 8
    assert all(request.content == sent[0].content for request in sent)
    assert sleeps[0] == 2.0  # the answer's Retry-After
    assert 0 <= sleeps[1] <= 1.0  # no Retry-After: back-off up to 0.5 * 2**1


def test_a_caller_s_idempotency_key_is_kept_and_reads_carry_none(served: Any) -> None:
    sent = served(
        lambda _: httpx.Response(200, json={"items": [], "next_after": 0, "has_more": False, "latest": 0})
    )

    with _client() as client:
        list_changes.sync(client=client)
        client.get_httpx_client().post(
            "/api/integration/outages", json={}, headers={"Idempotency-Key": "mine-0001"}
        )

    assert "idempotency-key" not in sent[0].headers
    assert sent[1].headers["Idempotency-Key"] == "mine-0001"


def test_retries_stop_after_the_policy_s_attempts_with_the_last_answer(
    served: Any, sleeps: list[float]
) -> None:
    sent = served(lambda _: httpx.Response(429, headers={"Retry-After": "600"}, json=_problem(429)))

    with _client(retry=RetryPolicy(attempts=3, max_delay=5)) as client:
        answer = list_changes.sync_detailed(client=client)

    assert len(sent) == 3
    assert answer.status_code == 429
    assert sleeps == [5, 5]  # Retry-After: 600, at most max_delay


def test_a_lost_connection_is_retried_and_a_refusal_is_not() -> None:
    calls: list[str] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if len(calls) == 1:
            raise httpx.ConnectError("reset", request=request)
        return httpx.Response(409 if request.method == "PATCH" else 200)

    sleeps: list[float] = []
    transport = RetryingTransport(RetryPolicy(), httpx.MockTransport(flaky), sleep=sleeps.append)
    with httpx.Client(transport=transport, base_url="https://portal.test") as http:
        assert http.get("/x").status_code == 200
        assert http.patch("/x", json={}).status_code == 409

    assert calls == ["GET", "GET", "PATCH"]
    assert len(sleeps) == 1


def test_retry_after_as_an_http_date_and_the_longest_wait() -> None:
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    policy = RetryPolicy(max_delay=30)
    in_20_seconds = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)

    assert 15 <= policy.delay(0, in_20_seconds) <= 20
    assert policy.delay(0, "3600") == 30
    assert policy.delay(0, "Wed, 21 Oct 2015 07:28:00 GMT") == 0  # already past
    assert all(0 <= policy.delay(3, None) <= 4.0 for _ in range(50))  # 0.5 * 2**3, full jitter


def _feed(after: int, limit: int) -> dict[str, Any]:
    latest = 5
    items = [
        {
            "sequence": n,
            "event_id": f"e{n}",
            "type": "portal.request.filed.v1",
            "recorded_at": "2030-01-10T09:00:00Z",
            "detail": {"n": n},
        }
        for n in range(after + 1, min(after + limit, latest) + 1)
    ]
    return {
        "items": items,
        "next_after": items[-1]["sequence"] if items else after,
        "has_more": bool(items) and items[-1]["sequence"] < latest,
        "latest": latest,
    }


def test_feed_pages_follow_the_feed_from_the_cursor_to_the_newest_change(served: Any) -> None:
    sent = served(
        lambda request: httpx.Response(
            200, json=_feed(int(request.url.params["after"]), int(request.url.params["limit"]))
        )
    )

    with _client() as client:
        pages = list(feed_pages(list_changes, client=client, after=1, limit=2))

    assert [[item.sequence for item in page.items] for page in pages] == [[2, 3], [4, 5]]
    assert pages[-1].next_after == 5
    assert [request.url.params["after"] for request in sent] == ["1", "3"]


def test_cursor_pages_follow_a_list_to_its_last_page_and_a_refusal_raises(served: Any) -> None:
    def objects(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("limit") == "0":
            return httpx.Response(
                403, json={"type": "x", "title": "Нет доступа", "status": 403, "detail": "Ключ"}
            )
        cursor = request.url.params.get("cursor")
        return httpx.Response(
            200, json={"items": [], "cursor": None if cursor == "b" else ("b" if cursor else "a")}
        )

    sent = served(objects)

    with _client() as client:
        pages = list(cursor_pages(list_objects_to_confirm, client=client))
        with pytest.raises(ProblemError) as refused:
            next(cursor_pages(list_objects_to_confirm, client=client, limit=0))

    assert len(pages) == 3
    assert [request.url.params.get("cursor") for request in sent[:3]] == [None, "a", "b"]
    assert refused.value.status == 403
    assert refused.value.problem is not None and refused.value.problem.title == "Нет доступа"


def test_the_async_calls_retry_too_with_one_idempotency_key(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if len(sent) == 1:
            return httpx.Response(503, headers={"Retry-After": "0"}, json=_problem(503))
        return httpx.Response(404, json=_problem(404))

    monkeypatch.setattr(httpx, "AsyncHTTPTransport", lambda **_: httpx.MockTransport(handler))

    async def move() -> int:
        async with _client() as client:
            answer = await change_request_status.asyncio_detailed(
                "01M8FEWQFNR64E9FA3R9R3PCS9", client=client, body=StatusChange(status=RequestStatus.IN_REVIEW)
            )
            return int(answer.status_code)

    assert asyncio.run(move()) == 404
    assert len(sent) == 2
    assert sent[0].headers["Idempotency-Key"] == sent[1].headers["Idempotency-Key"]
    assert sent[0].headers["x-api-key"] == "the-key"
