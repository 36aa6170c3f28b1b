"""The session authorizer: API Gateway asks it whether a consumer's token opens the API.

A Lambda TOKEN authorizer in front of every consumer route (template.yaml, `SessionAuthorizer`):
the ID token must be valid (functions/authorizer/tokens.py) and its session not ended
(functions/common/sessions.py: issued before the consumer's logout, password change or reset, or
the account is gone). It has SnapStart: API Gateway calls its published alias, restored from a
snapshot that holds its clients and the pool's signing keys. API Gateway caches the answer per
token for `ReauthorizeEvery` (60 s), so on AWS a session ends everywhere within a minute and this
function runs once per token per minute; the local gateway asks on every request, so locally it
ends at once.

The answer's context carries who the caller is to the functions: the `sub` and the email from the
portal's own profile, never from a claim the consumer could change in Cognito.
"""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import event_source
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerResponse,
    APIGatewayAuthorizerTokenEvent,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.authorizer.tokens import AuthorizerSettings, TokenRefused, load_keys, read_id_token
from functions.common import aws
from functions.common.sessions import SessionStore
from functions.common.snapstart import prime_loads
from functions.common.tracing import tracer

logger = Logger()

# What API Gateway expects from a TOKEN authorizer that refuses: it answers 401 (the template's
# UNAUTHORIZED gateway response) and caches nothing.
UNAUTHORIZED = "Unauthorized"

# SnapStart (template.yaml): the snapshot holds the clients and the pool's signing keys, so a
# restored copy's first answer is a signature check and one GetItem.
prime_loads(aws.cognito, aws.dynamodb, load_keys)


@tracer.capture_lambda_handler(capture_response=False)
@event_source(data_class=APIGatewayAuthorizerTokenEvent)
@logger.inject_lambda_context
def lambda_handler(event: APIGatewayAuthorizerTokenEvent, context: LambdaContext) -> dict[str, Any]:
    try:
        token = read_id_token(event.authorization_token or "")
    except TokenRefused as refusal:
        logger.info("token refused", extra={"reason": str(refusal)})
        raise Exception(UNAUTHORIZED) from None
    owner = SessionStore(AuthorizerSettings.from_environment().profiles_table).owner(token.user_id)
    if owner is None or not owner.accepts(token.issued_at):
        logger.info("session ended", extra={"user_id": token.user_id, "account_gone": owner is None})
        raise Exception(UNAUTHORIZED)
    arn = event.parsed_arn
    policy = APIGatewayAuthorizerResponse(
        principal_id=owner.user_id,
        region=arn.region,
        aws_account_id=arn.aws_account_id,
        api_id=arn.api_id,
        stage=arn.stage,
        # Every route of the API: the answer is cached per token, whichever route asked first.
        context={"sub": owner.user_id, "email": owner.email},
    )
    policy.allow_all_routes()
    return policy.asdict()
