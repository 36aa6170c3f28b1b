"""The OpenAPI 3.0 rendition of the document (`docs/openapi-3.0.json`, written by `make openapi`), for
the generators that cannot read 3.1 (many Java, .NET and 1С ones).

Written here rather than taken from PyPI: the one maintained-looking converter there (openapi-downgrade
1.0.1) fetches the 3.0 schema from the network to validate its output, writes a warnings file into the
working folder and installs a top-level `tests` package. What our document uses of 3.1 is small:

- a type list or an `anyOf`/`oneOf` with `{"type": "null"}` → the other type with `nullable: true`
  (one `$ref` left alone becomes `allOf: [$ref]`, as 3.0 ignores a `$ref`'s siblings);
- `const` → a one-value `enum` (without a `default` it refuses); numeric `exclusiveMinimum`/
  `exclusiveMaximum` → `minimum`/`maximum` with the 3.0 boolean; a schema's `examples` list → its
  first as `example`;
- a `$ref` with siblings (a field's Russian title beside a named enum) → `allOf: [$ref]` + siblings;
- keywords 3.0 has no place for (`propertyNames`, `contentMediaType`, `contentEncoding`, `$schema`)
  are dropped: the 3.1 document stays the one that states everything.
`tests/unit/test_openapi30.py` validates the result with openapi-spec-validator against the 3.0 schema.
"""

import copy
from typing import Any

VERSION = "3.0.3"
# What a 3.0 schema cannot hold; the 3.1 document keeps them.
DROPPED = ("propertyNames", "contentMediaType", "contentEncoding", "$schema", "$id", "unevaluatedProperties")
# Where a schema holds schemas: one, a list of them, or a map of them.
ONE = ("items", "not", "additionalProperties")
LISTS = ("allOf", "anyOf", "oneOf")
MAPS = ("properties", "patternProperties")


def downgrade(document: dict[str, Any]) -> dict[str, Any]:
    """The document as OpenAPI 3.0.3 (the argument is left as it was)."""
    converted = copy.deepcopy(document)
    converted["openapi"] = VERSION
    for key in ("jsonSchemaDialect", "webhooks"):
        converted.pop(key, None)
    converted.get("info", {}).get("license", {}).pop("identifier", None)
    components = converted.get("components", {})
    components.pop("pathItems", None)
    components["schemas"] = {name: schema_30(s) for name, s in components.get("schemas", {}).items()}
    for section in ("paths", "components"):
        _convert_schemas_under(converted.get(section, {}))
    return converted


def _convert_schemas_under(node: Any) -> None:
    """Every `schema` of a parameter, header or media type below `node` (component schemas are done)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "schema" and isinstance(value, dict):
                node[key] = schema_30(value)
            elif key != "schemas":
                _convert_schemas_under(value)
    elif isinstance(node, list):
        for value in node:
            _convert_schemas_under(value)


def schema_30(schema: dict[str, Any]) -> dict[str, Any]:
    """One JSON Schema 2020-12 schema as an OpenAPI 3.0 schema object."""
    converted = {key: value for key, value in schema.items() if key not in DROPPED}
    for key in ONE:
        if isinstance(converted.get(key), dict):
            converted[key] = schema_30(converted[key])
    for key in LISTS:
        if key in converted:
            converted[key] = [schema_30(choice) for choice in converted[key]]
    for key in MAPS:
        if key in converted:
            converted[key] = {name: schema_30(value) for name, value in converted[key].items()}
    _scalars(converted)
    _nullable_type_list(converted)
    for key in LISTS:
        _nullable_choice(converted, key)
    if converted.get("nullable") and None not in converted.get("enum", [None]):
        converted["enum"] = [*converted["enum"], None]  # 3.0.3: an enum lists null to allow it
    if "$ref" in converted and len(converted) > 1:
        converted = {"allOf": [{"$ref": converted.pop("$ref")}], **converted}
    return converted


def _scalars(schema: dict[str, Any]) -> None:
    if "const" in schema:
        schema["enum"] = [schema.pop("const")]
        # A field that must be given as true (consent) has default false in 3.1, where `default` is only
        # an annotation; 3.0 validators check a default against its schema.
        if "default" in schema and schema["default"] not in schema["enum"]:
            del schema["default"]
    for exclusive, inclusive in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        bound = schema.get(exclusive)
        if isinstance(bound, int | float) and not isinstance(bound, bool):
            schema[inclusive], schema[exclusive] = bound, True
    examples = schema.pop("examples", None)
    if isinstance(examples, list) and examples and "example" not in schema:
        schema["example"] = examples[0]


def _nullable_type_list(schema: dict[str, Any]) -> None:
    kinds = schema.get("type")
    if not isinstance(kinds, list):
        if kinds == "null":  # only null: 3.0 has no null type
            del schema["type"]
            schema["nullable"] = True
        return
    others = [kind for kind in kinds if kind != "null"]
    if len(others) < len(kinds):
        schema["nullable"] = True
    if len(others) == 1:
        schema["type"] = others[0]
    else:
        del schema["type"]
        schema["anyOf"] = [{"type": kind} for kind in others]


def _nullable_choice(schema: dict[str, Any], key: str) -> None:
    choices = schema.get(key)
    if not choices:
        return
    others = [choice for choice in choices if choice != {"nullable": True}]
    if len(others) == len(choices):
        return
    schema["nullable"] = True
    if len(others) != 1:
        schema[key] = others
        return
    del schema[key]
    [only] = others
    if "$ref" in only:
        schema["allOf"] = [only]
    else:
        for name, value in only.items():
            schema.setdefault(name, value)
