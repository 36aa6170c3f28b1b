"""`make run`'s process: prints every local default and stops cleanly on Ctrl-C."""

import signal

from tests.stack import start_local_stack


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
