"""Property-based fuzzing of the whole API from its own OpenAPI document (schemathesis).

Every operation the document lists is called with generated data — valid by the schema and not —
through the local gateway, as a logged-in consumer (consumer routes) or with the integration key
(integration routes). Whatever is sent: no 5xx, every error is problem details in Russian, and every
answer matches the document (status code, content type, schema).

`FUZZ_EXAMPLES` sets the examples per operation: `make test` runs 100 (the same ones each time),
`make fuzz` 1000 new ones (about 4 minutes).
"""

import json
import os
import re
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis import Case
from schemathesis.checks import CheckContext
from schemathesis.core.transport import Response

from tests.api.test_accounts_api import log_in, new_email, register
from tests.stack import LocalStack

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
# `make test` replays the same examples every run; `make fuzz` (FUZZ_RANDOM=1) explores new ones.
DERANDOMIZE = os.environ.get("FUZZ_RANDOM", "") != "1"
PROBLEM = "application/problem+json"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")

EXCLUDED_CHECKS = [
    # API Gateway (REST) answers a method a path does not declare as an unknown route: its
    # MISSING_AUTHENTICATION_TOKEN response, which template.yaml turns into a Russian 404 — not 405.
    schemathesis.checks.unsupported_method,
    # The document states the shape of each field, not every rule of the domain (a phone number that
    # exists, a date not in the future, a cursor the API issued): the API refuses those with 422
    # problem details, which errors_are_russian_problem_details checks.
    schemathesis.checks.positive_data_acceptance,
]


@pytest.fixture(scope="module")
def fuzz_consumer(stack: LocalStack) -> dict[str, str]:
    email = new_email()
    assert register(stack, email).status_code == 202
    tokens = log_in(stack, email, stack.mailed_password(email)).json()
    return {"Authorization": f"Bearer {tokens['id_token']}"}


def _document() -> dict[str, Any]:
    """The document the docs function serves at /api/openapi.json (built from the same code)."""
    from functions.docs.handler import openapi_document

    return dict(json.loads(openapi_document()))


schema = schemathesis.openapi.from_dict(_document())
# The credentials are the test's to send (a consumer's token or the integration key): generated
# Authorization and x-api-key headers would only turn every case into a refused one.
schema.config.generation.update(with_security_parameters=False)


def test_the_fuzzed_document_is_the_one_the_api_serves(stack: LocalStack) -> None:
    served = requests.get(f"{stack.url}/api/openapi.json", timeout=30)

    assert served.status_code == 200
    assert served.json() == _document()


@schemathesis.check
def errors_are_russian_problem_details(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every 4xx/5xx is `application/problem+json` with Russian `title`, `detail` and field messages."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.split(";")[0] == PROBLEM, f"{response.status_code} answered as {content_type!r}"
    body = response.json()
    assert body["status"] == response.status_code, body
    assert CYRILLIC.search(body["title"]), body
    assert CYRILLIC.search(body["detail"]), body
    for error in body.get("errors", []):
        assert CYRILLIC.search(error["message"]), body
    return True


def _credentials(case: Case, consumer: dict[str, str], api_key: str) -> dict[str, str]:
    security: list[dict[str, Any]] = case.operation.definition.raw.get("security") or []
    names = {name for requirement in security for name in requirement}
    if "apiKey" in names:
        return {"x-api-key": api_key}
    if "cognito" in names:
        return consumer
    return {}


@schema.parametrize()
# One value: gives each operation its own test id under pytest 9 (schemathesis names the item
# after the operation only when the test is parametrized).
@pytest.mark.parametrize("caller", ["as its caller"])
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)
def test_any_input_gets_a_documented_answer_never_a_server_error(
    case: Case, caller: str, stack: LocalStack, fuzz_consumer: dict[str, str]
) -> None:
    with requests.Session() as session:
        case.call_and_validate(
            base_url=stack.url,
            session=session,
            headers=_credentials(case, fuzz_consumer, stack.api_key),
            additional_checks=[errors_are_russian_problem_details],
            excluded_checks=EXCLUDED_CHECKS,
            timeout=30,
        )
