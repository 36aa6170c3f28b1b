"""The private parts of Powertools the portal relies on, pinned with the version (pyproject.toml).

functions/common/api.py replaces the resolver's request validation middleware with a subclass that
reads the body itself (415 for what is not JSON; JSON too deep or too large refused before it is
parsed), because Powertools runs its validation before any middleware given to `app.use()`; and
tests/unit/test_template.py reads the resolver's route tables to compare them with template.yaml.
None of these is public API: when a new Powertools moves them, these tests say so before anything
else breaks, and the pin in pyproject.toml may move only with them green.
"""

import inspect
from importlib.metadata import version

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
    OpenAPIRequestValidationMiddleware,
)

from functions.common.api import configure_resolver

PINNED = "3.37.0"


def test_the_installed_powertools_is_the_pinned_one() -> None:
    assert version("aws-lambda-powertools") == PINNED


def test_the_request_validation_middleware_reads_the_body_through_get_body() -> None:
    hook = OpenAPIRequestValidationMiddleware._get_body
    assert list(inspect.signature(hook).parameters) == ["self", "app"]
    # The handler calls it: the override is what reads every JSON body.
    assert "_get_body(" in inspect.getsource(OpenAPIRequestValidationMiddleware)


def test_a_resolver_with_validation_keeps_its_middleware_where_configure_resolver_replaces_it() -> None:
    app = APIGatewayRestResolver(enable_validation=True)
    assert isinstance(app._request_validation_middleware, OpenAPIRequestValidationMiddleware)

    configure_resolver(app, {})

    assert type(app._request_validation_middleware).__name__ == "_JsonBodiesOnly"


def test_a_resolver_lists_its_routes_in_its_static_and_dynamic_tables() -> None:
    app = APIGatewayRestResolver()

    @app.get("/api/things")
    def things() -> dict[str, str]:
        return {}

    @app.get("/api/things/<thing_id>")
    def thing(thing_id: str) -> dict[str, str]:
        return {"id": thing_id}

    routes = {(route.method, route.openapi_path) for route in app._static_routes + app._dynamic_routes}
    assert routes == {("GET", "/api/things"), ("GET", "/api/things/{thing_id}")}
