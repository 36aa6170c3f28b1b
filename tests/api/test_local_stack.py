"""`make run`'s process: prints every local default and stops cleanly on Ctrl-C."""

import signal

from tests.stack import LocalStack, start_local_stack


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

    listed = http.get(f"{stack.url}/_local/events", timeout=10)
    assert listed.status_code == 200
    mine = [e for e in listed.json() if e["detail"].get("request_id") == created["id"]]
    assert [e["detail-type"] for e in mine] == ["portal.request.filed.v1", "portal.request.status.changed.v1"]
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
