"""`make run`'s process: prints every local default and stops cleanly on Ctrl-C."""

import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime

from tests.stack import LocalStack, integrator_key, start_local_stack


def test_local_stack_prints_its_defaults_and_stops_cleanly_on_ctrl_c() -> None:
    stack = start_local_stack()

    output = stack.stop(signal.SIGINT)

    assert stack.process.returncode == 0, output
    for shown in (
        stack.url,
        f"{stack.url}/_local/outbox",
        f"{stack.url}/api/docs",
        stack.api_key,
        "MAIL_SENDER",
    ):
        assert shown in output
    assert "Остановлено." in output
    assert "Traceback" not in output


def test_local_metrics_show_what_cloudwatch_would_record(stack: LocalStack) -> None:
    import requests as http

    from tests.api.test_accounts_api import new_email, register

    email = new_email()
    assert register(stack, email).status_code == 202
    stack.mailed_password(email)

    metrics = http.get(f"{stack.url}/_local/metrics", timeout=10).json()
    names = {(m["namespace"], m["name"]) for m in metrics}
    assert {("ConsumerPortal", "Registrations"), ("ConsumerPortal", "MailsSent")} <= names
    [registration] = [m for m in metrics if m["name"] == "Registrations"][-1:]
    # Locally every function runs in one process, which has no POWERTOOLS_SERVICE_NAME of its own:
    # the `service` dimension (in Lambda the function's) is the only one that differs.
    assert set(registration["dimensions"]) <= {"service"}
    assert registration["value"] == 1


def test_local_events_list_a_filing_and_its_change_of_status_as_eventbridge_delivers_them(
    stack: LocalStack,
) -> None:
    import requests as http

    from tests.api.test_requests_api import THEFT, create, integrator, new_consumer

    created = create(stack, new_consumer(stack), THEFT).json()
    moved = http.patch(
        f"{stack.url}/api/integration/requests/{created['id']}",
        json={"status": "in_review", "comment": "Передано мастеру участка."},
        headers=integrator(stack),
        timeout=10,
    )
    assert moved.status_code == 200, moved.text

    # Owed through the outbox: put on the bus by its relay, fed from the table's stream a moment later.
    deadline = time.monotonic() + 15
    while True:
        listed = http.get(f"{stack.url}/_local/events", timeout=10)
        assert listed.status_code == 200
        mine = [e for e in listed.json() if e["detail"].get("request_id") == created["id"]]
        if len(mine) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    mine.sort(key=lambda e: e["detail"]["sequence"])
    assert [e["detail-type"] for e in mine] == ["portal.request.filed.v1", "portal.request.status.changed.v1"]
    assert [e["detail"]["sequence"] for e in mine] == [1, 2]
    assert {e["source"] for e in mine} == {"ru.grid.consumer-portal"}
    filed, changed = (e["detail"] for e in mine)
    assert (filed["number"], filed["type"], filed["status"]) == (
        created["number"],
        "grid_theft",
        "registered",
    )
    assert (changed["previous_status"], changed["status"], changed["by"]) == (
        "registered",
        "in_review",
        "company",
    )
    assert "Передано" not in listed.text  # the comment is the API's to give, not the event's


