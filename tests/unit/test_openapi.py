"""The OpenAPI document covers the whole API, merged across functions.

What the docs function serves is checked through its handler: the committed docs/openapi.json, which
must be what the code builds now (functions/docs/document.py, `make openapi`).
"""

import json
from typing import Any

from functions.docs import handler as docs
from functions.requests.registry import FIELDS_OF
from functions.requests.vocabulary import REQUEST_KINDS, RequestType
from infra.lambda_runtime import LambdaContext
from infra.template import load_template, routes
from infra.world import World
from tests.unit.conftest import api_event, call


def _document(world: World) -> dict[str, Any]:
    status, document = call(docs, api_event("GET", "/api/openapi.json"))
    assert status == 200
    return dict(document)


def test_openapi_lists_every_route_of_the_template(world: World) -> None:
    document = _document(world)

    for route in routes(load_template()):
        if route.function == "DocsFunction":
            continue
        assert route.method.lower() in document["paths"][route.path], route


def test_openapi_declares_the_security_of_each_route(world: World) -> None:
    document = _document(world)

    assert set(document["components"]["securitySchemes"]) == {"cognito", "apiKey"}
    for route in routes(load_template()):
        if route.function == "DocsFunction":
            continue
        operation = document["paths"][route.path][route.method.lower()]
        expected = {"cognito": [{"cognito": []}], "api_key": [{"apiKey": []}], "none": None}[route.auth]
        assert operation.get("security") == expected, route


def test_validation_errors_are_documented_as_problem_details(world: World) -> None:
    document = _document(world)

    for operations in document["paths"].values():
        for operation in operations.values():
            if "422" in operation["responses"]:
                content = operation["responses"]["422"]["content"]
                assert content == {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
                }
    assert "HTTPValidationError" not in json.dumps(document)


def test_a_new_request_is_one_of_the_registry_s_types_chosen_by_its_type(world: World) -> None:
    document = _document(world)
    body = document["paths"]["/api/requests"]["post"]["requestBody"]["content"]["application/json"]
    schemas = document["components"]["schemas"]

    refs = [choice["$ref"] for choice in body["schema"]["oneOf"]]
    assert body["schema"]["discriminator"] == {
        "propertyName": "type",
        "mapping": {kind.code: ref for kind, ref in zip(REQUEST_KINDS, refs, strict=True)},
    }
    for kind, ref in zip(REQUEST_KINDS, refs, strict=True):
        request = schemas[ref.removeprefix("#/components/schemas/")]
        assert (request["title"], request["description"]) == (kind.title, kind.description)
        assert request["properties"]["type"]["const"] == kind.code
        assert set(request["required"]) == {"type", "text", "fields"}
        fields = schemas[request["properties"]["fields"]["$ref"].removeprefix("#/components/schemas/")]
        model = FIELDS_OF[RequestType(kind.code)]
        assert fields["properties"].keys() == model.model_fields.keys()
        assert all(
            field["title"] == info.title
            for field, info in zip(fields["properties"].values(), model.model_fields.values(), strict=True)
        )
    assert schemas["RequestType"]["enum"] == [kind.code for kind in REQUEST_KINDS]


def test_swagger_ui_is_served_with_the_served_document(world: World) -> None:
    result = docs.lambda_handler(api_event("GET", "/api/docs"), LambdaContext("docs"))
    _, document = _document_text()

    assert result["statusCode"] == 200
    assert result["multiValueHeaders"]["Content-Type"] == ["text/html"]
    assert "SwaggerUIBundle" in result["body"]
    # The document of /api/openapi.json, problem details and all, with `</` escaped for the page.
    assert document.replace("</", "<\\/") in result["body"]


def test_swagger_ui_s_json_format_is_the_served_document(world: World) -> None:
    result = docs.lambda_handler(
        api_event("GET", "/api/docs", query={"format": "json"}), LambdaContext("docs")
    )

    assert result["statusCode"] == 200
    assert result["multiValueHeaders"]["Content-Type"] == ["application/json"]
    assert result["body"] == _document_text()[1]


def _document_text() -> tuple[int, str]:
    result = docs.lambda_handler(api_event("GET", "/api/openapi.json"), LambdaContext("docs"))
    assert result["multiValueHeaders"]["Content-Type"] == ["application/json"]
    return result["statusCode"], str(result["body"])


def test_no_content_answers_are_documented_without_a_body(world: World) -> None:
    document = _document(world)

    no_content = [
        operation["responses"]["204"]
        for operations in document["paths"].values()
        for operation in operations.values()
        if "204" in operation["responses"]
    ]
    assert len(no_content) >= 3  # logout, password change, forgetting the ASKUE link
    assert all("content" not in answer for answer in no_content)


