"""The API's web ACL (template.yaml's `AWS::WAFv2::WebACL`), applied by the local gateway as AWS WAF
applies it on the stage: the same rules in the same order, their statements, limits, windows, paths
and answers read from the template — nothing written a second time here.

What it evaluates: byte matches on the URI path and on single headers (with the text
transformations NONE, URL_DECODE, NORMALIZE_PATH, LOWERCASE), IP set references (the source
address, or the first address of a header: `IPSetForwardedIPConfig`), AND/OR/NOT, and rate-based
rules keyed by the source address (`IP`) or a header's address (`FORWARDED_IP`), each with its
scope-down statement, counted in a sliding window of `EvaluationWindowSec`. Block actions answer their
custom responses (status, headers, the body with the Content-Type WAF gives its ContentType); a
Block without one is WAF's own 403, which API Gateway answers with its WAF_FILTERED response.
A statement of another kind is refused when the stack starts.

Not as on AWS: AWS's managed rule groups are AWS's and are not applied here (`unmirrored` names
them); WAF counts a rate-based rule's requests over the window with a delay of up to a minute or so,
here exactly, so the request after `Limit` in a window is the first refused; the local stack has no
CloudFront, so a request is "via CloudFront" only if it carries the origin secret's local value
(`local_secret`), as a test may. `rate_limit_factor` multiplies every rate limit: the API and browser
tests, which register and log in hundreds of consumers from 127.0.0.1, run with 100
(tests/stack.py); `make run` with 1 (WAF_RATE_LIMIT_FACTOR).
"""

import ipaddress
import math
import posixpath
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from infra.template import load_template, parameter_defaults, resources

_NO_VALUE = object()
_CONTENT_TYPES = {
    "APPLICATION_JSON": "application/json",
    "TEXT_PLAIN": "text/plain",
    "TEXT_HTML": "text/html",
}
_TRANSFORMATIONS: dict[str, Callable[[str], str]] = {
    "NONE": lambda value: value,
    "URL_DECODE": unquote,
    "LOWERCASE": str.lower,
    "NORMALIZE_PATH": lambda value: _normalize_path(value),
}
_POSITIONS: dict[str, Callable[[str, str], bool]] = {
    "EXACTLY": lambda value, search: value == search,
    "STARTS_WITH": lambda value, search: value.startswith(search),
    "ENDS_WITH": lambda value, search: value.endswith(search),
    "CONTAINS": lambda value, search: search in value,
}
_PSEUDO = {"AWS::Region": "eu-central-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws"}


def local_secret(secret_id: str) -> str:
    """What a `{{resolve:secretsmanager:<id>}}` of the template is locally (a resource's id is its
    logical id here): fixed, so that a test can send it as CloudFront would."""
    return f"local-secret-{secret_id}"


def _normalize_path(value: str) -> str:
    collapsed = re.sub(r"/{2,}", "/", value)
    normalized = posixpath.normpath(collapsed) if collapsed else collapsed
    return normalized + "/" if collapsed.endswith("/") and normalized != "/" else normalized


@dataclass(frozen=True)
class WafRequest:
    """A web request as WAF sees it on the stage: the path with the stage, the headers, the caller."""

    path: str
    headers: Mapping[str, str]
    source_ip: str

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((value for key, value in self.headers.items() if key.lower() == lowered), None)


@dataclass(frozen=True)
class WafAnswer:
    """A request WAF blocked: the rule, and what is answered (status None: WAF's own 403, which API
    Gateway answers with its WAF_FILTERED gateway response)."""

    rule: str
    status: int | None
    headers: dict[str, str]
    body: str


@dataclass(frozen=True)
class IPSet:
    name: str
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]

    def __contains__(self, address: str) -> bool:
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(parsed in network for network in self.networks)


class _NotApplied(Exception):
    """The header a forwarded-IP statement reads is absent: WAF does not apply the rule at all."""


@dataclass(frozen=True)
class RateLimit:
    """A rate-based rule as the template gives it (the limit before `rate_limit_factor`)."""

    rule: str
    limit: int
    window_seconds: int
    key: str  # "IP" or "FORWARDED_IP"
    header: str | None
    scope_down: Mapping[str, Any] | None

    @property
    def scope_path(self) -> str:
        """The URI path its scope-down statement matches (as WAF sees it, with the stage)."""
        return next(iter(_uri_paths(self.scope_down or {})), "")


def _uri_paths(statement: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    for kind, spec in statement.items():
        if kind == "ByteMatchStatement" and "UriPath" in spec["FieldToMatch"]:
            found.append(str(spec["SearchString"]))
        elif kind in ("AndStatement", "OrStatement"):
            for inner in spec["Statements"]:
                found += _uri_paths(inner)
        elif kind == "NotStatement":
            found += _uri_paths(spec["Statement"])
    return found


@dataclass
class _Rule:
    name: str
    priority: int
    statement: Mapping[str, Any]
    action: str  # "Block", "Allow", "Count", or "" for a rule group's
    custom_response: Mapping[str, Any] | None
    rate: RateLimit | None = None
    seen: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))


