"""The integration routes called as an integrator would: through the typed client generated from the
committed OpenAPI document (`make openapi`, clients/portal_integration/), against the local stack.

If the document and the API disagreed, the generated client would send what the API refuses or fail
to read what it answers: these tests are the integrator's side of the contract."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from portal_integration import AuthenticatedClient
from portal_integration.api.integration import change_request_status as change_status
from portal_integration.api.integration import list_requests
from portal_integration.api.integration import reset_consumer_password as reset_password
from portal_integration.models import (
    IntegrationPage,
    IntegrationRequest,
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
def client(stack: LocalStack) -> Iterator[AuthenticatedClient]:
    # The key goes in x-api-key, as the document's apiKey scheme says.
    with AuthenticatedClient(
        base_url=stack.url, token=stack.api_key, prefix="", auth_header_name="x-api-key"
    ) as client:
        yield client


def test_an_integrator_pulls_a_new_request_and_moves_it_with_the_generated_client(
    stack: LocalStack, client: AuthenticatedClient
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
    stack: LocalStack, client: AuthenticatedClient
) -> None:
    answer = change_status.sync_detailed(
        "01M8FEWQFNR64E9FA3R9R3PCS9", client=client, body=StatusChange(status=RequestStatus.IN_PROGRESS)
    )

    assert answer.status_code == 404
    assert isinstance(answer.parsed, ProblemDetails)
    assert answer.parsed.title == "Не найдено"


def test_support_resets_a_consumer_s_password_with_the_generated_client(
    stack: LocalStack, client: AuthenticatedClient
) -> None:
    email = new_email()
    assert register(stack, email).status_code == 202
    stack.mailed_password(email)

    answer = reset_password.sync_detailed(client=client, body=PasswordReset(email=email))

    assert answer.status_code == 202
    assert isinstance(answer.parsed, PasswordResetAccepted)


def test_an_integrator_follows_the_change_feed_and_a_repeated_move_is_no_conflict(
    stack: LocalStack, client: AuthenticatedClient
) -> None:
    from portal_integration.api.integration import list_changes
    from portal_integration.models import FeedPage

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
        page = list_changes.sync(client=client, after=cursor, limit=100)
        assert isinstance(page, FeedPage)
        seen += [
            (item.type_, str(item.detail.additional_properties["request_id"]))
            for item in page.items
            if item.detail.additional_properties.get("request_id") == request_id
        ]
        assert [item.sequence for item in page.items] == list(range(cursor + 1, page.next_after + 1))
        cursor = page.next_after

    assert seen == [("portal.request.filed.v1", request_id), ("portal.request.status.changed.v1", request_id)]