def _inline_scripts(page: str) -> list[str]:
    import re

    return re.findall(r"<script>(.*?)</script>", page, re.DOTALL)


def _sha256(script: str) -> str:
    import base64
    import hashlib

    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def test_swagger_ui_may_run_its_own_inline_scripts_and_no_other(world: World) -> None:
    import gzip
    from base64 import b64decode

    for headers in ({}, {"Accept-Encoding": "gzip"}):
        result = docs.lambda_handler(api_event("GET", "/api/docs", headers=headers), LambdaContext("docs"))
        body = str(result["body"])
        page = gzip.decompress(b64decode(body)).decode() if result["isBase64Encoded"] else body
        [csp] = result["multiValueHeaders"]["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))

        scripts = _inline_scripts(page)
        assert len(scripts) == 2  # the Swagger UI bundle and its start-up
        assert directives["script-src"] == "'self' " + " ".join(_sha256(s) for s in scripts)
        assert "unsafe" not in directives["script-src"]
        assert directives["frame-ancestors"] == "'none'"
        assert directives["default-src"] == "'self'"


def test_every_refusal_the_code_can_give_is_documented_on_its_route(world: World) -> None:
    document = _document(world)
    expected = {
        ("post", "/api/auth/login"): {"401", "429"},  # wrong password; Cognito's lockout
        ("post", "/api/auth/register"): {"503"},  # the mail queue did not take the registration
        ("post", "/api/auth/forgot-password"): {"422", "503"},  # the mail queue did not take the request
        ("post", "/api/auth/reset-password"): {"422"},  # a wrong, expired or spent code; a common password
        ("post", "/api/profile/password"): {"401", "422", "429"},
        ("delete", "/api/profile"): {"401", "422", "429"},  # wrong password; Cognito's lockout
        ("patch", "/api/profile"): {"401", "422"},
        # wrong password; Cognito's lockout; the mail queue did not take the code
        ("post", "/api/profile/email"): {"401", "422", "429", "503"},
        ("post", "/api/profile/email/confirm"): {"401", "422"},  # a wrong, expired or spent code; taken
        ("post", "/api/profile/consent"): {"401", "404", "422"},  # an older text, no tick; deleted meanwhile
        ("post", "/api/requests"): {"409", "503"},  # key still being filed; numbering contention
        ("post", "/api/readings"): {"409"},
        ("post", "/api/askue/fetch"): {"422", "502", "503", "504"},
        ("patch", "/api/integration/requests/{id}"): {"403", "404", "409"},
        # unknown address; the address's mail limit; the mail queue did not take the reset
        ("post", "/api/integration/users/reset-password"): {"403", "404", "429", "503"},
    }

    for (method, path), statuses in expected.items():
        responses = document["paths"][path][method]["responses"]
        assert statuses <= set(responses), (method, path)
        for status in statuses:
            assert "application/problem+json" in responses[status]["content"], (method, path, status)


def test_every_route_that_reaches_aws_documents_the_503_of_a_failing_aws_call(world: World) -> None:
    document = _document(world)
    documentation = {("get", "/api/openapi.json"), ("get", "/api/docs")}  # static: no AWS, no authorizer

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if (method, path) in documentation:
                continue
            assert "503" in operation["responses"], (method, path)
            assert "application/problem+json" in operation["responses"]["503"]["content"], (method, path)


def test_a_refusal_that_says_when_to_retry_documents_retry_after(world: World) -> None:
    document = _document(world)

    for method, path, status in [
        ("post", "/api/auth/register", "503"),
        ("post", "/api/auth/forgot-password", "503"),
        ("post", "/api/profile/email", "503"),
        ("post", "/api/integration/users/reset-password", "429"),
        ("post", "/api/integration/users/reset-password", "503"),
        ("post", "/api/requests", "503"),
        ("get", "/api/profile", "503"),
        ("get", "/api/integration/requests", "503"),
    ]:
        answer = document["paths"][path][method]["responses"][status]
        assert answer["headers"]["Retry-After"]["schema"] == {"type": "integer"}, (path, status)
    register = document["paths"]["/api/auth/register"]["post"]["responses"]
    reset = document["paths"]["/api/integration/users/reset-password"]["post"]["responses"]
    assert "202" in register and "202" in reset and "200" not in reset


def test_a_method_a_path_does_not_declare_is_answered_405_with_allow(world: World) -> None:
    for method, path, allow in [
        ("PUT", "/api/readings", "GET, POST"),
        ("DELETE", "/api/auth/login", "POST"),
        ("TRACE", "/api/requests/{id}", "GET"),
        ("POST", "/api/openapi.json", "GET"),
    ]:
        event = api_event(method, path)
        event["resource"] = path
        result = docs.lambda_handler(event, LambdaContext("docs"))

        assert result["statusCode"] == 405, (method, path)
        assert result["multiValueHeaders"]["Allow"] == [allow], (method, path)
        assert result["multiValueHeaders"]["Content-Type"] == ["application/problem+json"]
        problem = json.loads(result["body"])
        assert problem["status"] == 405
        assert allow in problem["detail"]


def test_every_path_of_the_document_has_its_methods_in_allow(world: World) -> None:
    document = _document(world)

    allowed = docs.allowed_methods()
    for path, operations in document["paths"].items():
        assert allowed[path] == tuple(sorted(method.upper() for method in operations)), path


def test_the_committed_document_is_the_one_the_code_builds(world: World) -> None:
    from infra.openapi import DOCUMENT_PATH, document_text

    built = document_text()  # functions/docs/document.py, as `make openapi` writes it
    assert DOCUMENT_PATH.read_text(encoding="utf-8") == built, (
        "docs/openapi.json is out of date: run `make openapi` and commit it"
    )
    status, served = _document_text()
    assert status == 200
    assert served + "\n" == built


def test_the_openapi_3_0_rendition_is_served_as_committed(world: World) -> None:
    from infra.openapi import DOCUMENT_30_PATH

    result = docs.lambda_handler(api_event("GET", "/api/openapi-3.0.json"), LambdaContext("docs"))

    assert result["statusCode"] == 200
    assert result["multiValueHeaders"]["Content-Type"] == ["application/json"]
    assert result["body"] + "\n" == DOCUMENT_30_PATH.read_text(encoding="utf-8")
    assert json.loads(result["body"])["openapi"] == "3.0.3"


# Runs in a fresh interpreter: the docs function's first answers to the events in its argument, then
# the modules of ours it loaded.
FIRST_ANSWERS = """
import json, sys
from functions.docs.handler import lambda_handler
from infra.lambda_runtime import LambdaContext
statuses = [lambda_handler(event, LambdaContext("docs"))["statusCode"] for event in json.loads(sys.argv[1])]
print(json.dumps([statuses, sorted(name for name in sys.modules if name.startswith("functions."))]))
"""


def test_the_docs_function_answers_without_importing_any_domain_or_the_builder() -> None:
    import subprocess
    import sys

    from infra.function_code import domain_handlers
    from infra.template import ROOT

    put = {**api_event("PUT", "/api/readings"), "resource": "/api/readings"}
    events = [api_event("GET", "/api/openapi.json"), api_event("GET", "/api/docs"), put]
    run = subprocess.run(
        [sys.executable, "-c", FIRST_ANSWERS, json.dumps(events)],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert run.returncode == 0, run.stderr[-3000:]
    statuses, loaded = json.loads(run.stdout.splitlines()[-1])
    assert statuses == [200, 200, 405]
    domains = set(domain_handlers()) - {"functions.docs.handler"}
    assert {"functions.auth.handler", "functions.requests.handler"} <= domains
    assert not domains & set(loaded), "the docs function imported a domain's handler"
    assert "functions.docs.document" not in loaded
    assert {name.split(".")[1] for name in loaded} <= {"common", "docs"}


def test_the_committed_integration_client_is_the_one_the_document_generates(
    world: World, tmp_path: Any
) -> None:
    from infra.openapi import CLIENT_PROJECT, document_text, generate_client

    generate_client(json.loads(document_text()), tmp_path / "client")

    def files(root: Any) -> dict[str, str]:
        # The kinds of file the generator writes, outside what git ignores (a pip install from the
        # folder leaves build/ and *.egg-info there, tools their caches).
        return {
            str(path.relative_to(root)): path.read_text(encoding="utf-8")
            for path in sorted(root.rglob("*"))
            if path.suffix in {".py", ".toml", ".md", ".typed"}
            and not any(
                part in {"__pycache__", "build"} or part.startswith(".") or part.endswith(".egg-info")
                for part in path.relative_to(root).parts
            )
        }

    generated = files(tmp_path / "client")
    assert {"pyproject.toml", "README.md", "portal_integration/integrator.py"} <= generated.keys()
    assert files(CLIENT_PROJECT) == generated, (
        "clients/portal-integration-client is out of date: run `make openapi` and commit it"
    )


def test_request_bodies_refuse_unknown_fields_and_say_so(world: World) -> None:
    document = _document(world)
    schemas = document["components"]["schemas"]

    def objects(schema: dict[str, Any]) -> list[dict[str, Any]]:
        if "$ref" in schema:
            return objects(schemas[schema["$ref"].rsplit("/", 1)[-1]])
        if "oneOf" in schema:
            return [found for choice in schema["oneOf"] for found in objects(choice)]
        return [schema]

    bodies = [
        operation["requestBody"]["content"]["application/json"]["schema"]
        for operations in document["paths"].values()
        for operation in operations.values()
        if "requestBody" in operation
    ]
    assert len(bodies) >= 10
    for body in bodies:
        for shape in objects(body):
            assert shape["additionalProperties"] is False, shape.get("title")


def test_the_reading_states_the_tariffs_of_each_meter_type(world: World) -> None:
    schemas = _document(world)["components"]["schemas"]
    entry = schemas["ReadingEntry"]

    assert entry["discriminator"]["propertyName"] == "meter_type"
    required = {}
    for meter_type, ref in entry["discriminator"]["mapping"].items():
        shape = schemas[ref.rsplit("/", 1)[-1]]
        assert shape["properties"]["meter_type"]["const"] == meter_type
        required[meter_type] = shape["properties"]["values"]["required"]
    assert required == {
        "single_tariff": ["t1"],
        "two_tariff": ["t1", "t2"],
        "three_tariff": ["t1", "t2", "t3"],
    }


def test_shapes_are_stated_emails_cursors_meter_numbers_and_file_types(world: World) -> None:
    document = _document(world)
    schemas = document["components"]["schemas"]

    assert schemas["LoginRequest"]["properties"]["email"]["format"] == "email"
    assert schemas["PasswordReset"]["properties"]["email"]["format"] == "email"
    assert "pattern" in schemas["ReadingEntrySingleTariff"]["properties"]["meter_number"]
    content_type = schemas["UploadRequest"]["properties"]["content_type"]
    assert content_type["title"] == "Тип файла"
    assert schemas[content_type["$ref"].rsplit("/", 1)[-1]]["enum"] == [
        "application/pdf",
        "image/jpeg",
        "image/png",
        "image/tiff",
    ]
    for path in ("/api/requests", "/api/readings", "/api/integration/requests"):
        [cursor] = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == "cursor"]
        assert "pattern" in cursor["schema"], path


def test_an_operation_with_rules_beyond_its_schema_states_them_in_its_description(world: World) -> None:
    document = _document(world)

    stated = 0
    for operations in document["paths"].values():
        for operation in operations.values():
            if operation.get("x-rules-beyond-schema"):
                stated += 1
                assert "Сверх схемы:" in operation["description"], operation["summary"]
    assert stated >= 8


def test_every_operation_has_its_own_explicit_lower_camel_case_operation_id(world: World) -> None:
    import re

    document = _document(world)

    ids = [
        operation.get("operationId", "")
        for operations in document["paths"].values()
        for operation in operations.values()
    ]
    # A route without `operation_id=` gets Powertools' derived id (`list_requests_api_requests_get`):
    # its underscores fail here, as would a name two routes share.
    assert len(ids) >= 50
    assert [i for i in ids if not re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)+|[a-z]+[A-Z]?", i)] == []
    assert len(set(ids)) == len(ids), sorted(i for i in ids if ids.count(i) > 1)


def test_schema_names_are_latin_and_choices_keep_their_russian_labels(world: World) -> None:
    schemas = _document(world)["components"]["schemas"]

    assert [name for name in schemas if not name.isascii()] == []
    # A choice the site labels in Russian: the values are the codes, the labels go with them.
    stage = schemas["StageMarkRequest"]["properties"]["stage"]
    assert stage["title"] == "Этап"
    choices = schemas[stage["$ref"].rsplit("/", 1)[-1]]
    assert choices["enum"][0] == "registered"
    assert choices["x-enum-descriptions"][0] == "Заявка зарегистрирована"
    assert len(choices["enum"]) == len(choices["x-enum-descriptions"])
    kind = schemas["CompanyMessage"]["properties"]["kind"]
    assert kind["title"] == "Вид документа"
    [codes] = [option for option in kind["anyOf"] if "enum" in option]
    assert dict(zip(codes["enum"], codes["x-enum-descriptions"], strict=True))["invoice"] == "Счёт"
    assert "oneOf" not in json.dumps({name: schemas[name] for name in ("StageMarkRequest", "CompanyMessage")})
