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
