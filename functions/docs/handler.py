"""The docs function: the whole API's OpenAPI document (and its 3.0 rendition), Swagger UI, and the 405
`ANY` events.

It serves `docs/openapi.json` as committed, never builds it: `make openapi` writes that file from the
code (`functions/docs/document.py`), `make package` ships it in this function's folder
(`PACKAGED_FILES`), and a unit test fails when it drifts from the code. So its first answer reads one
file and imports no domain's handler.
"""

import base64
import gzip
import hashlib
import re
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.problems import PROBLEM_CONTENT_TYPE, PROBLEM_KINDS, ProblemDetails, problem_type
from functions.common.tracing import tracer

logger = Logger()

# Files of the repository this function reads, relative to its root: `make package` ships them at the
# same place in the function's folder (infra/function_code.py reads this tuple from the source).
PACKAGED_FILES = ("docs/openapi.json", "docs/openapi-3.0.json")
ROOT = Path(__file__).resolve().parents[2]
DOCUMENT_PATH = ROOT / "docs" / "openapi.json"
# The same document as OpenAPI 3.0.3, for generators that cannot read 3.1 (infra/openapi30.py).
DOCUMENT_30_PATH = ROOT / "docs" / "openapi-3.0.json"

app = APIGatewayRestResolver()


@cache
def served_document() -> str:
    """The document this function serves: docs/openapi.json, read once (without its final line break)."""
    return DOCUMENT_PATH.read_text(encoding="utf-8").removesuffix("\n")


@app.get("/api/openapi.json", include_in_schema=False)
def openapi_json() -> Response[str]:
    return Response(status_code=200, content_type="application/json", body=served_document())


@app.get("/api/openapi-3.0.json", include_in_schema=False)
def openapi_30_json() -> Response[str]:
    body = DOCUMENT_30_PATH.read_text(encoding="utf-8").removesuffix("\n")
    return Response(status_code=200, content_type="application/json", body=body)


@cache
def _swagger_page() -> str:
    """Swagger UI with the served document in its page, as Powertools' `enable_swagger` builds it: its
    own bundled script and style inline."""
    from aws_lambda_powertools.event_handler.openapi import swagger_ui
    from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html

    bundle = Path(swagger_ui.__file__).parent
    script = (bundle / "swagger-ui-bundle.min.js").read_text(encoding="utf-8")
    style = (bundle / "swagger-ui.min.css").read_text(encoding="utf-8")
    # `</` escaped so that no text of the document can close the page's <script>.
    spec = served_document().replace("</", "<\\/")
    return generate_swagger_html(spec, script, style, "", None, False)


@app.get("/api/docs", include_in_schema=False, compress=True)
def swagger() -> Response[str]:
    query = app.current_event.query_string_parameters or {}
    if query.get("format") == "json":  # as Powertools' Swagger UI route answers it
        return Response(status_code=200, content_type="application/json", body=served_document())
    if query.get("format") == "oauth2-redirect":
        from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_oauth2_redirect_html

        return Response(status_code=200, content_type="text/html", body=generate_oauth2_redirect_html())
    return Response(status_code=200, content_type="text/html", body=_swagger_page())


@app.get("/api/problems/<code>", include_in_schema=False)
def problem_kind(code: str) -> Response[str]:
    """What a kind of problem means (the `type` URI of every problem answer points here): JSON of its
    code, status and meaning; an unknown code is a problem of its own (404)."""
    import json

    kind = PROBLEM_KINDS.get(code)
    if kind is None:
        problem = ProblemDetails(
            request_id=str(app.current_event.request_context.request_id or "") or None,
            title="Не найдено",
            status=HTTPStatus.NOT_FOUND,
            detail="Такого вида проблемы нет. Виды: " + ", ".join(sorted(PROBLEM_KINDS)) + ".",
        )
        return Response(status_code=404, content_type=PROBLEM_CONTENT_TYPE, body=problem.model_dump_json())
    status, meaning = kind
    body = {"type": problem_type(code), "code": code, "status": status, "meaning": meaning}
    return Response(
        status_code=200,
        content_type="application/json",
        body=json.dumps(body, ensure_ascii=False),
        headers={"Cache-Control": "public, max-age=86400"},
    )


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
_DOCUMENTATION_METHODS = {
    "/api/openapi.json": ("GET",),
    "/api/openapi-3.0.json": ("GET",),
    "/api/docs": ("GET",),
    "/api/problems/{code}": ("GET",),
}


@cache
def allowed_methods() -> dict[str, tuple[str, ...]]:
    """Each path of the API and the methods it declares, from the OpenAPI document."""
    import json

    paths: dict[str, Any] = json.loads(served_document())["paths"]
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
        request_id=str((event.get("requestContext") or {}).get("requestId") or "") or None,
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
    refused = _method_not_allowed(event)
    if refused is not None:
        return refused
    response = app.resolve(event, context)
    if event.get("path") == "/api/docs" and response.get("statusCode") == 200:
        return _allow_inline_scripts_by_hash(response)
    return response
