"""AWS clients, created lazily once per cold start (never at import time).

Endpoints come from the SDK's own configuration, so `AWS_ENDPOINT_URL` points every client at the
local moto server and nothing in the functions knows whether it runs locally.
"""

import random
from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sqs import SQSClient

# Retries, stated once for every client of every function. The SDK retries a throttled call, a 5xx
# and a connection or read timeout (standard mode: 3 attempts, with jittered backoff of at most
# 1 s and then 2 s). A call that still fails raises: on a route it is a 503 with Retry-After
# (functions/common/aws_faults.py, functions/common/api.py); in a queue worker it fails that
# record only, and SQS delivers it again.
#
# The worst a single call can take is 3 × (connect 1 s + read 2 s) + 3 s of backoff = 12 s: inside
# the 15 s Timeout of the API's functions in template.yaml (the Globals), so a function answers its
# own 503 instead of being stopped mid-way, and well inside API Gateway's 29 s. DynamoDB, Cognito,
# SQS, KMS and SES answer in tens of milliseconds and S3's CopyObject of an attachment (at most
# 10 MB) in well under a second: a read that takes 2 s is a fault, and another attempt is likelier
# to succeed than waiting longer. The session authorizer (10 s) makes one GetItem: at its very
# worst Lambda stops it, and API Gateway answers AUTHORIZER_CONFIGURATION_ERROR or
# AUTHORIZER_FAILURE — both the same 503 with Retry-After (template.yaml). The askue function
# (Timeout 20 s) gives ASKUE at most 12 s (functions/askue/http.py) before its few writes. The
# workers (mail 30 s, askue sync 60 s) have more room than a call needs; what they do not finish
# SQS delivers again.
# A pool big enough for the threads of a batch worker (askue sync) sharing one client.
_CONFIG = Config(
    connect_timeout=1,
    read_timeout=2,
    retries={"mode": "standard", "max_attempts": 3},
    max_pool_connections=32,
)


def _reseed_random_after_restore() -> None:
    """With SnapStart, Lambda resumes many environments from one snapshot of an initialised one, and
    they would all draw the same numbers from `random` (botocore's retry jitter and ours): each
    restore reseeds it. `snapshot_restore_py` comes with Lambda's Python runtimes (it is not
    packaged); elsewhere there is no snapshot and nothing to do."""
    try:
        from snapshot_restore_py import register_after_restore
    except ImportError:
        return
    register_after_restore(random.seed)


_reseed_random_after_restore()


@cache
def _client(service: str) -> Any:
    return boto3.client(service, config=_CONFIG)  # type: ignore[call-overload]


def cognito() -> "CognitoIdentityProviderClient":
    client: CognitoIdentityProviderClient = _client("cognito-idp")
    return client


def ses() -> "SESClient":
    client: SESClient = _client("ses")
    return client


def dynamodb() -> "DynamoDBClient":
    """The low-level client, thread-safe (a boto3 resource is not, so none is made): every store
    reaches DynamoDB through it, by `common/dynamo.py`."""
    client: DynamoDBClient = _client("dynamodb")
    return client


def kms() -> "KMSClient":
    client: KMSClient = _client("kms")
    return client


def sqs() -> "SQSClient":
    client: SQSClient = _client("sqs")
    return client


def s3() -> "S3Client":
    client: S3Client = _client("s3")
    return client


def events() -> "EventBridgeClient":
    client: EventBridgeClient = _client("events")
    return client


def reset_clients() -> None:
    """Forgets every client: tests call it when they build a new AWS world."""
    _client.cache_clear()
