"""The edge: the API's regional web ACL (template.yaml's ApiWebAcl) and its local twin (infra/waf.py).

Per address: registration, «Забыли пароль?», the reset and login are limited per caller, answered
with a Russian 429 and Retry-After; the caller is the source address for a request made to the API
directly, and CloudFront's True-Client-IP for one that carries CloudFront's origin secret. AWS's
managed rule sets guard the rest; /api/integration/* takes the allowed ranges only, when some are
given. The local gateway applies the same rules, read from the same resource."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from infra.gateway import LocalGateway
from infra.template import load_template, resources, routes
from infra.waf import LocalWaf, WafRequest, local_secret
from infra.world import World

TEMPLATE = load_template()
STAGE = "prod"
SECRET = local_secret("OriginVerifySecret")
LIMITED = {
    "/api/auth/register": 20,
    "/api/auth/forgot-password": 20,
    "/api/auth/reset-password": 30,
    "/api/auth/login": 100,
}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def acl() -> dict[str, Any]:
    [web_acl] = resources(TEMPLATE, "AWS::WAFv2::WebACL").values()
    return dict(web_acl["Properties"])


def waf(clock: Clock | None = None, **parameters: str) -> LocalWaf:
    return LocalWaf(TEMPLATE, {"StageName": STAGE, **parameters}, clock=clock or Clock())


def direct(path: str, address: str = "203.0.113.5", **headers: str) -> WafRequest:
    return WafRequest(f"/{STAGE}{path}", headers, address)


def via_cloudfront(path: str, viewer: str, edge: str = "130.176.1.1") -> WafRequest:
    """What the API's stage sees of a viewer's request through CloudFront: CloudFront's address, the
    viewer's in True-Client-IP (ApiViewerAddressFunction) and the origin secret (X-Origin-Verify)."""
    return WafRequest(f"/{STAGE}{path}", {"True-Client-IP": viewer, "X-Origin-Verify": SECRET}, edge)


def refused_after(local: LocalWaf, request: WafRequest, times: int) -> list[bool]:
    return [local.inspect(request) is not None for _ in range(times)]


# ---------------------------------------------------------------- the template


def test_the_web_acl_is_regional_and_on_the_api_s_only_stage() -> None:
    [association] = resources(TEMPLATE, "AWS::WAFv2::WebACLAssociation").values()

    assert acl()["Scope"] == "REGIONAL"
    assert acl()["DefaultAction"] == {"Allow": {}}
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": ["ApiWebAcl", "Arn"]}
    arn = association["Properties"]["ResourceArn"]["Fn::Sub"]
    assert arn.endswith("/restapis/${PortalApi}/stages/${PortalApi.Stage}")


def test_each_limited_route_is_counted_per_address_directly_and_through_cloudfront() -> None:
    local = waf()
    declared = {(route.method, route.path) for route in routes(TEMPLATE)}
    by_path: dict[str, list[Any]] = {}
    for rate in local.rate_limits():
        by_path.setdefault(rate.scope_path, []).append(rate)

    assert {path.removeprefix(f"/{STAGE}") for path in by_path} == set(LIMITED)
    for path, rates in by_path.items():
        route = path.removeprefix(f"/{STAGE}")
        assert ("POST", route) in declared, route  # a route the API has, not a stale path
        assert sorted((r.key, r.header) for r in rates) == [("FORWARDED_IP", "True-Client-IP"), ("IP", None)]
        assert {r.limit for r in rates} == {LIMITED[route]}
        assert {r.window_seconds for r in rates} == {300}


def test_the_limits_answer_a_russian_429_with_retry_after() -> None:
    rules = {rule["Name"]: rule for rule in acl()["Rules"] if "Name" in rule}  # not the Fn::If ones
    bodies = acl()["CustomResponseBodies"]
    for rate in waf().rate_limits():
        response = rules[rate.rule]["Action"]["Block"]["CustomResponse"]
        body = bodies[response["CustomResponseBodyKey"]]
        problem = json.loads(body["Content"])
        assert response["ResponseCode"] == problem["status"] == 429
        assert response["ResponseHeaders"] == [{"Name": "Retry-After", "Value": str(rate.window_seconds)}]
        assert body["ContentType"] == "APPLICATION_JSON"  # WAF offers no application/problem+json
        assert problem["title"] == "Слишком много запросов"


