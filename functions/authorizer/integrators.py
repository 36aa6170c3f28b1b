"""The integrator authorizer: API Gateway asks it which company system a key in `x-api-key` is.

A Lambda TOKEN authorizer on every /api/integration/* route (template.yaml, `IntegratorAuthorizer`).
The key must be an integrator's (functions/authorizer/integrator_keys.py: one consistent GetItem of
its hash), still within its window after a rotation, and the integrator still named in the
template's `Integrators` parameter (removing it there revokes it). The answer's context names the
integrator and its scopes; the functions refuse a route outside them (functions/common/api.py,
403 naming the scope). A key that is no integrator's is denied (API Gateway's ACCESS_DENIED, 403);
a missing header API Gateway refuses itself (401). API Gateway caches the answer per key for
`ReauthorizeEvery` (60 s): a key ended by a rotation or a revocation opens nothing a minute later.
"""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import event_source
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerResponse,
    APIGatewayAuthorizerTokenEvent,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.authorizer.integrator_keys import IntegratorKeyStore, integrator_settings
from functions.common.clock import now
from functions.common.integrators import INTEGRATOR_ACTOR_PREFIX, parse_integrators
from functions.common.tracing import tracer

logger = Logger()

# A key longer than any the portal issues is no key of it: not hashed, not looked up.
_MAX_KEY_LENGTH = 256


@tracer.capture_lambda_handler(capture_response=False)
@event_source(data_class=APIGatewayAuthorizerTokenEvent)
@logger.inject_lambda_context
def lambda_handler(event: APIGatewayAuthorizerTokenEvent, context: LambdaContext) -> dict[str, Any]:
    arn = event.parsed_arn
    key = (event.authorization_token or "").strip()
    integrators = parse_integrators(integrator_settings().integrators)
    found = IntegratorKeyStore().find(key) if 0 < len(key) <= _MAX_KEY_LENGTH else None
    opens = found is not None and found.integrator in integrators and found.opens_at(int(now().timestamp()))
    name = found.integrator if found is not None and opens else ""
    policy = APIGatewayAuthorizerResponse(
        principal_id=f"{INTEGRATOR_ACTOR_PREFIX}{name or 'refused'}",
        region=arn.region,
        aws_account_id=arn.aws_account_id,
        api_id=arn.api_id,
        stage=arn.stage,
        context={"integrator": name, "scopes": " ".join(sorted(integrators.get(name, ())))},
    )
    if not opens:
        # Denied for every route: cached per key like an Allow, so a wrong key costs one run a minute.
        logger.info("integrator key refused", extra={"known_key": found is not None})
        policy.deny_all_routes()
    else:
        # Every integration route: the answer is cached per key, whichever route asked first; the
        # scopes are checked by the route's function.
        logger.info("integrator let in", extra={"integrator": name})
        policy.allow_route("*", "/api/integration/*")
    return policy.asdict()
