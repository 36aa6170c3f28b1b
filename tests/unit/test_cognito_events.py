"""An account disabled or deleted in Cognito directly (an operator in the console, the CLI) loses its
portal sessions: CloudTrail's event of the call, as EventBridge delivers it, reaches
CognitoAccountsFunction (functions/guard/cognito_events.py), and the session authorizer refuses every
token issued before it. The events are shaped as CloudTrail records Cognito's admin calls
(`requestParameters` userPoolId and username, the target's sub in `additionalEventData`)."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from functions.guard import cognito_events
from infra.events import matches
from infra.lambda_runtime import LambdaContext
from infra.template import load_template, resolve
from infra.world import ACCOUNT_ID, World
from tests.unit.conftest import REGION, pool_keys_served
from tests.unit.test_sessions import EMAIL, authorize, create_account, log_in, refused

FUNCTION = "CognitoAccountsFunction"


@pytest.fixture
def pool(world: World) -> Iterator[World]:
    with pool_keys_served():
        yield world


def cloudtrail_event(
    world: World, call: str, username: str, sub: str | None = None, **detail: Any
) -> dict[str, Any]:
    """EventBridge's event of a Cognito admin call CloudTrail recorded, made from the console by an
    operator's role (the console calls the same API)."""
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    recorded: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLEOPERATOR:operator@grid-company.ru",
            "arn": f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/Support/operator@grid-company.ru",
            "accountId": ACCOUNT_ID,
            "accessKeyId": "ASIAEXAMPLEKEY",
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": "AROAEXAMPLEOPERATOR",
                    "arn": f"arn:aws:iam::{ACCOUNT_ID}:role/Support",
                    "accountId": ACCOUNT_ID,
                    "userName": "Support",
                },
                "attributes": {"creationDate": at, "mfaAuthenticated": "true"},
            },
        },
        "eventTime": at,
        "eventSource": "cognito-idp.amazonaws.com",
        "eventName": call,
        "awsRegion": REGION,
        "sourceIPAddress": "203.0.113.7",
        "userAgent": "AWS Internal",
        "requestParameters": {"userPoolId": world.refs["UserPool"], "username": username},
        "responseElements": None,
        "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()),
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT_ID,
        "eventCategory": "Management",
        "tlsDetails": {
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": f"cognito-idp.{REGION}.amazonaws.com",
        },
    }
    if sub is not None:
        recorded["additionalEventData"] = {"sub": sub}
    recorded.update(detail)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.cognito-idp",
        "account": ACCOUNT_ID,
        "time": at,
        "region": REGION,
        "resources": [],
        "detail": recorded,
    }


def deliver(event: dict[str, Any]) -> dict[str, Any]:
    """What EventBridge's target does: the function invoked with the event."""
    answer: dict[str, Any] = cognito_events.lambda_handler(event, LambdaContext(FUNCTION))
    return answer


def rule_pattern(world: World) -> dict[str, Any]:
    function = load_template()["Resources"][FUNCTION]["Properties"]
    [rule] = [e["Properties"] for e in function["Events"].values() if e["Type"] == "EventBridgeRule"]
    pattern: dict[str, Any] = resolve(rule["Pattern"], world.lookup)
    return pattern


def test_a_user_an_operator_disables_in_the_console_loses_the_sessions_it_had(pool: World) -> None:
    user_id = create_account()
    token = log_in()["id_token"]
    cognito = boto3.client("cognito-idp")
    cognito.admin_disable_user(UserPoolId=pool.refs["UserPool"], Username=user_id)
    # Cognito revoked the refresh and access tokens; the ID token still opened the API.
    assert authorize(f"Bearer {token}")["principalId"] == user_id

    event = cloudtrail_event(pool, "AdminDisableUser", username=user_id, sub=user_id)
    assert matches(rule_pattern(pool), event)  # the template's rule delivers it
    assert deliver(event) == {"outcome": "sessions_ended", "user_id": user_id}

    assert refused(f"Bearer {token}")


def test_a_user_deleted_by_its_sub_without_the_sub_in_the_event_loses_its_sessions(pool: World) -> None:
    user_id = create_account()
    token = log_in()["id_token"]
    boto3.client("cognito-idp").admin_delete_user(UserPoolId=pool.refs["UserPool"], Username=user_id)
    assert not refused(f"Bearer {token}")  # the profile is still there: the portal did not delete it

    deliver(cloudtrail_event(pool, "AdminDeleteUser", username=user_id.upper()))

    assert refused(f"Bearer {token}")


def test_a_user_disabled_by_its_email_from_the_cli_is_found_by_cognito(pool: World) -> None:
    create_account()
    token = log_in()["id_token"]
    boto3.client("cognito-idp").admin_disable_user(UserPoolId=pool.refs["UserPool"], Username=EMAIL)

    deliver(cloudtrail_event(pool, "AdminDisableUser", username=EMAIL))

    assert refused(f"Bearer {token}")


def test_a_deleted_user_named_only_by_an_email_fails_loudly_for_the_alarm(pool: World) -> None:
    create_account()
    token = log_in()["id_token"]
    boto3.client("cognito-idp").admin_delete_user(UserPoolId=pool.refs["UserPool"], Username=EMAIL)

    with pytest.raises(cognito_events.UnknownAccount):
        deliver(cloudtrail_event(pool, "AdminDeleteUser", username=EMAIL))

    assert not refused(f"Bearer {token}")  # an operator ends them by hand (the Errors alarm says so)


def test_a_refused_call_another_call_or_another_pool_ends_nothing(pool: World) -> None:
    user_id = create_account()
    token = log_in()["id_token"]
    refused_call = cloudtrail_event(
        pool,
        "AdminDisableUser",
        username=user_id,
        sub=user_id,
        errorCode="AccessDenied",
        errorMessage="User is not authorized to perform: cognito-idp:AdminDisableUser",
    )
    other_call = cloudtrail_event(pool, "AdminGetUser", username=user_id, sub=user_id)
    other_pool = cloudtrail_event(pool, "AdminDisableUser", username=user_id, sub=user_id)
    other_pool["detail"]["requestParameters"]["userPoolId"] = f"{REGION}_Another"

    for event in (refused_call, other_call, other_pool):
        assert not matches(rule_pattern(pool), event)
    assert deliver(refused_call) == deliver(other_call) == {"outcome": "ignored"}

    assert not refused(f"Bearer {token}")


def test_an_account_the_portal_has_no_profile_of_is_no_failure(pool: World) -> None:
    stranger = str(uuid.uuid4())

    answer = deliver(cloudtrail_event(pool, "AdminDeleteUser", username=stranger, sub=stranger))

    assert answer == {"outcome": "sessions_ended", "user_id": stranger}  # nothing to end, nothing written
    assert (
        boto3.client("dynamodb")
        .get_item(TableName=pool.refs["ProfilesTable"], Key={"user_id": {"S": stranger}})
        .get("Item")
        is None
    )
