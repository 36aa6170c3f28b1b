"""Copies the items of a restored table back into the stack's table (docs/operations.md, «Restore»).

A point-in-time or AWS Backup restore makes a *new* table; the stack's functions keep using theirs.
This puts the restored items into the stack's table: by default only the items it no longer has
(each put on condition its key is absent), so a deletion is undone and nothing written since the
restore point is overwritten; `--overwrite` puts every item (a table whose data went wrong whole).
An operator's one-off run, so it reads the restored table with Scan (never a request path).

    .venv/bin/python -m infra.copy_table --source <table>-restored --target <table>
"""

import argparse
from typing import Any

import boto3


def copy_items(dynamodb: Any, source: str, target: str, *, overwrite: bool = False) -> tuple[int, int]:
    """Put `source`'s items into `target`; return (items put, items left as the target has them)."""
    key_names = [k["AttributeName"] for k in dynamodb.describe_table(TableName=target)["Table"]["KeySchema"]]
    absent = " AND ".join(f"attribute_not_exists(#k{i})" for i in range(len(key_names)))
    names = {f"#k{i}": name for i, name in enumerate(key_names)}
    put = kept = 0
    for page in dynamodb.get_paginator("scan").paginate(TableName=source, ConsistentRead=True):
        for item in page["Items"]:
            if overwrite:
                dynamodb.put_item(TableName=target, Item=item)
                put += 1
                continue
            try:
                dynamodb.put_item(
                    TableName=target, Item=item, ConditionExpression=absent, ExpressionAttributeNames=names
                )
                put += 1
            except dynamodb.exceptions.ConditionalCheckFailedException:
                kept += 1
    return put, kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="the restored table")
    parser.add_argument("--target", required=True, help="the stack's table (its physical name)")
    parser.add_argument("--overwrite", action="store_true", help="put every item, also over newer ones")
    args = parser.parse_args(argv)
    put, kept = copy_items(boto3.client("dynamodb"), args.source, args.target, overwrite=args.overwrite)
    print(f"{args.target}: {put} items put from {args.source}, {kept} left as they are (present)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
