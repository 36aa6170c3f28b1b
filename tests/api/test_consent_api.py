"""Re-consent over HTTP through the local API Gateway: a consumer who accepted an older consent text
is told so by the profile, accepts the text in force with POST /api/profile/consent, and the profile
then records it (version, time, hash) like the first consent."""

import hashlib
from typing import Any

import boto3
import requests

from functions.auth.policy import CURRENT_CONSENT_VERSION
from infra.world import LOCAL_PREFIX
from tests.api.test_accounts_api import bearer, log_in, new_email, register
from tests.stack import LocalStack

OLDER = "2026-11-01"


def _profiles(stack: LocalStack) -> Any:
    dynamodb = boto3.resource(
        "dynamodb",
        endpoint_url=stack.moto_url,
        region_name="eu-central-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    return dynamodb.Table(f"{LOCAL_PREFIX}-ProfilesTable")  # as infra/world.py names it


def test_a_consumer_of_an_older_text_accepts_the_new_one_and_the_acceptance_is_recorded(
    stack: LocalStack,
) -> None:
    email = new_email()
    assert register(stack, email).status_code == 202
    tokens = log_in(stack, email, stack.mailed_password(email)).json()
    headers = bearer(tokens["id_token"])
    profile = requests.get(f"{stack.url}/api/profile", headers=headers, timeout=10).json()
    assert profile["consent_required"] is False
    _profiles(stack).update_item(
        Key={"user_id": profile["user_id"]},
        UpdateExpression="SET consent_text_version = :v",
        ExpressionAttributeValues={":v": OLDER},
    )

    assert requests.get(f"{stack.url}/api/profile", headers=headers, timeout=10).json()["consent_required"]
    policy = requests.get(f"{stack.url}/api/policy", timeout=10).json()
    assert policy["consent"]["version"] == CURRENT_CONSENT_VERSION

    refused = requests.post(
        f"{stack.url}/api/profile/consent",
        json={"consent_version": CURRENT_CONSENT_VERSION},
        headers=headers,
        timeout=10,
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "accepted"
    anonymous = requests.post(
        f"{stack.url}/api/profile/consent",
        json={"accepted": True, "consent_version": CURRENT_CONSENT_VERSION},
        timeout=10,
    )
    assert anonymous.status_code == 401

    accepted = requests.post(
        f"{stack.url}/api/profile/consent",
        json={"accepted": True, "consent_version": policy["consent"]["version"]},
        headers=headers,
        timeout=10,
    )
    assert accepted.status_code == 200, accepted.text
    answer = accepted.json()
    assert answer["consent_required"] is False
    assert answer["consent_text_version"] == CURRENT_CONSENT_VERSION
    assert answer["consent_text_sha256"] == hashlib.sha256(policy["consent"]["text"].encode()).hexdigest()
    item = _profiles(stack).get_item(Key={"user_id": profile["user_id"]})["Item"]
    assert item["earlier_consents"][0]["version"] == OLDER
