"""Sessions that really end: the session authorizer in front of every consumer route.

Each test drives what API Gateway drives on AWS: the TOKEN authorizer is asked about the token
(functions/authorizer/handler.py), and only with its context does a consumer route run. A token
issued before a logout, a password change, a support reset or the account's deletion is refused;
a token issued after them is let in; who the caller is comes from the profile, not from a claim.
"""

import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

import functions.auth.handler as auth
import functions.integration.handler as integration
from functions.auth.models import ProfileOutput
from functions.auth.store import ProfileStore
from functions.authorizer import handler as authorizer
from functions.common.clock import now
from functions.common.identity import UserDirectory
from infra.lambda_runtime import LambdaContext
from infra.template import load_template, resources
from infra.world import World
from tests.unit.conftest import api_event, call, mailed, pool_keys_served

EMAIL = "ivan.petrov@example.ru"
PASSWORD = "Первый-пароль-1"  # nosec B105
METHOD_ARN = "arn:aws:execute-api:eu-central-1:123456789012:abc123/prod/GET/api/profile"


@pytest.fixture
def pool(world: World) -> Iterator[World]:
    with pool_keys_served():
        yield world


def create_account(email: str = EMAIL, password: str = PASSWORD) -> str:
    user_id = UserDirectory().create(email, "+79120001122", password)
    at = now()
    ProfileStore().create(
        ProfileOutput(
            user_id=user_id,
            category="individual",
            full_name="Петров Пётр Петрович",
            email=email,
            phone="+79120001122",
            consent_given_at=at,
            consent_text_version="1",
            registered_at=at,
        ),
        registration_job="test-account",
    )
    return user_id


def log_in(email: str = EMAIL, password: str = PASSWORD) -> dict[str, Any]:
    status, tokens = call(auth, api_event("POST", "/api/auth/login", {"email": email, "password": password}))
    assert status == 200, tokens
    return dict(tokens)


def password_change(old: str, new: str) -> dict[str, str]:
    return {"old_password": old, "new_password": new, "new_password_repeat": new}


def authorize(authorization: str) -> dict[str, Any]:
    """What API Gateway gets from the authorizer; raises as the authorizer refuses."""
    event = {"type": "TOKEN", "authorizationToken": authorization, "methodArn": METHOD_ARN}
    answer: dict[str, Any] = authorizer.lambda_handler(event, LambdaContext("SessionAuthorizerFunction"))
    return answer


def refused(authorization: str) -> bool:
    try:
        authorize(authorization)
    except Exception as error:
        assert str(error) == "Unauthorized"
        return True
    return False


def as_consumer(handler: Any, method: str, path: str, id_token: str, body: Any = None) -> tuple[int, Any]:
    """A consumer route called through the gateway: 401 unless the authorizer lets the token in."""
    try:
        answer = authorize(f"Bearer {id_token}")
    except Exception:
        return 401, None
    event = api_event(method, path, body, claims=answer["context"])
    return call(handler, event)


