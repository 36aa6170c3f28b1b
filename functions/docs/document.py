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
    _choices_as_enums(schemas)
    _name_labelled_enums(schemas)
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


def _choices_as_enums(node: Any) -> None:
    """A choice with a Russian label per value (`oneOf` of `const` + `title`, what the site's forms
    read) is stated as an `enum` with the labels in `x-enum-descriptions`: generators name a `oneOf`'s
    members after their titles (a Cyrillic identifier in an integrator's code), an enum's values by
    their Latin codes."""
    if isinstance(node, dict):
        choices = node.get("oneOf")
        if choices and all(set(choice) == {"const", "title"} for choice in choices):
            del node["oneOf"]
            nullable = [option for option in node.get("anyOf", []) if "enum" in option]
            target = nullable[0] if nullable else node
            target["enum"] = [choice["const"] for choice in choices]
            target["x-enum-descriptions"] = [choice["title"] for choice in choices]
            target.pop("pattern", None)  # the values are the codes: no free text to guard
        for value in node.values():
            _choices_as_enums(value)
    elif isinstance(node, list):
        for value in node:
            _choices_as_enums(value)


def _name_labelled_enums(schemas: dict[str, Any]) -> None:
    """An enum stated inline under a Russian title becomes a component named in Latin after its model
    and field (`UploadRequestContentType`), referred to with the field's title and description: a
    generator names an inline enum's class after its title."""
    for name, schema in list(schemas.items()):
        for field, spec in schema.get("properties", {}).items():
            if "enum" not in spec or str(spec.get("title", "")).isascii():
                continue
            component = name + "".join(word.capitalize() for word in field.split("_"))
            labels = {key: spec.pop(key) for key in ("title", "description") if key in spec}
            schemas[component] = {**spec, "title": component}
            spec.clear()
            spec.update({"$ref": f"#/components/schemas/{component}", **labels})


@cache
def openapi_document() -> str:
    """The document as the code describes the API now (what `make openapi` commits, without its
    final line break)."""
    _configure_merge()
    merged = json.loads(app.get_openapi_merge_json_schema())
    return json.dumps(_use_problem_details(merged), ensure_ascii=False, indent=1)