def test_a_notice_owed_while_the_mail_queue_is_down_is_mailed_exactly_once_when_it_is_back() -> None:
    """The outbox end to end in the local stack: an item written while MailQueue is gone fails in the
    relay (the stream feed retries it), and once the queue is back its mail arrives, once, and its
    event is on the bus."""
    import os
    import uuid

    import boto3
    import requests as http

    from functions.common.dynamo import deserialize, serialize
    from functions.common.events import RequestStatusChanged
    from functions.common.mail import NoticeJob
    from functions.common.outbox import OutboxEntry
    from infra.world import LOCAL_PREFIX
    from tests.outages import queue_outage

    stack = start_local_stack()
    try:
        aws: dict[str, str] = {
            "endpoint_url": stack.moto_url,
            "region_name": os.environ.get("AWS_REGION", "eu-central-1"),
            "aws_access_key_id": "local",
            "aws_secret_access_key": "local",
        }
        sqs, dynamodb = boto3.client("sqs", **aws), boto3.client("dynamodb", **aws)
        table = f"{LOCAL_PREFIX}-OutboxTable"
        email = f"outage-{uuid.uuid4().hex[:8]}@example.ru"
        subject = "Статус заявки изменён"
        entry = OutboxEntry.owing(
            mails=[NoticeJob(to=email, subject=subject, text="Заявка 2026-000001: «На рассмотрении».")],
            events=[
                RequestStatusChanged(
                    request_id=uuid.uuid4().hex,
                    number="2026-000001",
                    sequence=1,
                    previous_status="registered",
                    status="in_review",
                    by="company",
                    changed_at=datetime.now(UTC),
                )
            ],
        )
        pk = entry.key["pk"]

        def until(ready: Callable[[], bool], what: str, timeout: float = 30) -> None:
            deadline = time.monotonic() + timeout
            while not ready():
                assert time.monotonic() < deadline, f"{what}: not in {timeout} s\n{stack.logs()[-3000:]}"
                time.sleep(0.2)

        url = sqs.get_queue_url(QueueName=f"{LOCAL_PREFIX}-MailQueue")["QueueUrl"]
        with queue_outage(sqs, url):
            dynamodb.put_item(TableName=table, Item=serialize(entry.item()))
            until(
                lambda: "outbox item not relayed" in stack.logs() and pk in stack.logs(), "the relay failing"
            )
            assert all(mail["to"] != email for mail in stack.outbox())

        stack.wait_for_mail(email, subject, timeout=30)

        def settled() -> bool:
            item = deserialize(dynamodb.get_item(TableName=table, Key=serialize(entry.key))["Item"])
            mail_queue = http.get(f"{stack.url}/_local/queues", timeout=10).json()["MailQueue"]
            return "relayed_at" in item and mail_queue["waiting"] == mail_queue["in_flight"] == 0

        until(settled, "the item relayed and the mail queue empty")
        assert [mail["to"] for mail in stack.outbox()].count(email) == 1
        events = http.get(f"{stack.url}/_local/events", timeout=10).json()
        mine = [e for e in events if e["detail"]["event_id"] == f"{entry.id}-e0"]
        assert [e["detail-type"] for e in mine] == ["portal.request.status.changed.v1"]
        assert "OutboxFailedQueue" in http.get(f"{stack.url}/_local/queues", timeout=10).json()
    finally:
        output = stack.stop()
    assert "OutboxSweeperFunction" in output  # the banner names the sweeper's schedule
    # and each integrator's local key with its scopes (the template's three and the tests' qa)
    for name in ("crm", "billing", "support", "qa"):
        assert f"x-api-key: {integrator_key(name)}" in output
    assert "accounts:reset" in output


def test_the_web_acl_s_limits_hold_over_http_as_the_template_sets_them() -> None:
    """With the template's limits (WAF_RATE_LIMIT_FACTOR=1; the other API tests run with 100):
    the 21st «Забыли пароль?» from one address in 5 minutes is WAF's Russian 429."""
    import requests as http

    stack = start_local_stack(environment={"WAF_RATE_LIMIT_FACTOR": "1"})
    try:
        answers = [
            http.post(f"{stack.url}/api/auth/forgot-password", json={"email": "a@example.ru"}, timeout=10)
            for _ in range(21)
        ]
    finally:
        output = stack.stop()

    assert [a.status_code for a in answers] == [202] * 20 + [429]
    refused = answers[-1]
    assert refused.headers["Retry-After"] == "300"
    assert refused.json()["title"] == "Слишком много запросов"
    assert refused.headers["Strict-Transport-Security"]  # CloudFront's headers, as on AWS
    assert "/api/auth/forgot-password 20 за 5 мин" in output and "WAF_RATE_LIMIT_FACTOR" in output
