"""Back-fills `expires_at` on the records written before the retention table was enforced
(docs/architecture.md, «Retention by kind»): closed requests and readings that carry none, so that
DynamoDB's TTL deletes them when their period ends, as it does every record written since.

An operator's tool, run once after the deploy that brought enforcement, against the deployed tables
(their names: `aws cloudformation describe-stack-resource --stack-name portal --logical-resource-id
RequestsTable`, the same for ReadingsTable):

    .venv/bin/python -m infra.backfill_retention --requests-table NAME --readings-table NAME [--dry-run]

It reads each table once with a paginated Scan (nobody waits on it; no route does this) and sets
`expires_at` with an UpdateItem conditioned on the item still lacking it (and a request still being
in the closed status read), so a run concurrent with the portal, or run twice, changes nothing twice.
The periods are the retention table's, from the environment's RETENTION_* variables when set (the
stack's parameters), else its defaults.
"""

import argparse
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3
from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from functions.common.retention import RetentionKind, retention_of
from functions.readings.store import READING_PREFIX
from functions.requests.records import request_of
from functions.requests.retention import expires_on_closing
from functions.requests.store import REQUEST_PREFIX
from functions.requests.transitions import CLOSED


@dataclass
class Counts:
    read: int = 0
    due: int = 0
    written: int = 0


def _items(table: Any, prefix: str) -> Iterator[dict[str, Any]]:
    """Every item whose sort key starts with `prefix` and that has no `expires_at`, page by page."""
    scan: dict[str, Any] = {
        "FilterExpression": Attr("sk").begins_with(prefix) & Attr("expires_at").not_exists()
    }
    while True:
        page = table.scan(**scan)
        yield from page["Items"]
        if "LastEvaluatedKey" not in page:
            return
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _set(table: Any, key: dict[str, Any], expires: int, condition: Any) -> bool:
    try:
        table.update_item(
            Key=key,
            UpdateExpression="SET expires_at = :expires",
            ConditionExpression=Attr("expires_at").not_exists() & condition,
            ExpressionAttributeValues={":expires": expires},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False  # given one meanwhile, or moved: the portal's own write decides
        raise
    return True


def backfill_requests(table: Any, *, dry_run: bool = False) -> Counts:
    counts = Counts()
    for item in _items(table, REQUEST_PREFIX):
        counts.read += 1
        request = request_of(item)
        if request.status not in CLOSED:
            continue  # an open request is never due: the move that closes it sets its expiry
        counts.due += 1
        expires = expires_on_closing(request.type, request.stages, request.status_changed_at)
        if not dry_run:
            key = {"pk": item["pk"], "sk": item["sk"]}
            counts.written += _set(table, key, expires, Attr("status").eq(request.status.value))
    return counts


def backfill_readings(table: Any, *, dry_run: bool = False) -> Counts:
    counts = Counts()
    readings = retention_of(RetentionKind.READINGS)
    for item in _items(table, READING_PREFIX):
        counts.read += 1
        counts.due += 1
        expires = readings.expires_at(datetime.fromisoformat(str(item["taken_at"])))
        if not dry_run:
            key = {"user_id": item["user_id"], "sk": item["sk"]}
            counts.written += _set(table, key, expires, Attr("sk").exists())
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests-table", required=True)
    parser.add_argument("--readings-table", required=True)
    parser.add_argument("--dry-run", action="store_true", help="count what would be set, write nothing")
    args = parser.parse_args(argv)
    dynamodb = boto3.resource("dynamodb")
    for name, counts in (
        ("requests", backfill_requests(dynamodb.Table(args.requests_table), dry_run=args.dry_run)),
        ("readings", backfill_readings(dynamodb.Table(args.readings_table), dry_run=args.dry_run)),
    ):
        done = "would set" if args.dry_run else f"set {counts.written} of"
        print(f"{name}: {counts.read} without expires_at, {done} {counts.due} due")


if __name__ == "__main__":
    main()
