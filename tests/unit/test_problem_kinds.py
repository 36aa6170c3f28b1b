"""Problems a machine can branch on: a stable `type` URI and a `code` per kind, each documented at
its URI by the docs function; a request id in every problem; API Gateway's own answers with their
true status, a Retry-After on each 429; 429, 503 and 504 documented on every operation."""

import json
import uuid
from typing import Any

from functions.common.problems import PROBLEM_KINDS
from functions.docs import handler as docs
from functions.docs.document import openapi_document
from infra.template import gateway_responses, load_template
from infra.world import World
from tests.unit.conftest import api_event, call
from tests.unit.test_integration_idempotency import message, move
from tests.unit.test_request_conversation import env, filed  # noqa: F401 (the fixture)
from tests.unit.test_requests import clock  # noqa: F401 (the fixture)


def kind_of(problem: dict[str, Any]) -> str:
    assert problem["type"] == f"/api/problems/{problem['code']}", problem
    assert problem["code"] in PROBLEM_KINDS
    assert problem["request_id"] == "test-request"
    return str(problem["code"])


def test_the_three_409s_and_a_reused_key_differ_by_code(env: World) -> None:  # noqa: F811
    request_id = filed()
    key = uuid.uuid4().hex
    assert message(request_id, "Первое.", key)[0] == 201

    forbidden = move(request_id, {"status": "done"})
    reused = message(request_id, "Другое.", key)
    stale = move(request_id, {"status": "in_review", "expected_status": "in_progress"})

    assert forbidden[0] == 409 and kind_of(forbidden[1]) == "transition-forbidden"
    assert reused[0] == 422 and kind_of(reused[1]) == "idempotency-key-reused"
    assert stale[0] == 412 and kind_of(stale[1]) == "precondition-failed"


def test_a_validation_problem_and_an_unknown_route_carry_their_kind_and_request_id(world: World) -> None:
    from functions.integration import handler as integration

    invalid = call(
        integration, api_event("GET", "/api/integration/changes", query={"after": "-1"}, integrator="k")
    )
    unknown = call(integration, api_event("GET", "/api/integration/nothing", integrator="k"))
    missing = call(
        integration,
        api_event("GET", "/api/integration/requests/{id}", path_parameters={"id": "0" * 26}, integrator="k"),
    )

    assert invalid[0] == 422 and kind_of(invalid[1]) == "invalid-input"
    # A route no line of ROUTE_SCOPES names is closed to every integrator (functions/common/integrators.py).
    assert unknown[0] == 403 and kind_of(unknown[1]) == "forbidden"
    assert missing[0] == 404 and kind_of(missing[1]) == "not-found"


def test_every_kind_is_described_at_its_type_uri_and_an_unknown_one_is_404() -> None:
    for code, (status, meaning) in PROBLEM_KINDS.items():
        event = api_event("GET", f"/api/problems/{code}", path_parameters={"code": code})
        event["resource"] = "/api/problems/{code}"
        answer, body = call(docs, event)
        assert answer == 200, (code, body)
        assert body == {"type": f"/api/problems/{code}", "code": code, "status": status, "meaning": meaning}
    event = api_event("GET", "/api/problems/nonsense", path_parameters={"code": "nonsense"})
    event["resource"] = "/api/problems/{code}"
    status, problem = call(docs, event)
    assert status == 404 and problem["code"] == "not-found"


def test_api_gateway_s_own_answers_say_their_true_status_and_kind() -> None:
    answers = gateway_responses(load_template())
    for response_type, answer in answers.items():
        body = json.loads(answer.body.replace("$context.requestId", "r-1"))
        assert body["code"] in PROBLEM_KINDS, response_type
        assert body["type"] == f"/api/problems/{body['code']}"
        assert body["request_id"] == "r-1"
        assert answer.status == body["status"] == PROBLEM_KINDS[body["code"]][0], response_type
        if answer.status == 429:
            assert int(answer.headers["Retry-After"]) > 0, response_type
    assert answers["QUOTA_EXCEEDED"].status == 429
    assert answers["INTEGRATION_TIMEOUT"].status == 504


def test_every_operation_documents_429_503_and_504_with_a_problem() -> None:
    document = json.loads(openapi_document())
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status in ("429", "503", "504"):
                answer = operation["responses"].get(status)
                assert answer is not None, (method, path, status)
                assert "application/problem+json" in answer["content"], (method, path, status)
    assert "code" in document["components"]["schemas"]["ProblemDetails"]["properties"]
