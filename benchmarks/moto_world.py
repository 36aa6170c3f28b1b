"""The benchmarks' AWS: the world template.yaml describes, in moto inside this process.

`with moto_world(overrides) as world:` sets fake credentials and the region, makes moto's DynamoDB
operations atomic (as DynamoDB's are), builds the world and puts the functions' environment into
`os.environ`, with Powertools logging `log_level` and above (warnings: a benchmark prints its own
table).
"""

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from infra.world import World

REGION = "eu-central-1"


@contextmanager
def moto_world(overrides: Mapping[str, str] | None = None, log_level: str = "WARNING") -> Iterator["World"]:
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update(
        AWS_REGION=REGION,
        AWS_DEFAULT_REGION=REGION,
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",  # noqa: S106 (moto's)
        POWERTOOLS_LOG_LEVEL=log_level,
    )
    import boto3
    from moto import mock_aws

    from infra.moto_patches import atomic_dynamodb_requests
    from infra.world import build_world

    atomic_dynamodb_requests()
    with mock_aws():
        world = build_world(boto3.Session(region_name=REGION), overrides=overrides)
        os.environ.update(world.environment)
        os.environ["POWERTOOLS_LOG_LEVEL"] = log_level
        yield world
