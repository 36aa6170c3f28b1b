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
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sqs import SQSClient

# API Gateway gives a function 29 s; a call to AWS must fail well before that.
# A pool big enough for the threads of a batch worker (askue sync) sharing one client.
_CONFIG = Config(
    connect_timeout=3,
    read_timeout=8,
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


def reset_clients() -> None:
    """Forgets every client: tests call it when they build a new AWS world."""
    _client.cache_clear()
