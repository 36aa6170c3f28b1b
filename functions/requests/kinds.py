"""The request types as the site shows them (forms from the models' schemas) and their review deadlines."""

from datetime import date, datetime
from functools import cache
from typing import Any

from pydantic import BaseModel

from functions.common.clock import moscow_date
from functions.requests.calendar import add_working_days
from functions.requests.meter_rules import STATUTORY_TERMS, months_after, statutory_term_text
from functions.requests.outputs import RequestTypeOutput, RequestTypesOutput
from functions.requests.registry import FIELDS_OF
from functions.requests.settings import request_settings
from functions.requests.vocabulary import KIND_OF, RequestType

# ---------------------------------------------------------------- types


def _inlined(node: Any, defs: dict[str, Any]) -> Any:
    """`node` with every `$ref` to the schema's `$defs` replaced by the definition (a list of points
    is rendered from its items' own properties)."""
    if isinstance(node, list):
        return [_inlined(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/$defs/"):
        found = defs[node["$ref"].removeprefix("#/$defs/")]
        return _inlined({**found, **{k: v for k, v in node.items() if k != "$ref"}}, defs)
    return {key: _inlined(value, defs) for key, value in node.items()}


def _flat_properties(schema: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for name, spec in schema.get("properties", {}).items():
        variants = [v for v in spec.get("anyOf", []) if v.get("type") != "null"]
        flat = {**variants[0], **{k: v for k, v in spec.items() if k != "anyOf"}} if variants else dict(spec)
        if flat.get("default", "") is None:
            del flat["default"]
        if flat.get("type") == "object" and "properties" in flat:
            flat["properties"] = _flat_properties(flat)
        if (
            flat.get("type") == "array"
            and isinstance(flat.get("items"), dict)
            and "properties" in flat["items"]
        ):
            flat["items"] = {**flat["items"], "properties": _flat_properties(flat["items"])}
        properties[name] = flat
    return properties


def _form_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with optional fields flattened to their own type (no `anyOf` null)
    and nested models inlined, so that a form can be rendered from each property directly."""
    schema = model.model_json_schema()
    schema = _inlined({k: v for k, v in schema.items() if k != "$defs"}, schema.get("$defs", {}))
    properties = _flat_properties(schema)
    extra = {key: value for key, value in schema.items() if key.startswith("x-")}
    return {
        **extra,
        "type": "object",
        "title": schema.get("title", model.__name__),
        "properties": properties,
        "required": schema.get("required", []),
        "additionalProperties": False,
    }


@cache
def form_schemas() -> dict[RequestType, dict[str, Any]]:
    return {code: _form_schema(model) for code, model in FIELDS_OF.items()}


def request_types() -> RequestTypesOutput:
    days = request_settings().request_review_days
    return RequestTypesOutput(
        types=[
            RequestTypeOutput(
                code=code,
                title=kind.title,
                description=kind.description,
                review_working_days=days[code],
                statutory_term=statutory_term_text(code.value),
                fields_schema=form_schemas()[code],
            )
            for code, kind in KIND_OF.items()
        ]
    )


def review_deadline(kind: RequestType, created_at: datetime) -> date:
    """The working days of the type from the filing day; a type whose term a law sets (meter
    installation: meter_rules.STATUTORY_TERMS) has that term instead."""
    months = STATUTORY_TERMS.get(kind.value)
    if months is not None:
        return months_after(moscow_date(created_at), months)
    return add_working_days(moscow_date(created_at), request_settings().request_review_days[kind])
