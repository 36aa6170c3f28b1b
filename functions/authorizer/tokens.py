"""Checks a Cognito ID token as API Gateway's Cognito authorizer would: signature, issuer,
audience, expiry, token use.

The signing keys are the user pool's JWKS, read once per environment from the pool's own address
(`<cognito-idp endpoint>/<pool id>/.well-known/jwks.json`, the issuer's address on AWS) and read
again only when a token names a key not seen yet (Cognito rotates keys rarely).

The authorizer imports only what verifying a token and reading one item needs (it stands in front
of every consumer route: its cold start is paid before theirs): PyJWT, boto3, Powertools' logger
and event classes — no pydantic, no event handler (tests/unit/test_authorizer_imports.py). So it
reads its three variables itself (`AuthorizerSettings`, the names the template's `Globals` give
every function) instead of the portal's settings model (functions/common/settings.py), whose
pydantic would be a fifth of its import.
"""

import os
from dataclasses import dataclass
from functools import cache
from typing import Any

import jwt

from functions.common.aws import cognito

_JWKS_TIMEOUT_SECONDS = 3


@dataclass(frozen=True)
class AuthorizerSettings:
    """The user pool whose ID tokens open the API, and the table of the profiles they belong to."""

    user_pool_id: str
    user_pool_client_id: str
    profiles_table: str

    @classmethod
    def from_environment(cls) -> "AuthorizerSettings":
        """Read at each call (three lookups): a test's new world is seen at once."""
        return cls(
            user_pool_id=os.environ["USER_POOL_ID"],
            user_pool_client_id=os.environ["USER_POOL_CLIENT_ID"],
            profiles_table=os.environ["PROFILES_TABLE"],
        )


@dataclass(frozen=True)
class IdToken:
    user_id: str
    issued_at: int


class TokenRefused(Exception):
    """Not an ID token of this pool's client, or no longer valid: the caller is not let in."""


@cache
def _keys() -> jwt.PyJWKClient:
    pool = AuthorizerSettings.from_environment().user_pool_id
    endpoint = cognito().meta.endpoint_url.rstrip("/")
    return jwt.PyJWKClient(
        f"{endpoint}/{pool}/.well-known/jwks.json", cache_keys=True, timeout=_JWKS_TIMEOUT_SECONDS
    )


def _issuer() -> str:
    settings = AuthorizerSettings.from_environment()
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
            audience=AuthorizerSettings.from_environment().user_pool_client_id,
            issuer=_issuer(),
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
    except (jwt.PyJWTError, ValueError) as error:
        raise TokenRefused(type(error).__name__) from error
    if claims.get("token_use") != "id" or not isinstance(claims.get("iat"), int):
        raise TokenRefused("not an ID token")
    return IdToken(user_id=str(claims["sub"]), issued_at=int(claims["iat"]))


def load_keys() -> None:
    """Reads the pool's signing keys now, before a SnapStart snapshot: each key is kept by its key
    id (`cache_keys`, no expiry), so a restored copy checks a token without reading the JWKS, which
    itself is kept 5 minutes only. Best effort: if the pool cannot be reached now, the first token
    reads them instead (a key id not yet seen is looked up again anyway)."""
    client = _keys()
    try:
        for key in client.get_signing_keys():
            if key.key_id:
                client.get_signing_key(key.key_id)
    except jwt.PyJWKClientError:
        return


def forget_keys() -> None:
    """Tests build a new user pool (new keys, new address) for each world."""
    _keys.cache_clear()
