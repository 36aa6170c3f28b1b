"""docs/openapi-3.0.json: the OpenAPI 3.0 rendition of the document (infra/openapi30.py, `make openapi`)
for generators that cannot read 3.1 — valid 3.0, up to date, and saying what the 3.1 document says."""

import json
from typing import Any

from openapi_spec_validator import OpenAPIV30SpecValidator

from infra.openapi import DOCUMENT_30_PATH, DOCUMENT_PATH, document_30_text
from infra.openapi30 import downgrade, schema_30


def _committed() -> dict[str, Any]:
    return dict(json.loads(DOCUMENT_30_PATH.read_text(encoding="utf-8")))


def test_the_committed_3_0_document_is_the_rendition_of_the_committed_document() -> None:
    assert DOCUMENT_30_PATH.read_text(encoding="utf-8") == document_30_text(
        DOCUMENT_PATH.read_text(encoding="utf-8")
    ), "docs/openapi-3.0.json is out of date: run `make openapi` and commit it"


def test_the_3_0_document_is_valid_openapi_3_0_with_every_operation() -> None:
    document = _committed()
    original = json.loads(DOCUMENT_PATH.read_text(encoding="utf-8"))

    assert document["openapi"] == "3.0.3"
    assert [str(error)[:500] for error in OpenAPIV30SpecValidator(document).iter_errors()] == []
    assert {
        (path, method, operation["operationId"])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    } == {
        (path, method, operation["operationId"])
        for path, operations in original["paths"].items()
        for method, operation in operations.items()
    }
    assert document["components"]["schemas"].keys() == original["components"]["schemas"].keys()


def test_nothing_of_3_1_is_left_in_the_3_0_document() -> None:
    def keywords(node: Any) -> Any:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in {"properties", "schemas"}:  # names of fields and of schemas, not keywords
                    yield from keywords(list(value.values()))
                    continue
                yield key, value
                yield from keywords(value)
        elif isinstance(node, list):
            for value in node:
                yield from keywords(value)

    found = list(keywords(_committed()))
    assert [
        key for key, _ in found if key in {"const", "propertyNames", "jsonSchemaDialect", "webhooks"}
    ] == []
    assert [value for key, value in found if key == "type" and not isinstance(value, str)] == []
    assert [value for key, value in found if key == "type" and value == "null"] == []
    assert {value for key, value in found if key in {"exclusiveMinimum", "exclusiveMaximum"}} <= {True, False}
    assert [
        value for key, value in found if isinstance(value, dict) and "$ref" in value and len(value) > 1
    ] == []


def test_nullable_fields_are_stated_as_3_0_states_them() -> None:
    assert schema_30({"anyOf": [{"type": "string", "maxLength": 5}, {"type": "null"}], "title": "Имя"}) == {
        "title": "Имя",
        "nullable": True,
        "type": "string",
        "maxLength": 5,
    }
    assert schema_30({"anyOf": [{"$ref": "#/components/schemas/Kind"}, {"type": "null"}]}) == {
        "nullable": True,
        "allOf": [{"$ref": "#/components/schemas/Kind"}],
    }
    assert schema_30({"type": ["integer", "null"]}) == {"type": "integer", "nullable": True}
    assert schema_30({"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "null"}]}) == {
        "nullable": True,
        "type": "string",
        "enum": ["a", None],
    }


def test_constants_bounds_examples_and_titled_references_are_rewritten() -> None:
    assert schema_30({"type": "boolean", "const": True, "default": False}) == {
        "type": "boolean",
        "enum": [True],
    }
    assert schema_30({"type": "integer", "exclusiveMinimum": 0, "examples": [3, 4]}) == {
        "type": "integer",
        "minimum": 0,
        "exclusiveMinimum": True,
        "example": 3,
    }
    assert schema_30({"$ref": "#/components/schemas/FileType", "title": "Тип файла"}) == {
        "allOf": [{"$ref": "#/components/schemas/FileType"}],
        "title": "Тип файла",
    }
    assert schema_30(
        {"type": "object", "propertyNames": {"enum": ["t1"]}, "additionalProperties": {"type": "number"}}
    ) == {
        "type": "object",
        "additionalProperties": {"type": "number"},
    }


def test_the_rendition_leaves_the_3_1_document_as_it_was() -> None:
    original = json.loads(DOCUMENT_PATH.read_text(encoding="utf-8"))
    before = json.dumps(original, sort_keys=True)

    downgrade(original)

    assert json.dumps(original, sort_keys=True) == before
