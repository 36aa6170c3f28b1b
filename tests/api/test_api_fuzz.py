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

# Every check of schemathesis runs (`--checks all`). One is told what the document says beyond shapes:
# a rule no schema can state (an address that mail servers take, a phone number that exists, a date
# not in the future, a cursor this API gave out) is written in the operation's description and its
# fields listed in the operation's `x-rules-beyond-schema`. Only on such an operation is a 422 an
# expected answer to data valid by the schema, and only when it names those fields
# (`refusals_of_valid_data_name_a_stated_rule`).
RULES = "x-rules-beyond-schema"


@pytest.fixture(scope="module")
def fuzz_consumer(stack: LocalStack) -> dict[str, str]:
    email = new_email()
    assert register(stack, email).status_code == 202
    tokens = log_in(stack, email, stack.mailed_password(email)).json()
    return {"Authorization": f"Bearer {tokens['id_token']}"}


def _document() -> dict[str, Any]:
    """The document the code builds: the one the docs function serves at /api/openapi.json (a unit test
    fails when the committed docs/openapi.json drifts from it)."""
    from functions.docs.document import openapi_document

    return dict(json.loads(openapi_document()))


def _config(document: dict[str, Any]) -> schemathesis.Config:
    """Schemathesis' configuration: 422 to valid data is expected on the operations with stated rules."""
    operations = [
        {
            "include-path": path,
            "include-method": method.upper(),
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": [
                        "2xx",
                        "3xx",
                        "401",
                        "403",
                        "404",
                        "409",
                        "410",
                        "412",
                        "422",
                        "429",
                        "5xx",
                    ]
                }
            },
        }
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if operation.get(RULES)
    ]
    return schemathesis.Config.from_dict({"operations": operations})


schema = schemathesis.openapi.from_dict(_document(), config=_config(_document()))
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


@schemathesis.check
def refusals_of_valid_data_name_a_stated_rule(
    ctx: CheckContext, response: Response, case: Case
) -> bool | None:
    """Data valid by the schema refused with 422: each field named is one whose rule the operation
    states beyond the schema (`x-rules-beyond-schema`), never a shape the document got wrong."""
    if response.status_code != 422 or case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    stated = set(case.operation.definition.raw.get(RULES) or [])
    named = {error["field"] for error in response.json().get("errors", [])}
    assert named, response.json()
    assert all(_stated(field, stated) for field in named), (named, stated, response.json())
    return True


def _stated(field: str, stated: set[str]) -> bool:
    """`values.t1` is stated by `values.t1` or `values.*`."""
    return field in stated or any(rule.endswith(".*") and field.startswith(rule[:-1]) for rule in stated)


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
            additional_checks=[errors_are_russian_problem_details, refusals_of_valid_data_name_a_stated_rule],
            timeout=30,
        )