def test_an_id_token_is_let_in_to_every_route_with_the_profile_as_context(pool: World) -> None:
    user_id = create_account()
    answer = authorize(f"Bearer {log_in()['id_token']}")

    assert answer["principalId"] == user_id
    assert answer["context"] == {"sub": user_id, "email": EMAIL}
    [statement] = answer["policyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    # Cached per token by API Gateway: the answer must hold for every route, not only the first asked.
    assert statement["Resource"] == ["arn:aws:execute-api:eu-central-1:123456789012:abc123/prod/*/*"]


def test_what_is_not_a_valid_id_token_of_the_portal_is_refused(pool: World) -> None:
    create_account()
    tokens = log_in()
    header, payload, signature = tokens["id_token"].split(".")

    assert refused("")
    assert refused("Bearer ")
    assert refused("Bearer not-a-token")
    assert refused(f"Bearer {tokens['access_token']}")  # an access token is not an ID token
    assert refused(f"Bearer {header}.{payload}.{signature[::-1]}")  # a forged signature
    assert not refused(f"Bearer {tokens['id_token']}")
    assert not refused(tokens["id_token"])  # API Gateway passes the header as sent


def test_a_token_issued_before_logout_opens_nothing_after_it(pool: World) -> None:
    create_account()
    stolen = log_in()["id_token"]
    assert as_consumer(auth, "GET", "/api/profile", stolen)[0] == 200

    assert as_consumer(auth, "POST", "/api/auth/logout", stolen)[0] == 204

    assert refused(f"Bearer {stolen}")
    assert as_consumer(auth, "GET", "/api/profile", stolen)[0] == 401
    # A login right after the logout (the same second, even) is a new session and is let in.
    assert as_consumer(auth, "GET", "/api/profile", log_in()["id_token"])[0] == 200


def test_a_stolen_token_cannot_change_the_password_again_after_the_owner_changed_it(pool: World) -> None:
    create_account()
    stolen = log_in()["id_token"]
    owners = log_in()["id_token"]
    change = {
        "old_password": PASSWORD,
        "new_password": "второй-пароль",
        "new_password_repeat": "второй-пароль",
    }

    assert as_consumer(auth, "POST", "/api/profile/password", owners, change)[0] == 204

    again = {
        "old_password": "второй-пароль",
        "new_password": "чужой-пароль",
        "new_password_repeat": "чужой-пароль",
    }
    assert as_consumer(auth, "POST", "/api/profile/password", stolen, again)[0] == 401
    assert refused(f"Bearer {owners}")  # every session ends, the owner's own included
    assert log_in(password="второй-пароль")["id_token"]


def test_a_support_reset_ends_every_session(pool: World) -> None:
    create_account()
    before = log_in()["id_token"]

    status, _ = call(
        integration,
        api_event("POST", "/api/integration/users/reset-password", {"email": EMAIL}, integrator="support"),
    )
    assert status == 202  # queued: the mail worker sets and mails the new password

    assert any("Новый пароль" in mail["text"] for mail in mailed() if mail["to"] == EMAIL)
    assert refused(f"Bearer {before}")


def test_the_token_of_a_deleted_account_is_refused(pool: World) -> None:
    user_id = create_account()
    token = log_in()["id_token"]

    ProfileStore().delete(user_id)
    UserDirectory().delete(user_id)

    assert refused(f"Bearer {token}")


def test_who_the_caller_is_comes_from_the_profile_not_from_a_rewritten_email_claim(pool: World) -> None:
    create_account()
    tokens = log_in()
    # The consumer's own access token may not rewrite the email through Cognito (the app client's
    # WriteAttributes do not name it); even if it could, the portal would keep using the profile's
    # address. moto does not enforce WriteAttributes, so here the rewrite goes through, as it did on
    # AWS with the client the portal had before (`WriteAttributes: []`, which Cognito reads as
    # every standard attribute).
    boto3.client("cognito-idp").update_user_attributes(
        AccessToken=tokens["access_token"],
        UserAttributes=[{"Name": "email", "Value": "attacker@example.com"}],
    )
    fresh = log_in(email="attacker@example.com")["id_token"]
    import jwt

    assert jwt.decode(fresh, options={"verify_signature": False})["email"] == "attacker@example.com"

    assert authorize(f"Bearer {fresh}")["context"]["email"] == EMAIL
    status, profile = as_consumer(auth, "GET", "/api/profile", fresh)
    assert status == 200
    assert profile["email"] == EMAIL


def test_the_app_client_cannot_write_the_email_or_the_phone() -> None:
    [client] = resources(load_template(), "AWS::Cognito::UserPoolClient").values()
    writable = client["Properties"]["WriteAttributes"]

    assert writable, "an empty list is Cognito's default: every standard attribute writable"
    assert not {"email", "email_verified", "phone_number", "phone_number_verified"} & set(writable)


def test_an_ended_session_is_not_moved_back_by_an_earlier_ending(pool: World) -> None:
    from functions.common.sessions import SessionStore

    user_id = create_account()
    later = int(time.time()) + 100
    SessionStore().refuse_tokens_before(user_id, later)
    SessionStore().refuse_tokens_before(user_id, later - 50)

    owner = SessionStore().owner(user_id)
    assert owner is not None
    assert owner.sessions_valid_from == later


def test_logging_out_of_an_account_cognito_no_longer_has_is_not_a_failure(pool: World) -> None:
    user_id = create_account()
    token = log_in()["id_token"]
    UserDirectory().delete(user_id)  # gone from the pool, its profile not yet

    status, _ = as_consumer(auth, "POST", "/api/auth/logout", token)

    assert status == 204
    assert refused(f"Bearer {token}")


def refreshes(refresh_token: str) -> bool:
    status, _ = call(auth, api_event("POST", "/api/auth/refresh", {"refresh_token": refresh_token}))
    assert status in (200, 401)
    return status == 200


def test_a_consumer_who_rewrote_the_cognito_email_has_every_session_ended_by_logout(pool: World) -> None:
    create_account()
    before = log_in()
    # As the client the portal had before allowed (`WriteAttributes: []`; moto does not enforce the
    # list): the pool's `email` is no longer the profile's, and every admin call by that address
    # would find nobody. The portal names the account by its `sub`.
    boto3.client("cognito-idp").update_user_attributes(
        AccessToken=before["access_token"],
        UserAttributes=[{"Name": "email", "Value": "someone.else@example.com"}],
    )
    after = log_in(email="someone.else@example.com")
    assert refreshes(after["refresh_token"])

    assert as_consumer(auth, "POST", "/api/auth/logout", after["id_token"])[0] == 204

    # Every session ends: the one opened under the old address and the one under the new.
    for session in (before, after):
        assert not refreshes(session["refresh_token"])
        assert refused(f"Bearer {session['id_token']}")
    # The password change still checks the old password of the right account and sets the new one.
    owner = log_in(email="someone.else@example.com")["id_token"]
    change = password_change(PASSWORD, "второй-пароль")
    assert as_consumer(auth, "POST", "/api/profile/password", owner, change)[0] == 204
    assert refused(f"Bearer {owner}")
    again = log_in("someone.else@example.com", "второй-пароль")["id_token"]
    assert as_consumer(auth, "GET", "/api/profile", again)[0] == 200


def test_a_support_reset_ends_every_session_opened_under_any_name(pool: World) -> None:
    create_account()
    session = log_in()

    status, _ = call(
        integration,
        api_event("POST", "/api/integration/users/reset-password", {"email": EMAIL}, integrator="support"),
    )

    assert status == 202  # queued: the mail worker sets and mails the new password
    assert any("Новый пароль" in mail["text"] for mail in mailed() if mail["to"] == EMAIL)
    assert not refreshes(session["refresh_token"])
    assert refused(f"Bearer {session['id_token']}")
