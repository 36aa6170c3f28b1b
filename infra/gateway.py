"""The local API Gateway: HTTP in, API Gateway REST proxy events to the real handlers, HTTP out.

Routes, guards and API Gateway's own refusals come from `template.yaml`. Consumer routes are guarded
as API Gateway guards them: the template's Lambda TOKEN authorizer (functions/authorizer) is invoked
with the `Authorization` header, its policy must allow the route, and its context is passed as
`requestContext.authorizer`. API Gateway caches that answer per token for `ReauthorizeEvery`
seconds; here it is asked on every request, so an ended session is refused at once. Its failures
are API Gateway's: an authorizer that raises anything but "Unauthorized", or answers no policy, is
AUTHORIZER_CONFIGURATION_ERROR, and every gateway response is resolved as AWS resolves it
(infra/template.py's `gateway_answer`). Integration routes are guarded the same way by the
integrator authorizer (functions/authorizer/integrators.py) with the `x-api-key` header. Before
all of it, the API's web ACL is applied as WAF applies it on the stage (infra/waf.py). It also
serves `web/` and the local mail outbox.
"""

import base64
import fnmatch
import json
import mimetypes
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from werkzeug.security import safe_join
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import wrap_file

from infra import site
from infra.lambda_runtime import LambdaContext, load_handler
from infra.template import (
    FUNCTION_ERROR_STATUS,
    INTEGRATOR_AUTHORIZER,
    ResponseHeader,
    Route,
    TokenAuthorizer,
    gateway_answer,
    gateway_responses,
    load_template,
    method_fallbacks,
    routes,
    security_headers,
    token_authorizer,
)
from infra.waf import LocalWaf, WafRequest

# Locally the browser uploads request files straight to moto's S3 (in AWS, *.amazonaws.com, which the
# template's CSP allows): its origin is added to the CSP's connect-src at start.
_CONNECT_SRC = "connect-src 'self'"


Mail = dict[str, str]


