"""Checks a Cognito ID token as API Gateway's Cognito authorizer would: signature, issuer,
audience, expiry, token use.

The signing keys are the user pool's JWKS, read once per environment from the pool's own address
(`<cognito-idp endpoint>/<pool id>/.well-known/jwks.json`, the issuer's address on AWS) and read
again only when a token names a key not seen yet (Cognito rotates keys rarely).
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

import jwt

from functions.common.aws import cognito
from functions.common.settings import portal_settings

_JWKS_TIMEOUT_SECONDS = 3


@dataclass(frozen=True)
class IdToken:
    user_id: str
    issued_at: int


class TokenRefused(Exception):
    """Not an ID token of this pool's client, or no longer valid: the caller is not let in."""


@cache
def _keys() -> jwt.PyJWKClient:
    pool = portal_settings().user_pool_id
    endpoint = cognito().meta.endpoint_url.rstrip("/")
    return jwt.PyJWKClient(
        f"{endpoint}/{pool}/.well-known/jwks.json", cache_keys=True, timeout=_JWKS_TIMEOUT_SECONDS
    )


def _issuer() -> str:
    settings = portal_settings()
    region = cognito().meta.region_name
    return f"https://cognito-idp.{region}.amazonaws.com/{settings.user_pool_id}"


def read_id_token(authorization: str) -> IdToken:
    """The token's owner and issue time, if the token is a valid ID token of the portal's client."""
    token = authorization.removeprefix("Bearer ").strip()
    if not token:
        raise TokenRefused("no token")
    try:
        key = _keys().get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            audience=portal_settings().user_pool_client_id,
            issuer=_issuer(),
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
    except (jwt.PyJWTError, ValueError) as error:
        raise TokenRefused(type(error).__name__) from error
    if claims.get("token_use") != "id" or not isinstance(claims.get("iat"), int):
        raise TokenRefused("not an ID token")
    return IdToken(user_id=str(claims["sub"]), issued_at=int(claims["iat"]))


def forget_keys() -> None:
    """Tests build a new user pool (new keys, new address) for each world."""
    _keys.cache_clear()
