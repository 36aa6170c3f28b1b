"""Reads `template.yaml`, the single source of truth for resources, routes and environment.

The local world, the local gateway and the tests all take what they need from here, so nothing the
template declares is declared a second time in Python.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "template.yaml"


class _TemplateLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short intrinsic tags (`!Ref X` becomes `{"Ref": "X"}`)."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_TemplateLoader.add_multi_constructor("!", _intrinsic)


@cache
def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as stream:
        loaded: dict[str, Any] = yaml.load(stream, Loader=_TemplateLoader)  # noqa: S506  # nosec B506 # a SafeLoader subclass
    return loaded


def resources(template: Mapping[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """The template's resources of one CloudFormation type, by logical id."""
    return {
        logical_id: resource
        for logical_id, resource in template.get("Resources", {}).items()
        if resource.get("Type") == kind
    }


def parameter_defaults(template: Mapping[str, Any]) -> dict[str, str]:
    """The parameters that have a default, with it (a parameter without one must be given)."""
    parameters = template.get("Parameters", {})
    return {name: str(spec["Default"]) for name, spec in parameters.items() if "Default" in spec}


Resolver = Callable[[str, str | None], str]
"""(logical id, attribute or None for Ref) -> the value in the running world."""


def resolve(value: Any, lookup: Resolver) -> Any:
    """Evaluates `Ref`, `Fn::GetAtt` and `Fn::Sub` the way CloudFormation would."""
    if isinstance(value, dict) and len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref":
            return lookup(str(arg), None)
        if key == "Fn::GetAtt":
            return lookup(str(arg[0]), str(arg[1]))
        if key == "Fn::Sub":
            return re.sub(
                r"\$\{([^}]+)\}",
                lambda m: lookup(*_split_sub(m.group(1))),
                str(arg if isinstance(arg, str) else arg[0]),
            )
    if isinstance(value, dict):
        return {k: resolve(v, lookup) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, lookup) for v in value]
    return value


def _split_sub(reference: str) -> tuple[str, str | None]:
    name, _, attribute = reference.partition(".")
    return name, attribute or None


# The authorizer of /api/integration/* (template.yaml): an integrator's key, resolved to its name.
INTEGRATOR_AUTHORIZER = "IntegratorAuthorizer"


@dataclass(frozen=True)
class Route:
    """One API event of a function: what API Gateway would route, and how it guards it."""

    function: str
    handler: str
    method: str
    path: str
    # "cognito" (the session authorizer), "api_key" (an integrator's key in x-api-key, checked by
    # the integrator authorizer) or "none"
    auth: str

    @property
    def pattern(self) -> re.Pattern[str]:
        # re.escape writes {id} as \{id\} and {proxy+} as \{proxy\+\}.
        regex = re.sub(r"\\\{([A-Za-z0-9_]+)(?:\\\+)?\\\}", r"(?P<\1>[^/]+)", re.escape(self.path))
        return re.compile(f"^{regex}$")


def routes(template: Mapping[str, Any]) -> list[Route]:
    """The API's declared operations: every Api event but the `ANY` ones (`method_fallbacks`)."""
    return [route for route in _api_events(template) if route.method != "ANY"]


def method_fallbacks(template: Mapping[str, Any]) -> list[Route]:
    """The `ANY` events: API Gateway sends them the methods a path does not declare (answered 405)."""
    return [route for route in _api_events(template) if route.method == "ANY"]


def _api_events(template: Mapping[str, Any]) -> list[Route]:
    api = resources(template, "AWS::Serverless::Api")
    default_auth = {
        name: spec.get("Properties", {}).get("Auth", {}).get("DefaultAuthorizer")
        for name, spec in api.items()
    }
    found: list[Route] = []
    for name, function in resources(template, "AWS::Serverless::Function").items():
        props = function["Properties"]
        for event in props.get("Events", {}).values():
            if event.get("Type") != "Api":
                continue
            spec = event["Properties"]
            auth = spec.get("Auth", {})
            api_name = spec.get("RestApiId", {}).get("Ref", "")
            authorizer = auth.get("Authorizer", default_auth.get(api_name))
            if auth.get("ApiKeyRequired") or authorizer == INTEGRATOR_AUTHORIZER:
                kind = "api_key"
            elif authorizer and authorizer != "NONE":
                kind = "cognito"
            else:
                kind = "none"
            found.append(Route(name, props["Handler"], spec["Method"].upper(), spec["Path"], kind))
    return found


@dataclass(frozen=True)
class GatewayResponse:
    """One of API Gateway's own answers; `status` None: the template sets none (a DEFAULT_4XX or
    DEFAULT_5XX without StatusCode keeps each response type's own status)."""

    status: int | None
    headers: dict[str, str]
    body: str


# API Gateway's status of each response type a template does not set one for (the "Default status
# code" column of «Gateway response types for API Gateway», docs.aws.amazon.com/apigateway).
AWS_RESPONSE_STATUS = {
    "ACCESS_DENIED": 403,
    "API_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_FAILURE": 500,
    "BAD_REQUEST_PARAMETERS": 400,
    "BAD_REQUEST_BODY": 400,
    "EXPIRED_TOKEN": 403,  # nosec B105 # a gateway response type's name, not a secret
    "INTEGRATION_FAILURE": 504,
    "INTEGRATION_TIMEOUT": 504,
    "INVALID_API_KEY": 403,
    "INVALID_SIGNATURE": 403,
    "MISSING_AUTHENTICATION_TOKEN": 403,  # nosec B105 # a gateway response type's name, not a secret
    "QUOTA_EXCEEDED": 429,
    "REQUEST_TOO_LARGE": 413,
    "RESOURCE_NOT_FOUND": 404,
    "THROTTLED": 429,
    "UNAUTHORIZED": 401,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "WAF_FILTERED": 403,
}
# What API Gateway answers when a Lambda proxy integration's function fails (an error, or an
# answer in the wrong shape): 502, a 5XX of no response type of its own.
FUNCTION_ERROR_STATUS = 502


