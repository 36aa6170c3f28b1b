"""The OpenAPI document of the whole API, merged from every domain's resolver, and Swagger UI.

The merge is configured on the first request, never at import: Powertools' discovery parses every
module of functions/ (about a quarter of a second) and the domains' handlers are imported when the
document is first built, so a cold start of this function costs what the others' do.
"""

import base64
import gzip
import hashlib
import re
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.api import SECURITY_SCHEMES
from functions.common.problems import PROBLEM_CONTENT_TYPE, ProblemDetails

logger = Logger()
# X-Ray (Tracing: Active); off outside Lambda. Answers hold tokens: never put in a trace.
tracer = Tracer()
FUNCTIONS_DIR = Path(__file__).resolve().parent.parent

TITLE = "Личный кабинет потребителя — API"
DESCRIPTION = """API личного кабинета потребителя сетевой компании.

Ошибки всегда приходят в формате RFC 9457 (`application/problem+json`): `title`, `status`, `detail`
и `errors` — список `{field, message}` с русским текстом о том, что исправить.

* Маршруты потребителя требуют `Authorization: Bearer <id_token>` (токен из `POST /api/auth/login`).
* Маршруты `/api/integration/*` — для систем компании: ключ в заголовке `x-api-key`."""

app = APIGatewayRestResolver(enable_validation=True)
app.enable_swagger(path="/api/docs", title=TITLE, compress=True)


@cache
def _configure_merge() -> None:
    """Finds every domain's resolver for the merged document (Swagger UI reads it too)."""
    from aws_lambda_powertools.event_handler.openapi.models import Server

    app.configure_openapi_merge(
        path=str(FUNCTIONS_DIR),
        pattern="handler.py",
        exclude=["**/docs/**", "**/__pycache__/**"],
        recursive=True,
        title=TITLE,
        version="1.0.0",
        description=DESCRIPTION,
        servers=[Server(url="/")],
        security_schemes=SECURITY_SCHEMES,
        on_conflict="error",
    )


def _use_problem_details(schema: dict[str, Any]) -> dict[str, Any]:
    """Validation errors are answered as problem details, not as Powertools' default shape; a 204
    answer has no body."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            # "No Content" has no body (Powertools documents the handler's Response[str] as one).
            responses.get("204", {}).pop("content", None)
            if "422" in responses or 422 in responses:
                responses.pop(422, None)
                responses["422"] = {
                    "description": "Поля заполнены неверно",
                    "content": {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/ProblemDetails"}
                        }
                    },
                }
    schemas = schema.get("components", {}).get("schemas", {})
    _name_discriminated_shapes(schemas)
    _no_control_characters(schemas)
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(unused, None)
    return schema


# What functions/common/safe_json.py refuses in any text of a body: C0 controls but tab, LF and CR.
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*$"


def _no_control_characters(node: Any) -> None:
    """Every free text states that it has no control character (the API refuses one with a 400)."""
    if isinstance(node, dict):
        if node.get("type") == "string" and not {"pattern", "enum", "const", "format"} & node.keys():
            node["pattern"] = NO_CONTROL_CHARACTERS
        for value in node.values():
            _no_control_characters(value)
    elif isinstance(node, list):
        for value in node:
            _no_control_characters(value)


def _name_discriminated_shapes(schemas: dict[str, Any]) -> None:
    """A union a model states inline (ReadingEntry: one shape per meter type) gets each shape as a
    component of its own and the discriminator's mapping, as OpenAPI wants a discriminator's choices."""
    for name, union in list(schemas.items()):
        discriminator = union.get("discriminator")
        if not discriminator or all("$ref" in choice for choice in union.get("oneOf", [])):
            continue
        mapping: dict[str, str] = {}
        for index, choice in enumerate(union["oneOf"]):
            value = str(choice["properties"][discriminator["propertyName"]]["const"])
            shape = name + "".join(word.capitalize() for word in value.split("_"))
            schemas[shape] = choice
            mapping[value] = f"#/components/schemas/{shape}"
            union["oneOf"][index] = {"$ref": mapping[value]}
        discriminator["mapping"] = mapping


@cache
def openapi_document() -> str:
    import json

    _configure_merge()
    merged = json.loads(app.get_openapi_merge_json_schema())
    return json.dumps(_use_problem_details(merged), ensure_ascii=False, indent=1)


@app.get("/api/openapi.json", include_in_schema=False)
def openapi_json() -> Response[str]:
    return Response(status_code=200, content_type="application/json", body=openapi_document())


# Swagger UI's page is the bundle and its start-up, both inline: the page allows exactly those two
# scripts by their hashes and no other inline script (CloudFront keeps an origin's CSP: Override false).
DOCS_CSP = (
    "default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


@cache
def _script_hashes(page: str) -> str:
    return " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(page)
    )


def _allow_inline_scripts_by_hash(response: dict[str, Any]) -> dict[str, Any]:
    body = str(response.get("body") or "")
    headers = response.setdefault("multiValueHeaders", {})
    page = gzip.decompress(base64.b64decode(body)).decode() if response.get("isBase64Encoded") else body
    headers["Content-Security-Policy"] = [DOCS_CSP.format(hashes=_script_hashes(page))]
    return response


# This function's own paths, which the document leaves out (they serve it).
_DOCUMENTATION_METHODS = {"/api/openapi.json": ("GET",), "/api/docs": ("GET",)}


@cache
def allowed_methods() -> dict[str, tuple[str, ...]]:
    """Each path of the API and the methods it declares, from the OpenAPI document."""
    import json

    paths: dict[str, Any] = json.loads(openapi_document())["paths"]
    return {
        **{path: tuple(sorted(method.upper() for method in ops)) for path, ops in paths.items()},
        **_DOCUMENTATION_METHODS,
    }


def _method_not_allowed(event: dict[str, Any]) -> dict[str, Any] | None:
    """405 with Allow for a method the path does not declare (the template's ANY events send those
    here); None for a method the path has."""
    allowed = allowed_methods().get(str(event.get("resource") or ""))
    method = str(event.get("httpMethod") or "")
    if allowed is None or method in allowed:
        return None
    problem = ProblemDetails(
        title="Метод не поддерживается",
        status=HTTPStatus.METHOD_NOT_ALLOWED,
        detail=f"Адрес {event.get('resource')} принимает только {', '.join(allowed)}. "
        "Список адресов: /api/docs.",
    )
    return {
        "statusCode": HTTPStatus.METHOD_NOT_ALLOWED,
        "multiValueHeaders": {"Content-Type": [PROBLEM_CONTENT_TYPE], "Allow": [", ".join(allowed)]},
        "body": problem.model_dump_json(),
        "isBase64Encoded": False,
    }


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    _configure_merge()
    refused = _method_not_allowed(event)
    if refused is not None:
        return refused
    response = app.resolve(event, context)
    if event.get("path") == "/api/docs" and response.get("statusCode") == 200:
        return _allow_inline_scripts_by_hash(response)
    return response
