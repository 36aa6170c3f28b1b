"""The OpenAPI document of the whole API, merged from every domain's resolver: the builder.

`make openapi` (`infra/openapi.py`) writes what it builds to `docs/openapi.json`, the file the docs
function serves (`functions/docs/handler.py`), and a unit test fails when the committed file drifts
from it. The deployed function never runs this module: Powertools' discovery parses every module of
functions/ (about a quarter of a second) and building the document imports every domain's handler.
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from functions.common.api import SECURITY_SCHEMES

FUNCTIONS_DIR = Path(__file__).resolve().parent.parent

TITLE = "Личный кабинет потребителя — API"
DESCRIPTION = """API личного кабинета потребителя сетевой компании.

Ошибки всегда приходят в формате RFC 9457 (`application/problem+json`): `title`, `status`, `detail`
и `errors` — список `{field, message}` с русским текстом о том, что исправить.

* Маршруты потребителя требуют `Authorization: Bearer <id_token>` (токен из `POST /api/auth/login`).
* Маршруты `/api/integration/*` — для систем компании: ключ в заголовке `x-api-key`."""

app = APIGatewayRestResolver(enable_validation=True)


@cache
def _configure_merge() -> None:
    """Finds every domain's resolver for the merged document."""
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


_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}
_RETRY_AFTER = {
    "Retry-After": {"description": "Через сколько секунд повторить запрос", "schema": {"type": "integer"}}
}
# What API Gateway (its throttling, the usage plan's quota, WAF's rate rules, its 29-second timeout)
# or AWS may answer on any operation, whatever the route says: a client must expect each.
_ANY_OPERATION: dict[str, dict[str, Any]] = {
    "429": {
        "description": "Слишком много запросов (ограничение API, квота ключа интеграции или фильтр "
        "безопасности): повторите через Retry-After секунд",
        "headers": _RETRY_AFTER,
        "content": _PROBLEM,
    },
    "503": {
        "description": "Сервис временно недоступен: ничего не изменено, повторите через Retry-After секунд",
        "headers": _RETRY_AFTER,
        "content": _PROBLEM,
    },
    "504": {
        "description": "Запрос не выполнен за 29 секунд (таймаут API Gateway): повторите; изменения с "
        "Idempotency-Key не выполнятся дважды",
        "headers": _RETRY_AFTER,
        "content": _PROBLEM,
    },
}


def _use_problem_details(schema: dict[str, Any]) -> dict[str, Any]:
    """Validation errors are answered as problem details, not as Powertools' default shape; a 204
    answer has no body; 429, 503 and 504 are documented on every operation."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            for status, answer in _ANY_OPERATION.items():
                if status not in responses and int(status) not in responses:
                    responses[status] = answer
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
    """The document as the code describes the API now (what `make openapi` commits, without its
    final line break)."""
    _configure_merge()
    merged = json.loads(app.get_openapi_merge_json_schema())
    return json.dumps(_use_problem_details(merged), ensure_ascii=False, indent=1)