def test_aws_s_managed_rules_guard_the_rest_without_refusing_the_api_s_large_bodies() -> None:
    managed = {
        rule["Statement"]["ManagedRuleGroupStatement"]["Name"]: rule
        for rule in acl()["Rules"]
        if "Statement" in rule and "ManagedRuleGroupStatement" in rule["Statement"]
    }

    assert set(managed) == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}
    overrides = managed["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"]
    assert overrides["RuleActionOverrides"] == [
        {"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}
    ]
    assert waf().unmirrored == sorted(managed, key=lambda n: managed[n]["Priority"])


def test_cloudfront_sets_the_viewer_s_address_and_proves_it_with_the_secret_the_web_acl_checks() -> None:
    [function] = resources(TEMPLATE, "AWS::CloudFront::Function").values()
    [distribution] = resources(TEMPLATE, "AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    [api] = [behavior for behavior in config["CacheBehaviors"] if behavior["PathPattern"] == "/api/*"]
    [origin] = [o for o in config["Origins"] if o["Id"] == api["TargetOriginId"]]

    assert (
        "request.headers['true-client-ip'] = { value: event.viewer.ip };"
        in function["Properties"]["FunctionCode"]
    )
    assert api["FunctionAssociations"] == [
        {
            "EventType": "viewer-request",
            "FunctionARN": {"Fn::GetAtt": ["ApiViewerAddressFunction", "FunctionMetadata.FunctionARN"]},
        }
    ]
    [header] = origin["OriginCustomHeaders"]
    assert header["HeaderName"] == "X-Origin-Verify"
    assert header["HeaderValue"] == {"Fn::Sub": "{{resolve:secretsmanager:${OriginVerifySecret}}}"}
    assert header["HeaderValue"]["Fn::Sub"] in json.dumps(acl()["Rules"])


# ---------------------------------------------------------------- the rules, applied locally


def test_the_request_after_the_limit_is_refused_until_the_window_has_passed() -> None:
    clock = Clock()
    local = waf(clock)

    assert refused_after(local, direct("/api/auth/register"), 21) == [False] * 20 + [True]
    answer = local.inspect(direct("/api/auth/register"))
    assert answer is not None and answer.rule == "RegisterPerAddressDirect"
    assert (answer.status, answer.headers) == (
        429,
        {"Retry-After": "300", "Content-Type": "application/json"},
    )
    assert json.loads(answer.body)["detail"].startswith("С вашего адреса пришло слишком много запросов")
    # Another address, another route: counted apart.
    assert local.inspect(direct("/api/auth/register", address="203.0.113.6")) is None
    assert local.inspect(direct("/api/auth/login")) is None
    clock.now += 301
    assert local.inspect(direct("/api/auth/register")) is None


def test_a_direct_caller_cannot_choose_its_address_with_a_header() -> None:
    local = waf()
    for n in range(20):
        assert (
            local.inspect(direct("/api/auth/forgot-password", **{"True-Client-IP": f"198.51.100.{n}"}))
            is None
        )

    assert (
        local.inspect(direct("/api/auth/forgot-password", **{"True-Client-IP": "198.51.100.99"})) is not None
    )


def test_viewers_behind_one_cloudfront_edge_are_counted_each_by_their_own_address() -> None:
    local = waf()

    assert refused_after(local, via_cloudfront("/api/auth/register", "198.51.100.7"), 21)[-1]
    assert local.inspect(via_cloudfront("/api/auth/register", "198.51.100.8")) is None
    # The edge's own address was never counted: a direct caller from it is not refused.
    assert local.inspect(direct("/api/auth/register", address="130.176.1.1")) is None


def test_a_cloudfront_request_without_a_valid_viewer_address_is_refused() -> None:
    request = via_cloudfront("/api/auth/login", "not-an-address")

    assert waf().inspect(request) is not None  # FallbackBehavior MATCH: fail closed


def test_a_path_spelled_otherwise_is_counted_as_the_route() -> None:
    local = waf()
    for spelled in ("/api/auth/%72egister", "//api/auth/register", "/api/./auth/register"):
        for _ in range(7):
            local.inspect(direct(spelled))

    assert local.inspect(direct("/api/auth/register")) is not None


def test_the_factor_raises_every_limit_for_the_tests() -> None:
    local = LocalWaf(TEMPLATE, {"StageName": STAGE}, rate_limit_factor=2, clock=Clock())

    assert refused_after(local, direct("/api/auth/register"), 41) == [False] * 40 + [True]


def test_integration_routes_are_open_to_any_address_unless_ranges_are_given() -> None:
    assert waf().inspect(direct("/api/integration/requests")) is None

    restricted = waf(IntegrationAllowedCidrs="192.0.2.0/24,10.10.0.0/16")
    answer = restricted.inspect(direct("/api/integration/requests", address="203.0.113.5"))

    assert answer is not None and answer.status == 403
    assert json.loads(answer.body)["title"] == "Доступ запрещён"
    assert restricted.inspect(direct("/api/integration/requests", address="192.0.2.10")) is None
    assert restricted.inspect(direct("/api/integration/objects/1", address="10.10.3.4")) is None
    assert restricted.inspect(via_cloudfront("/api/integration/requests", "192.0.2.10")) is None
    assert restricted.inspect(via_cloudfront("/api/integration/requests", "203.0.113.5")) is not None
    assert (
        restricted.inspect(direct("/api/profile", address="203.0.113.5")) is None
    )  # not an integration route


def test_a_statement_the_local_waf_cannot_evaluate_is_refused_when_the_stack_starts() -> None:
    template = copy.deepcopy(TEMPLATE)
    rules = template["Resources"]["ApiWebAcl"]["Properties"]["Rules"]
    rules.append(
        {
            "Name": "Geo",
            "Priority": 99,
            "Action": {"Block": {}},
            "VisibilityConfig": {},
            "Statement": {"GeoMatchStatement": {"CountryCodes": ["XX"]}},
        }
    )

    with pytest.raises(ValueError, match="GeoMatchStatement"):
        LocalWaf(template, {"StageName": STAGE})


# ---------------------------------------------------------------- through the local gateway


def test_the_local_gateway_answers_the_21st_forgotten_password_with_the_web_acl_s_429(
    world: World, tmp_path: Path
) -> None:
    gateway = Client(LocalGateway(web_dir=tmp_path, outbox=list))
    body = {"email": "ivan.petrov@example.ru"}

    answered = [gateway.post("/api/auth/forgot-password", json=body) for _ in range(21)]

    assert [r.status_code for r in answered] == [202] * 20 + [429]
    refused = answered[-1]
    assert refused.headers["Retry-After"] == "300"
    assert refused.headers["Content-Type"] == "application/json"
    problem = json.loads(refused.get_data(as_text=True))
    assert (problem["status"], problem["title"]) == (429, "Слишком много запросов")
    # WAF answered before the route: the function never saw it (no 21st job on the mail queue).
    assert gateway.get("/api/policy").status_code == 200
