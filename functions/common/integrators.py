"""The company's systems that call /api/integration/* (CRM, billing, support): their names, their
scopes, and the one table of which scope each integration route needs.

Each integrator has a credential of its own (functions/authorizer/integrator_keys.py) and the scopes
the template's `Integrators` parameter grants it (`crm=requests:read requests:write;billing=…`). The
integrator authorizer (functions/authorizer/integrators.py) resolves the credential to the name and
hands the name and scopes on; functions/common/api.py refuses, before anything else is read, a call
to a route whose scope the integrator lacks (403 naming the scope). A new integration route adds
one line to `ROUTE_SCOPES`: a route without a line is refused to everyone, and
tests/unit/test_integrators.py holds the table to the template's routes.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

INTEGRATION_PATH = "/api/integration/"
# How the history and every actor field name an integrator: `integrator:crm`.
INTEGRATOR_ACTOR_PREFIX = "integrator:"


class Scope(StrEnum):
    REQUESTS_READ = "requests:read"
    REQUESTS_WRITE = "requests:write"
    ACCOUNTS_RESET = "accounts:reset"
    OBJECTS_WRITE = "objects:write"
    READINGS_READ = "readings:read"
    OUTAGES_WRITE = "outages:write"
    # The change feed, the consumer's card; support's export of an account and its deletion on the
    # consumer's request (functions/integration/support.py).
    CONSUMERS_READ = "consumers:read"
    ACCOUNTS_EXPORT = "accounts:export"
    ACCOUNTS_DELETE = "accounts:delete"
    CHANGES_READ = "changes:read"


# (method, the template's resource path) -> the scope it needs. The one place a route's scope is said.
ROUTE_SCOPES: dict[tuple[str, str], Scope] = {
    ("POST", "/api/integration/users/reset-password"): Scope.ACCOUNTS_RESET,
    ("GET", "/api/integration/requests"): Scope.REQUESTS_READ,
    ("GET", "/api/integration/requests/{id}"): Scope.REQUESTS_READ,
    ("PATCH", "/api/integration/requests/{id}"): Scope.REQUESTS_WRITE,
    ("POST", "/api/integration/requests/{id}/messages"): Scope.REQUESTS_WRITE,
    ("POST", "/api/integration/requests/{id}/stages"): Scope.REQUESTS_WRITE,
    ("POST", "/api/integration/uploads"): Scope.REQUESTS_WRITE,
    # The worklist of objects to confirm belongs to the system that confirms them.
    ("GET", "/api/integration/objects"): Scope.OBJECTS_WRITE,
    ("PATCH", "/api/integration/objects/{id}"): Scope.OBJECTS_WRITE,
    ("POST", "/api/integration/outages"): Scope.OUTAGES_WRITE,
    ("PATCH", "/api/integration/outages/{id}"): Scope.OUTAGES_WRITE,
    ("DELETE", "/api/integration/outages/{id}"): Scope.OUTAGES_WRITE,
    ("GET", "/api/integration/changes"): Scope.CHANGES_READ,
    ("GET", "/api/integration/consumers/{user_id}"): Scope.CONSUMERS_READ,
    ("GET", "/api/integration/consumers/{user_id}/export"): Scope.ACCOUNTS_EXPORT,
    ("POST", "/api/integration/consumers/{user_id}/deletion"): Scope.ACCOUNTS_DELETE,
    ("GET", "/api/integration/readings"): Scope.READINGS_READ,
}


@dataclass(frozen=True)
class Integrator:
    """A company system as the integrator authorizer let it through."""

    name: str
    scopes: frozenset[Scope]

    @property
    def actor(self) -> str:
        """How the history names it (`changed_by`, a message's author, an outage's publisher)."""
        return integration_actor(self.name)


def integration_actor(integrator: str | None) -> str:
    """The actor of a change made by the integrator named `integrator` (the authorizer's name)."""
    return f"{INTEGRATOR_ACTOR_PREFIX}{integrator or 'unknown'}"


def parse_integrators(text: str) -> dict[str, frozenset[Scope]]:
    """The template's `Integrators` parameter: `name=scope scope;name=scope`. Raises ValueError on an
    unknown scope or a malformed entry: a typo must not deploy as a silently missing scope."""
    integrators: dict[str, frozenset[Scope]] = {}
    for entry in filter(None, (part.strip() for part in text.split(";"))):
        name, sep, scopes = entry.partition("=")
        name = name.strip()
        if not sep or not name.isascii() or not name.replace("-", "").isalnum() or name in integrators:
            raise ValueError(f"Integrators: malformed or repeated entry {entry!r}")
        integrators[name] = frozenset(Scope(scope) for scope in scopes.split())
    return integrators


def _pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)) + "$")


_PATTERNS = [(method, _pattern(path), scope) for (method, path), scope in ROUTE_SCOPES.items()]


def required_scope(method: str, resource: str) -> Scope | None:
    """The scope the route needs; None for a route no line names (refused to everyone). `resource` is
    API Gateway's resource path (`/api/integration/requests/{id}`); a path with its parameters filled
    in names the same route."""
    found = ROUTE_SCOPES.get((method.upper(), resource))
    if found is not None:
        return found
    # A literal path wins over a parameter's, as API Gateway routes: the exact lookup above.
    return next((scope for m, p, scope in _PATTERNS if m == method.upper() and p.match(resource)), None)


def integrator_of(authorizer_context: Mapping[str, Any] | None) -> Integrator | None:
    """The integrator the authorizer's context names (`integrator`, space-separated `scopes`)."""
    context = authorizer_context or {}
    name = str(context.get("integrator") or "")
    if not name:
        return None
    scopes = frozenset(Scope(s) for s in str(context.get("scopes") or "").split() if s in _SCOPE_VALUES)
    return Integrator(name=name, scopes=scopes)


_SCOPE_VALUES = frozenset(scope.value for scope in Scope)
