"""The integration routes called as an integrator would: through the installable client generated from
the committed OpenAPI document (`make openapi`, clients/portal-integration-client/), against the local
stack — with its preset (`IntegrationClient`: the key in x-api-key, retries, Idempotency-Key) and its
paging helpers.

If the document and the API disagreed, the generated client would send what the API refuses or fail
to read what it answers: these tests are the integrator's side of the contract."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from portal_integration import IntegrationClient, RetryPolicy, feed_pages
from portal_integration.api.integration import change_request_status as change_status
from portal_integration.api.integration import (
    get_request_with_thread,
    list_changes,
    list_requests,
    post_company_message,
)
from portal_integration.api.integration import reset_consumer_password as reset_password
from portal_integration.models import (
    CompanyMessage,
    FeedPage,
    IntegrationMessage,
    IntegrationPage,
    IntegrationRequest,
    IntegrationRequestThread,
    PasswordReset,
    PasswordResetAccepted,
    ProblemDetails,
    RequestStatus,
    StatusChange,
)

from tests.api.test_accounts_api import new_email, register
from tests.api.test_requests_api import THEFT, create, new_consumer
from tests.stack import LocalStack


@pytest.fixture
def client(stack: LocalStack) -> Iterator[IntegrationClient]:
    # What an integrator writes: the base URL and the key (sent in x-api-key, as the apiKey scheme says).
    with IntegrationClient(stack.url, api_key=stack.api_key) as client:
        yield client


def test_an_integrator_pulls_a_new_request_and_moves_it_with_the_generated_client(
    stack: LocalStack, client: IntegrationClient
) -> None:
    since = datetime.now(UTC) - timedelta(seconds=5)
    consumer = new_consumer(stack)
    filed = create(stack, consumer, THEFT)
    assert filed.status_code == 201, filed.text
    request_id = filed.json()["id"]

    page = list_requests.sync(client=client, status=RequestStatus.REGISTERED, since=since)
    assert isinstance(page, IntegrationPage)
    assert request_id in [item.id for item in page.items]

    moved = change_status.sync(
        request_id,
        client=client,
        body=StatusChange(status=RequestStatus.IN_REVIEW, operator="CRM: Петрова А. В."),
    )
    assert isinstance(moved, IntegrationRequest)
    assert moved.status == RequestStatus.IN_REVIEW
    assert moved.history[-1].changed_by == "integrator:qa"


def test_a_refusal_reaches_the_integrator_as_typed_problem_details(
    stack: LocalStack, client: IntegrationClient
) -> None:
    answer = change_status.sync_detailed(
        "01M8FEWQFNR64E9FA3R9R3PCS9", client=client, body=StatusChange(status=RequestStatus.IN_PROGRESS)
    )

    assert answer.status_code == 404
    assert isinstance(answer.parsed, ProblemDetails)
    assert answer.parsed.title == "Не найдено"


def test_support_resets_a_consumer_s_password_with_the_generated_client(
    stack: LocalStack, client: IntegrationClient
) -> None:
    email = new_email()
    assert register(stack, email).status_code == 202
    stack.mailed_password(email)

    answer = reset_password.sync_detailed(client=client, body=PasswordReset(email=email))

    assert answer.status_code == 202
    assert isinstance(answer.parsed, PasswordResetAccepted)


def test_an_integrator_follows_the_change_feed_page_by_page_and_a_repeated_move_is_no_conflict(
    stack: LocalStack, client: IntegrationClient
) -> None:
    start = list_changes.sync(client=client, after=0, limit=1)
    assert isinstance(start, FeedPage)
    cursor = start.latest
    consumer = new_consumer(stack)
    filed = create(stack, consumer, THEFT)
    assert filed.status_code == 201, filed.text
    request_id = filed.json()["id"]
    move = StatusChange(status=RequestStatus.IN_REVIEW, expected_status=RequestStatus.REGISTERED)
    first = change_status.sync_detailed(request_id, client=client, body=move)
    again = change_status.sync_detailed(request_id, client=client, body=move)
    assert first.status_code == again.status_code == 200
    assert isinstance(again.parsed, IntegrationRequest) and again.parsed.status == RequestStatus.IN_REVIEW

    seen: list[tuple[str, str]] = []
    deadline = datetime.now(UTC) + timedelta(seconds=30)
    while len(seen) < 2 and datetime.now(UTC) < deadline:  # the relay numbers each change within seconds
        # Small pages, so that the helper follows next_after across several of them.
        for page in feed_pages(list_changes, client=client, after=cursor, limit=2):
            assert [item.sequence for item in page.items] == list(range(cursor + 1, page.next_after + 1))
            seen += [
                (item.type_, str(item.detail.additional_properties["request_id"]))
                for item in page.items
                if item.detail.additional_properties.get("request_id") == request_id
            ]
            cursor = page.next_after  # what an integrator stores once the page is handled

    assert seen == [("portal.request.filed.v1", request_id), ("portal.request.status.changed.v1", request_id)]


class LosesFirstAnswer(httpx.BaseTransport):
    """The network between the integrator and the API losing the first answer of a write after the API
    did it (as when API Gateway's 29 s run out): the client sees 504 and retries."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        answer = self.inner.handle_request(request)
        if len(self.sent) > 1 or request.method == "GET":
            return answer
        answer.read()
        answer.close()
        return httpx.Response(
            504, headers={"Retry-After": "0"}, json={"title": "Таймаут", "status": 504, "detail": ""}
        )


def test_a_write_whose_answer_is_lost_is_retried_with_its_idempotency_key_and_done_once(
    stack: LocalStack, client: IntegrationClient
) -> None:
    consumer = new_consumer(stack)
    filed = create(stack, consumer, THEFT)
    assert filed.status_code == 201, filed.text
    request_id = filed.json()["id"]
    network = LosesFirstAnswer()

    with IntegrationClient(
        stack.url, api_key=stack.api_key, transport=network, retry=RetryPolicy(attempts=3)
    ) as lossy:
        answer = post_company_message.sync_detailed(
            request_id, client=lossy, body=CompanyMessage(text="Выезд бригады назначен на завтра.")
        )

    assert answer.status_code == 201, answer.content
    assert isinstance(answer.parsed, IntegrationMessage)
    assert answer.headers.get("Idempotent-Replayed") == "true"  # the retry got the first write's answer
    [first, retry] = [request for request in network.sent if request.method == "POST"]
    assert first.headers["Idempotency-Key"] == retry.headers["Idempotency-Key"]
    thread = get_request_with_thread.sync(request_id, client=client)
    assert isinstance(thread, IntegrationRequestThread)
    company = [m for m in thread.messages if m.text == "Выезд бригады назначен на завтра."]
    assert [m.id for m in company] == [answer.parsed.id]
