"""The security headers of the site and the API, through the local gateway, are those of the
template's CloudFront response headers policy: HSTS, nosniff, no framing, a referrer policy, and a
CSP without inline script — Swagger UI's page allows exactly its own two scripts, by hash."""

import pytest
import requests

from infra.template import load_template, security_headers
from tests.stack import LocalStack

POLICY = security_headers(load_template())


def _directives(csp: str) -> dict[str, str]:
    return dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())


def test_the_template_policy_is_strict() -> None:
    assert POLICY["Strict-Transport-Security"].value == "max-age=63072000; includeSubDomains"
    assert POLICY["X-Content-Type-Options"].value == "nosniff"
    assert POLICY["X-Frame-Options"].value == "DENY"
    assert POLICY["Referrer-Policy"].value == "same-origin"
    csp = _directives(POLICY["Content-Security-Policy"].value)
    assert csp["script-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["default-src"] == "'self'"
    # Kept when the origin sends its own CSP (the docs function's, with the hashes of its scripts);
    # every other header replaces the origin's.
    assert POLICY["Content-Security-Policy"].override is False
    assert all(h.override for name, h in POLICY.items() if name != "Content-Security-Policy")


@pytest.mark.parametrize(
    "path",
    ["/", "/index.html", "/js/app.js", "/no-such-page", "/api/profile", "/api/nothing", "/api/openapi.json"],
)
def test_site_and_api_answers_carry_the_policy(stack: LocalStack, path: str) -> None:
    headers = requests.get(f"{stack.url}{path}", timeout=30).headers

    for name in ("Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
        assert headers[name] == POLICY[name].value, name
    csp = _directives(headers["Content-Security-Policy"])
    assert csp["script-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["connect-src"] == f"'self' {stack.moto_url} https://*.amazonaws.com"  # S3: moto locally


def test_swagger_ui_page_allows_only_its_own_scripts(stack: LocalStack) -> None:
    response = requests.get(f"{stack.url}/api/docs", timeout=30)

    assert response.status_code == 200
    csp = _directives(response.headers["Content-Security-Policy"])
    sources = csp["script-src"].split()
    assert sources[0] == "'self'"
    assert len(sources) == 3 and all(s.startswith("'sha256-") for s in sources[1:])
    assert csp["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
