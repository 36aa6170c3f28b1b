"""infra/copy_table.py: a restored table's items put back into the stack's table — by default only
those it lost, never over what was written since the restore point."""

import boto3
from moto import mock_aws

from infra.copy_table import copy_items

REGION = "eu-central-1"


def _table(client: object, name: str) -> None:
    client.create_table(  # type: ignore[attr-defined]
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def _item(pk: str, value: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": pk}, "sk": {"S": "profile"}, "value": {"S": value}}


@mock_aws
def test_only_the_lost_items_come_back_and_newer_ones_stay() -> None:
    client = boto3.client("dynamodb", region_name=REGION)
    _table(client, "restored")
    _table(client, "live")
    client.put_item(TableName="restored", Item=_item("a", "old"))
    client.put_item(TableName="restored", Item=_item("b", "deleted since"))
    client.put_item(TableName="live", Item=_item("a", "newer"))

    assert copy_items(client, "restored", "live") == (1, 1)

    assert client.get_item(TableName="live", Key={"pk": {"S": "a"}, "sk": {"S": "profile"}})["Item"][
        "value"
    ] == {"S": "newer"}
    assert client.get_item(TableName="live", Key={"pk": {"S": "b"}, "sk": {"S": "profile"}})["Item"][
        "value"
    ] == {"S": "deleted since"}


@mock_aws
def test_overwrite_puts_every_item_of_the_restore_point() -> None:
    client = boto3.client("dynamodb", region_name=REGION)
    _table(client, "restored")
    _table(client, "live")
    client.put_item(TableName="restored", Item=_item("a", "old"))
    client.put_item(TableName="live", Item=_item("a", "corrupted"))

    assert copy_items(client, "restored", "live", overwrite=True) == (1, 0)

    assert client.get_item(TableName="live", Key={"pk": {"S": "a"}, "sk": {"S": "profile"}})["Item"][
        "value"
    ] == {"S": "old"}
