"""`make openapi`: the committed OpenAPI document and the integrators' client generated from it.

Writes `docs/openapi.json`, built from the code by `functions/docs/document.py`: the document the docs
function serves as it is (`make package` ships it in that function's folder; a unit test fails when
the committed one drifts from the code). Generates, with openapi-python-client, a typed
Python client of the integration routes (`/api/integration/*`) into `clients/portal_integration/`:
the example an integrator follows, and what the API tests use to call those routes.
"""

import json
import shutil
import subprocess  # nosec B404 # runs the generator of the venv with fixed arguments
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from infra.template import ROOT

DOCUMENT_PATH = ROOT / "docs" / "openapi.json"
CLIENT_DIR = ROOT / "clients" / "portal_integration"
CLIENT_CONFIG = {"project_name_override": "portal-integration", "package_name_override": "portal_integration"}
INTEGRATION_PREFIX = "/api/integration/"


def document_text() -> str:
    from functions.docs.document import openapi_document

    return openapi_document() + "\n"


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value.rsplit("/", 1)[-1]
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def integration_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document cut to the integration routes and the schemas they reach."""
    # One tag, in Latin letters: the generator names the client's module after it.
    paths = {
        path: {method: {**operation, "tags": ["integration"]} for method, operation in operations.items()}
        for path, operations in document["paths"].items()
        if path.startswith(INTEGRATION_PREFIX)
    }
    schemas = document["components"]["schemas"]
    needed: set[str] = set()
    pending = list(_refs(paths))
    while pending:
        name = pending.pop()
        if name not in needed:
            needed.add(name)
            pending.extend(_refs(schemas[name]))
    components = {
        "schemas": {name: schemas[name] for name in sorted(needed)},
        "securitySchemes": {"apiKey": document["components"]["securitySchemes"]["apiKey"]},
    }
    return {**document, "paths": paths, "components": components}


def generate_client(document: dict[str, Any], output: Path) -> None:
    with tempfile.TemporaryDirectory() as work:
        source, config = Path(work) / "integration.json", Path(work) / "config.json"
        source.write_text(json.dumps(integration_document(document), ensure_ascii=False), encoding="utf-8")
        config.write_text(json.dumps(CLIENT_CONFIG), encoding="utf-8")
        generator = Path(sys.executable).parent / "openapi-python-client"
        subprocess.run(  # noqa: S603 # nosec B603 # the generator of the venv, fixed arguments
            [
                str(generator),
                "generate",
                "--path",
                str(source),
                "--config",
                str(config),
                "--meta",
                "none",
                "--output-path",
                str(Path(work) / "client"),
                "--overwrite",
            ],
            check=True,
            capture_output=True,
        )
        shutil.rmtree(output, ignore_errors=True)
        shutil.copytree(Path(work) / "client", output)


def main() -> None:
    text = document_text()
    DOCUMENT_PATH.write_text(text, encoding="utf-8")
    generate_client(json.loads(text), CLIENT_DIR)
    print(f"{DOCUMENT_PATH.relative_to(ROOT)}, {CLIENT_DIR.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