def gateway_responses(template: Mapping[str, Any]) -> dict[str, GatewayResponse]:
    """API Gateway's own answers (UNAUTHORIZED, INVALID_API_KEY, …) as the template customises them
    (the Api's `GatewayResponses`, which SAM writes into the API's definition)."""
    answers: dict[str, GatewayResponse] = {}
    for api in resources(template, "AWS::Serverless::Api").values():
        for response_type, spec in api["Properties"].get("GatewayResponses", {}).items():
            headers = {
                name: str(value).strip("'")
                for name, value in spec.get("ResponseParameters", {}).get("Headers", {}).items()
            }
            body = spec.get("ResponseTemplates", {}).get("application/json", "")
            status = int(spec["StatusCode"]) if "StatusCode" in spec else None
            answers[response_type] = GatewayResponse(status, headers, body)
    return answers


def gateway_answer(
    answers: Mapping[str, GatewayResponse], response_type: str, status: int | None = None
) -> GatewayResponse:
    """What API Gateway sends for `response_type`, as AWS resolves it: the type's own customisation
    if the template has one; otherwise DEFAULT_4XX's or DEFAULT_5XX's (by the type's status), whose
    StatusCode, if it sets one, replaces the type's status. Nothing the template does not say:
    a DEFAULT_5XX whose body says 503 still answers an AUTHORIZER_CONFIGURATION_ERROR with 500.
    `status` is the answer's own status where no response type has one (a function's error)."""
    if response_type in answers and answers[response_type].status is not None:
        return answers[response_type]
    own = status if status is not None else AWS_RESPONSE_STATUS[response_type]
    family = f"DEFAULT_{str(own)[0]}XX"
    fallback = answers.get(response_type) or answers.get(family)
    if fallback is None:
        return GatewayResponse(own, {"Content-Type": "application/json"}, '{"message": null}')
    family_status = answers[family].status if family in answers else None
    return GatewayResponse(fallback.status or family_status or own, fallback.headers, fallback.body)


@dataclass(frozen=True)
class ResponseHeader:
    """A header CloudFront's response headers policy adds; `override`: also over the origin's own."""

    value: str
    override: bool


def security_headers(template: Mapping[str, Any]) -> dict[str, ResponseHeader]:
    """The security headers of the template's CloudFront response headers policy, as sent."""
    headers: dict[str, ResponseHeader] = {}
    for policy in resources(template, "AWS::CloudFront::ResponseHeadersPolicy").values():
        config = policy["Properties"]["ResponseHeadersPolicyConfig"].get("SecurityHeadersConfig", {})
        if hsts := config.get("StrictTransportSecurity"):
            value = f"max-age={hsts['AccessControlMaxAgeSec']}"
            value += "; includeSubDomains" if hsts.get("IncludeSubdomains") else ""
            value += "; preload" if hsts.get("Preload") else ""
            headers["Strict-Transport-Security"] = ResponseHeader(value, bool(hsts["Override"]))
        if nosniff := config.get("ContentTypeOptions"):
            headers["X-Content-Type-Options"] = ResponseHeader("nosniff", bool(nosniff["Override"]))
        if frame := config.get("FrameOptions"):
            headers["X-Frame-Options"] = ResponseHeader(frame["FrameOption"], bool(frame["Override"]))
        if referrer := config.get("ReferrerPolicy"):
            headers["Referrer-Policy"] = ResponseHeader(
                referrer["ReferrerPolicy"], bool(referrer["Override"])
            )
        if csp := config.get("ContentSecurityPolicy"):
            headers["Content-Security-Policy"] = ResponseHeader(
                csp["ContentSecurityPolicy"], bool(csp["Override"])
            )
    return headers


@dataclass(frozen=True)
class TokenAuthorizer:
    """The API's Lambda TOKEN authorizer: which function, which header, how long API Gateway caches."""

    function: str
    handler: str
    header: str
    cache_seconds: int


def token_authorizer(template: Mapping[str, Any], name: str | None = None) -> TokenAuthorizer:
    """The API's authorizer `name` (its default one when None), a Lambda function reached by
    `FunctionArn: !GetAtt <fn>.Arn` or, with SnapStart, by its published alias
    (`FunctionArn: !Ref <fn>.Alias`)."""
    for api in resources(template, "AWS::Serverless::Api").values():
        auth = api["Properties"].get("Auth", {})
        spec = auth.get("Authorizers", {}).get(name or auth.get("DefaultAuthorizer"), {})
        arn = spec.get("FunctionArn", {})
        if "Fn::GetAtt" in arn:
            function = str(arn["Fn::GetAtt"][0])
        elif str(arn.get("Ref", "")).endswith(".Alias"):
            function = str(arn["Ref"]).removesuffix(".Alias")
        else:
            continue
        if spec.get("FunctionPayloadType") == "TOKEN":
            identity = spec.get("Identity", {})
            return TokenAuthorizer(
                function=function,
                handler=resources(template, "AWS::Serverless::Function")[function]["Properties"]["Handler"],
                header=str(identity.get("Header", "Authorization")),
                cache_seconds=int(identity.get("ReauthorizeEvery", 300)),
            )
    raise ValueError("template.yaml has no Lambda TOKEN authorizer")