class LocalWaf:
    def __init__(
        self,
        template: Mapping[str, Any] | None = None,
        parameters: Mapping[str, str] | None = None,
        *,
        rate_limit_factor: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._template = template if template is not None else load_template()
        self._parameters = {**parameter_defaults(self._template), **(parameters or {})}
        self._conditions = {
            name: self._condition(spec) for name, spec in self._template.get("Conditions", {}).items()
        }
        self._factor = rate_limit_factor
        self._clock = clock
        self._lock = threading.Lock()
        [acl] = resources(self._template, "AWS::WAFv2::WebACL").values()
        props = self._value(acl["Properties"])
        self._bodies = props.get("CustomResponseBodies", {})
        self.unmirrored: list[str] = []
        self.rules: list[_Rule] = []
        for spec in sorted(props.get("Rules", []), key=lambda rule: int(rule["Priority"])):
            statement = spec["Statement"]
            if "ManagedRuleGroupStatement" in statement:
                self.unmirrored.append(spec["Name"])
                continue
            self._check(statement)
            ((action, detail),) = spec["Action"].items()
            rule = _Rule(spec["Name"], int(spec["Priority"]), statement, action, detail.get("CustomResponse"))
            if "RateBasedStatement" in statement:
                rate = statement["RateBasedStatement"]
                if rate.get("AggregateKeyType", "IP") not in ("IP", "FORWARDED_IP"):
                    raise ValueError(f"{spec['Name']}: only IP and FORWARDED_IP rate keys run locally")
                rule.rate = RateLimit(
                    rule=spec["Name"],
                    limit=int(rate["Limit"]),
                    window_seconds=int(rate.get("EvaluationWindowSec", 300)),
                    key=rate.get("AggregateKeyType", "IP"),
                    header=rate.get("ForwardedIPConfig", {}).get("HeaderName"),
                    scope_down=rate.get("ScopeDownStatement"),
                )
            self.rules.append(rule)

    # ------------------------------------------------------------------ the template's values
    def _parameter(self, name: str) -> Any:
        value = str(self._parameters[name])
        if self._template["Parameters"][name].get("Type") == "CommaDelimitedList":
            return [part.strip() for part in value.split(",")] if value else []
        return value

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name == "AWS::StackName":
            return "portal"
        if name in _PSEUDO:
            return _PSEUDO[name]
        if name in self._parameters:
            return self._parameter(name)
        return name  # a resource: its logical id stands for it locally

    def _attribute(self, name: str, attribute: str) -> Any:
        resource = self._template["Resources"][name]
        if resource["Type"] == "AWS::WAFv2::IPSet" and attribute == "Arn":
            addresses = self._value(resource["Properties"]["Addresses"])
            return IPSet(name, tuple(ipaddress.ip_network(a, strict=False) for a in addresses))
        return f"{name}.{attribute}"

    def _condition(self, spec: Any) -> bool:
        if isinstance(spec, Mapping) and len(spec) == 1:
            ((key, argument),) = spec.items()
            if key == "Condition":
                return self._condition(self._template["Conditions"][argument])
            if key == "Fn::Not":
                return not self._condition(argument[0])
            if key == "Fn::And":
                return all(self._condition(a) for a in argument)
            if key == "Fn::Or":
                return any(self._condition(a) for a in argument)
            if key == "Fn::Equals":
                return bool(self._value(argument[0]) == self._value(argument[1]))
        raise ValueError(f"a condition infra/waf.py cannot evaluate: {spec}")

    def _value(self, value: Any) -> Any:
        if isinstance(value, Mapping) and len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref":
                return self._ref(str(argument))
            if key == "Fn::GetAtt":
                return self._attribute(str(argument[0]), str(argument[1]))
            if key == "Fn::If":
                chosen = self._conditions[argument[0]]
                return self._value(argument[1] if chosen else argument[2])
            if key == "Fn::Join":
                return str(argument[0]).join(str(v) for v in self._value(argument[1]))
            if key == "Fn::Sub":
                return self._dynamic(
                    re.sub(r"\$\{([^}]+)\}", lambda m: self._substitute(m.group(1)), str(argument))
                )
        if isinstance(value, Mapping):
            return {key: self._value(item) for key, item in value.items()}
        if isinstance(value, list):
            return [item for item in (self._value(v) for v in value) if item is not _NO_VALUE]
        if isinstance(value, str):
            return self._dynamic(value)
        return value

    def _substitute(self, reference: str) -> str:
        name, _, attribute = reference.partition(".")
        return str(self._attribute(name, attribute) if attribute else self._ref(name))

    @staticmethod
    def _dynamic(text: str) -> str:
        return re.sub(
            r"\{\{resolve:secretsmanager:([^}:]+)[^}]*\}\}", lambda m: local_secret(m.group(1)), text
        )

    # ------------------------------------------------------------------ statements
    def _check(self, statement: Mapping[str, Any]) -> None:
        ((kind, spec),) = statement.items()
        if kind in ("AndStatement", "OrStatement"):
            for inner in spec["Statements"]:
                self._check(inner)
        elif kind == "NotStatement":
            self._check(spec["Statement"])
        elif kind == "RateBasedStatement":
            if "ScopeDownStatement" in spec:
                self._check(spec["ScopeDownStatement"])
        elif kind == "ByteMatchStatement":
            field_names = set(spec["FieldToMatch"])
            if (
                not field_names <= {"UriPath", "SingleHeader"}
                or spec["PositionalConstraint"] not in _POSITIONS
            ):
                raise ValueError(f"a byte match infra/waf.py does not evaluate: {spec}")
            if any(t["Type"] not in _TRANSFORMATIONS for t in spec.get("TextTransformations", [])):
                raise ValueError(f"a text transformation infra/waf.py does not apply: {spec}")
        elif kind != "IPSetReferenceStatement":
            raise ValueError(f"{kind} is not evaluated locally (infra/waf.py)")

    def _matches(self, statement: Mapping[str, Any], request: WafRequest) -> bool:
        ((kind, spec),) = statement.items()
        if kind == "AndStatement":
            return all(self._matches(inner, request) for inner in spec["Statements"])
        if kind == "OrStatement":
            return any(self._matches(inner, request) for inner in spec["Statements"])
        if kind == "NotStatement":
            return not self._matches(spec["Statement"], request)
        if kind == "ByteMatchStatement":
            found = spec["FieldToMatch"]
            value = request.path if "UriPath" in found else request.header(found["SingleHeader"]["Name"])
            if value is None:
                return False
            for step in sorted(spec.get("TextTransformations", []), key=lambda t: int(t["Priority"])):
                value = _TRANSFORMATIONS[step["Type"]](value)
            return _POSITIONS[spec["PositionalConstraint"]](value, str(spec["SearchString"]))
        if kind == "IPSetReferenceStatement":
            ip_set: IPSet = spec["Arn"]
            forwarded = spec.get("IPSetForwardedIPConfig")
            if forwarded is None:
                return request.source_ip in ip_set
            address = self._forwarded(request, forwarded["HeaderName"], forwarded.get("Position", "FIRST"))
            if address is None:
                return bool(forwarded["FallbackBehavior"] == "MATCH")
            return address in ip_set
        raise ValueError(kind)

    @staticmethod
    def _forwarded(request: WafRequest, header: str, position: str = "FIRST") -> str | None:
        """The header's address (None: not a valid address, the fallback decides); raises
        `_NotApplied` when the header is absent, as WAF then skips the rule."""
        value = request.header(header)
        if value is None:
            raise _NotApplied(header)
        addresses = [part.strip() for part in value.split(",")]
        chosen = addresses[-1] if position == "LAST" else addresses[0]
        try:
            return str(ipaddress.ip_address(chosen))
        except ValueError:
            return None

    # ------------------------------------------------------------------ a request
    def inspect(self, request: WafRequest) -> WafAnswer | None:
        """The answer of the first rule that blocks the request, or None (the web ACL's default
        action, Allow)."""
        for rule in self.rules:
            try:
                hit = self._hit(rule, request)
            except _NotApplied:
                continue
            if not hit or rule.action == "Count":
                continue
            if rule.action == "Allow":
                return None
            return self._answer(rule)
        return None

    def _hit(self, rule: _Rule, request: WafRequest) -> bool:
        if rule.rate is None:
            return self._matches(rule.statement, request)
        rate = rule.rate
        if rate.scope_down is not None and not self._matches(rate.scope_down, request):
            return False
        key = request.source_ip
        if rate.key == "FORWARDED_IP":
            forwarded = self._forwarded(request, rate.header or "")
            if forwarded is None:  # not a valid address: the statement's FallbackBehavior
                config = rule.statement["RateBasedStatement"]["ForwardedIPConfig"]
                return bool(config["FallbackBehavior"] == "MATCH")
            key = forwarded
        now = self._clock()
        with self._lock:
            seen = rule.seen[key]
            seen.append(now)
            while seen and seen[0] <= now - rate.window_seconds:
                seen.popleft()
            return len(seen) > self.limit(rate)

    def limit(self, rate: RateLimit) -> int:
        """The limit applied here: the template's times `rate_limit_factor`."""
        return math.ceil(rate.limit * self._factor)

    def _answer(self, rule: _Rule) -> WafAnswer:
        response = rule.custom_response
        if response is None:
            return WafAnswer(rule.name, None, {}, "")
        headers = {str(h["Name"]): str(h["Value"]) for h in response.get("ResponseHeaders", [])}
        body = ""
        if "CustomResponseBodyKey" in response:
            custom = self._bodies[response["CustomResponseBodyKey"]]
            body = str(custom["Content"])
            headers["Content-Type"] = _CONTENT_TYPES[custom["ContentType"]]
        return WafAnswer(rule.name, int(response["ResponseCode"]), headers, body)

    def rate_limits(self) -> list[RateLimit]:
        return [rule.rate for rule in self.rules if rule.rate is not None]
