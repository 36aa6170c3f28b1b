"""`make openapi`: the committed OpenAPI document and the integrators' client generated from it.

Writes `docs/openapi.json`, built from the code by `functions/docs/document.py`: the document the docs
function serves as it is (`make package` ships it in that function's folder; a unit test fails when
the committed one drifts from the code), and its OpenAPI 3.0 rendition `docs/openapi-3.0.json`
(infra/openapi30.py) for generators that cannot read 3.1. Generates, with openapi-python-client, a typed
Python client of the integration routes (`/api/integration/*`): the installable project
`clients/portal-integration-client/` (pyproject.toml with the API's version, README.md, the package
`portal_integration/`), what integrators install and what the API tests call those routes with. The
generator's templates are overridden from `infra/client_templates/` (metadata, README, the package's
exports), and `infra/client_templates/integrator.py`, written by hand (`IntegrationClient`: the
x-api-key preset, retries, Idempotency-Key, paging), is copied into the package. Then builds the
project's wheel into `.aws-build/clients/` (not committed: rebuilt from the committed project).
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
DOCUMENT_30_PATH = ROOT / "docs" / "openapi-3.0.json"
CLIENT_PROJECT = ROOT / "clients" / "portal-integration-client"
CLIENT_DIR = CLIENT_PROJECT / "portal_integration"
CLIENT_TEMPLATES = Path(__file__).resolve().parent / "client_templates"
HAND_WRITTEN = ("integrator.py",)
WHEEL_DIR = ROOT / ".aws-build" / "clients"
# No post-generation hooks (the generator would run whatever `ruff` is on PATH): the output is the same
# on every machine, so the committed client can be compared with a fresh generation.
CLIENT_CONFIG = {
    "project_name_override": "portal-integration-client",
    "package_name_override": "portal_integration",
    "post_hooks": [],
}
INTEGRATION_PREFIX = "/api/integration/"


def document_text() -> str:
    from functions.docs.document import openapi_document

    return openapi_document() + "\n"


def document_30_text(text: str) -> str:
    """The OpenAPI 3.0 rendition of the document's text (infra/openapi30.py), as committed."""
    from infra.openapi30 import downgrade

    return json.dumps(downgrade(json.loads(text)), ensure_ascii=False, indent=1) + "\n"


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
    """The client project, generated into `output` (its pyproject.toml, README.md and package)."""
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
                "uv",  # a pyproject.toml and a README; both from infra/client_templates/
                "--custom-template-path",
                str(CLIENT_TEMPLATES),
                "--output-path",
                str(Path(work) / "client"),
                "--overwrite",
            ],
            check=True,
            capture_output=True,
        )
        generated = Path(work) / "client"
        (generated / ".gitignore").unlink()
        _integrators_key_by_default(generated / "portal_integration" / "client.py")
        for name in HAND_WRITTEN:
            shutil.copyfile(CLIENT_TEMPLATES / name, generated / "portal_integration" / name)
        shutil.rmtree(output, ignore_errors=True)
        shutil.copytree(generated, output)


# AuthenticatedClient's defaults, as generated, and as the integration routes want them: the key as it is
# in x-api-key (the generated `Authorization: Bearer <token>` is refused with 403).
AUTH_DEFAULTS = {
    '    prefix: str = "Bearer"\n': '    prefix: str = ""\n',
    '    auth_header_name: str = "Authorization"\n': '    auth_header_name: str = "x-api-key"\n',
}


def _integrators_key_by_default(client_module: Path) -> None:
    text = client_module.read_text(encoding="utf-8")
    for generated, wanted in AUTH_DEFAULTS.items():
        if text.count(generated) != 1:
            raise RuntimeError(f"{client_module.name} has no {generated.strip()!r}: update AUTH_DEFAULTS")
        text = text.replace(generated, wanted)
    client_module.write_text(text, encoding="utf-8")


def build_wheel(project: Path, into: Path) -> Path:
    """The project's wheel, built by setuptools (the project's backend) from a copy of it, so no build
    folder or egg-info lands in the committed project."""
    into.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / project.name
        # Not what a pip install from the folder or a tool left there (a stale build/ would be packed).
        shutil.copytree(
            project, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", ".*")
        )
        subprocess.run(  # noqa: S603 # nosec B603 # pip of the venv, fixed arguments
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--no-deps",
                "--no-build-isolation",  # the venv's setuptools and wheel: no download
                "--wheel-dir",
                str(Path(work) / "dist"),
                str(source),
            ],
            check=True,
            capture_output=True,
        )
        [built] = (Path(work) / "dist").glob("*.whl")
        target = into / built.name
        shutil.copyfile(built, target)
    return target


def main() -> None:
    text = document_text()
    DOCUMENT_PATH.write_text(text, encoding="utf-8")
    DOCUMENT_30_PATH.write_text(document_30_text(text), encoding="utf-8")
    generate_client(json.loads(text), CLIENT_PROJECT)
    wheel = build_wheel(CLIENT_PROJECT, WHEEL_DIR)
    for written in (DOCUMENT_PATH, DOCUMENT_30_PATH, CLIENT_PROJECT, wheel):
        print(written.relative_to(ROOT))


if __name__ == "__main__":
    main()