class LocalGateway:
    def __init__(
        self,
        *,
        web_dir: Path,
        outbox: Callable[[], list[Mail]],
        stage: str = "prod",
        connect_sources: Iterable[str] = (),
        waf: LocalWaf | None = None,
    ) -> None:
        template = load_template()
        # The web ACL on the API's stage (template.yaml's ApiWebAcl), before any route is matched.
        self.waf = waf if waf is not None else LocalWaf(template, {"StageName": stage})
        self.routes = routes(template)
        self._fallbacks = method_fallbacks(template)
        self._refusals = gateway_responses(template)
        # Route.auth -> the Lambda TOKEN authorizer that guards it.
        self._authorizers = {
            "cognito": token_authorizer(template),
            "api_key": token_authorizer(template, INTEGRATOR_AUTHORIZER),
        }
        self._web_dir = web_dir
        self._outbox = outbox
        self._stage = stage
        # Lambda gives an execution environment one event at a time, and a Powertools resolver keeps
        # the current event on itself: one function runs one event at a time here too.
        self._running = {route.function: threading.Lock() for route in [*self.routes, *self._fallbacks]}
        for guard in self._authorizers.values():
            self._running[guard.function] = threading.Lock()
        # The headers CloudFront's response headers policy adds in AWS, from the same template.
        self._headers: dict[str, ResponseHeader] = security_headers(template)
        csp = self._headers["Content-Security-Policy"]
        connect = _CONNECT_SRC + "".join(f" {source}" for source in connect_sources)
        self._headers["Content-Security-Policy"] = ResponseHeader(
            csp.value.replace(_CONNECT_SRC, connect, 1), csp.override
        )

    # ------------------------------------------------------------------ WSGI
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        response = self.dispatch(request)
        # As CloudFront does: a header with Override replaces the origin's, the others (the CSP: the
        # docs function allows Swagger UI's inline scripts by hash) only fill in a missing one.
        for name, header in self._headers.items():
            if header.override or name not in response.headers:
                response.headers[name] = header.value
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        if request.path.startswith("/api/"):
            return self._api(request)
        if request.path == "/_local/outbox":
            return Response(json.dumps(self._outbox(), ensure_ascii=False), content_type="application/json")
        if request.path == "/_local/mark" and request.method == "POST":
            # A line printed after everything printed before it: whoever reads the console (the API
            # tests) knows, once they see it, that they have read all that came before.
            print(f"──── mark {request.get_data(as_text=True)[:100]!r}", flush=True)
            return Response(status=204)
        return self._static(request)

    # ------------------------------------------------------------------ API
    def _match(self, request: Request) -> tuple[Route, dict[str, str]] | None:
        # As API Gateway does: a literal path (/api/outages/mine) wins over a parameter's (/api/outages/{id}).
        for route in sorted(self.routes, key=lambda r: "{" in r.path):
            found = route.pattern.match(request.path)
            if found and route.method == request.method:
                return route, found.groupdict()
        # As API Gateway does: a path's ANY method takes only what its declared methods leave.
        for route in sorted(self._fallbacks, key=lambda r: "{" in r.path):
            found = route.pattern.match(request.path)
            if found:
                return route, found.groupdict()
        return None

    def _refuse(self, response_type: str, status: int | None = None) -> Response:
        """API Gateway's own answer of this type, resolved as AWS resolves it (infra/template.py's
        `gateway_answer`: the type's customisation, else DEFAULT_4XX/5XX's with the type's status)."""
        answer = gateway_answer(self._refusals, response_type, status)
        # API Gateway fills $context.requestId in a gateway response's template; so does its twin.
        body = answer.body.replace("$context.requestId", uuid.uuid4().hex)
        return Response(body, status=answer.status, headers=answer.headers)

    def _api(self, request: Request) -> Response:
        # WAF sees the path as sent (not decoded), with the stage, and the connection's address.
        raw_path = str(request.environ.get("RAW_URI") or request.path).split("?", 1)[0]
        headers = dict(request.headers.items())
        seen = WafRequest(f"/{self._stage}{raw_path}", headers, request.remote_addr or "127.0.0.1")
        blocked = self.waf.inspect(seen)
        if blocked is not None:
            if blocked.status is None:  # WAF's own 403: API Gateway answers WAF_FILTERED
                return self._refuse("WAF_FILTERED")
            return Response(blocked.body, status=blocked.status, headers=blocked.headers)
        matched = self._match(request)
        if matched is None:
            return self._refuse("MISSING_AUTHENTICATION_TOKEN")
        route, path_parameters = matched
        authorizer: dict[str, Any] | None = None
        if route.auth in self._authorizers:
            authorizer, refusal = self._authorize(request, route, self._authorizers[route.auth])
            if refusal is not None:
                return self._refuse(refusal)
        event = self._event(request, route, path_parameters, authorizer)
        try:
            with self._running[route.function]:
                result = load_handler(route.handler)(event, LambdaContext(route.function))
        except Exception:  # a crash of the function: API Gateway answers 502, DEFAULT_5XX's body
            import traceback

            traceback.print_exc()
            return self._refuse("DEFAULT_5XX", FUNCTION_ERROR_STATUS)
        return self._response(result)

    def _authorize(
        self, request: Request, route: Route, guard: TokenAuthorizer
    ) -> tuple[dict[str, Any] | None, str | None]:
        """The authorizer's context for this request, or the gateway response that refuses it."""
        token = request.headers.get(guard.header)
        if not token:  # API Gateway refuses a missing identity source without asking the authorizer
            return None, "UNAUTHORIZED"
        region = os.environ.get("AWS_REGION", "eu-central-1")
        method_arn = (
            f"arn:aws:execute-api:{region}:123456789012:local/{self._stage}/{route.method}{request.path}"
        )
        event = {"type": "TOKEN", "authorizationToken": token, "methodArn": method_arn}
        function = guard.function
        try:
            with self._running[function]:
                answer = load_handler(guard.handler)(event, LambdaContext(function))
        except Exception as error:  # "Unauthorized" is the refusal; anything else a failed authorizer
            if str(error) == "Unauthorized":
                return None, "UNAUTHORIZED"
            import traceback

            traceback.print_exc()
            # What API Gateway answers a Lambda authorizer that raised anything but "Unauthorized".
            return None, "AUTHORIZER_CONFIGURATION_ERROR"
        if not isinstance(answer, Mapping) or not isinstance(answer.get("policyDocument"), Mapping):
            return None, "AUTHORIZER_CONFIGURATION_ERROR"  # not an authorizer's answer: the same
        effects = {
            str(statement.get("Effect"))
            for statement in answer.get("policyDocument", {}).get("Statement", [])
            if any(
                fnmatch.fnmatchcase(method_arn, pattern) for pattern in _as_list(statement.get("Resource"))
            )
        }
        if "Deny" in effects or "Allow" not in effects:
            return None, "ACCESS_DENIED"
        # API Gateway passes the context's values as strings, next to the principal.
        context = {key: str(value) for key, value in (answer.get("context") or {}).items()}
        return {**context, "principalId": str(answer.get("principalId", "")), "integrationLatency": 0}, None

    def _event(
        self,
        request: Request,
        route: Route,
        path_parameters: Mapping[str, str],
        authorizer: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        raw = request.get_data()
        try:
            body: str | None = raw.decode("utf-8") if raw else None
            encoded = False
        except UnicodeDecodeError:
            body, encoded = base64.b64encode(raw).decode("ascii"), True
        query = request.args
        request_id = str(uuid.uuid4())
        context: dict[str, Any] = {
            "resourceId": "local",
            "resourcePath": route.path,
            "httpMethod": request.method,
            "extendedRequestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "path": f"/{self._stage}{request.path}",
            "accountId": "123456789012",
            "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
            "stage": self._stage,
            "domainPrefix": "local",
            "requestTimeEpoch": int(time.time() * 1000),
            "requestId": request_id,
            "identity": {
                "sourceIp": request.remote_addr or "127.0.0.1",
                "userAgent": request.headers.get("User-Agent"),
                # No API Gateway API key: integrators are told apart by their authorizer's context.
                "apiKey": None,
                "apiKeyId": None,
            },
            "domainName": request.host,
            "apiId": "local",
        }
        if authorizer is not None:
            context["authorizer"] = dict(authorizer)
        return {
            "resource": route.path,
            "path": request.path,
            "httpMethod": request.method,
            "headers": {k: v for k, v in request.headers.items()},
            "multiValueHeaders": {k: request.headers.getlist(k) for k in request.headers.keys()},  # noqa: SIM118
            "queryStringParameters": {k: query.getlist(k)[-1] for k in query} or None,
            "multiValueQueryStringParameters": {k: query.getlist(k) for k in query} or None,
            "pathParameters": dict(path_parameters) or None,
            "stageVariables": None,
            "requestContext": context,
            "body": body,
            "isBase64Encoded": encoded,
        }

    @staticmethod
    def _response(result: Mapping[str, Any]) -> Response:
        body = result.get("body") or ""
        data = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode("utf-8")
        response = Response(data, status=int(result.get("statusCode", 200)))
        for name, value in (result.get("headers") or {}).items():
            response.headers[name] = str(value)
        for name, values in (result.get("multiValueHeaders") or {}).items():
            response.headers.remove(name)
            for value in values:
                response.headers.add(name, str(value))
        return response

    # ------------------------------------------------------------------ site
    def _static(self, request: Request) -> Response:
        relative = request.path.lstrip("/") or "index.html"
        if relative.endswith("/"):
            relative += "index.html"
        path = safe_join(str(self._web_dir), relative)
        if path is None or not Path(path).is_file():
            return Response(
                "<!doctype html><meta charset=utf-8><title>Не найдено</title>"
                '<p>Страница не найдена. <a href="/">На главную</a>',
                status=404,
                content_type="text/html; charset=utf-8",
            )
        file = Path(path)
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith(("javascript", "json")):
            content_type += "; charset=utf-8"
        if file.suffix in (".js", ".css"):  # minified, as the bucket holds them (infra/site.py)
            response = Response(site.shipped(file), content_type=content_type)
        else:
            stream = wrap_file(request.environ, file.open("rb"))
            response = Response(stream, content_type=content_type, direct_passthrough=True)
        response.headers["Cache-Control"] = "no-cache"
        return response


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value or "")]
