"""A bounce on the running stack: SES's report (simulated by POST /_local/bounce, as SES would
publish it through SNS) suppresses the address, «Профиль» says so, and no mail goes to it again."""

import time

import requests

from tests.api.test_accounts_api import bearer, log_in, new_email, register
from tests.stack import LocalStack

SUPPRESSED = "mail not sent: the address does not take mail"


def test_a_local_bounce_suppresses_the_address_and_marks_the_profile(stack: LocalStack) -> None:
    email = new_email()
    assert register(stack, email).status_code == 202
    token = log_in(stack, email, stack.mailed_password(email)).json()["id_token"]

    bounced = requests.post(f"{stack.url}/_local/bounce", json={"email": email, "kind": "bounce"}, timeout=10)

    assert bounced.status_code == 202
    profile = requests.get(f"{stack.url}/api/profile", headers=bearer(token), timeout=10).json()
    assert profile["mail_undeliverable_since"] is not None
    mails_before = len([m for m in stack.outbox() if m["to"] == email])
    suppressed_before = stack.logs().count(SUPPRESSED)
    reset = requests.post(
        f"{stack.url}/api/integration/users/reset-password",
        json={"email": email},
        headers={"x-api-key": stack.api_key},
        timeout=10,
    )
    assert reset.status_code == 202
    # The mail worker took the reset's mail and suppressed it (functions/mail/sender.py logs it):
    # waited for, not slept on; only then can "no mail came" be told.
    deadline = time.monotonic() + 30
    while stack.logs().count(SUPPRESSED) == suppressed_before:
        assert time.monotonic() < deadline, "the reset's mail was never taken by the mail worker"
        time.sleep(0.1)
    assert len([m for m in stack.outbox() if m["to"] == email]) == mails_before
    metrics = requests.get(f"{stack.url}/_local/metrics", timeout=10).json()
    assert {"MailsUndeliverable", "MailsSuppressed"} <= {m["name"] for m in metrics}
