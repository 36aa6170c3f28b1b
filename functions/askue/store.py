"""ASKUE links and snapshots in DynamoDB (AskueTable), the only place that knows the item layout.

One partition per consumer (`user_id`), two kinds of items by sort key `sk`:

- `link` — the remembered ASKUE account: login, the password as KMS ciphertext, `link_state`
  (active | credentials_rejected) and, only while active, `sync_shard`: the key of the sparse index
  LinkedAccounts, so the planner finds exactly the links to sync without reading anything else;
- `snapshot#<newest first>` — every successful fetch, kept as history (expires after
  SNAPSHOT_DAYS), keyed so that the newest sorts first, right after `link`: the page reads the
  latest data and the link state in one Query of two items, and older data can never take the
  newest one's place, whatever order the writes arrive in. Each fetch is written once.

The low-level client is used because the sync worker writes from several threads (a boto3 resource
is not thread-safe).
"""

import hashlib
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from functions.askue.models import AskueRow, Snapshot, StoredLink
from functions.common.aws import dynamodb

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

LINK, SNAPSHOT_PREFIX = "link", "snapshot#"
_SNAPSHOTS_END = "snapshot$"  # sorts after every "snapshot#…"
_NEWEST_FIRST_BASE = 10**17  # microseconds since 1970: the keys work until the year 5138
SYNC_INDEX = "LinkedAccounts"
SYNC_SHARDS = 16  # spreads the planner's index reads; more shards only when links reach millions
SNAPSHOT_DAYS = 400

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def stamp(moment: datetime) -> str:
    """One sortable text form of a moment (UTC, microseconds): the sort keys and conditions compare it."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def snapshot_key(moment: datetime) -> str:
    """`snapshot#` and the microseconds left until a far moment, zero-padded: later sorts first."""
    microseconds = round(moment.timestamp() * 1_000_000)
    return f"{SNAPSHOT_PREFIX}{_NEWEST_FIRST_BASE - microseconds:017d}"


def sync_shard(user_id: str) -> str:
    return str(int(hashlib.sha256(user_id.encode()).hexdigest()[:8], 16) % SYNC_SHARDS)


def _item(values: dict[str, Any]) -> dict[str, "AttributeValueTypeDef"]:
    return {key: _serializer.serialize(value) for key, value in values.items() if value is not None}


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _deserializer.deserialize(value) for key, value in item.items()}


def _is_condition_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class AskueStore:
    def __init__(self, table_name: str) -> None:
        self._table = table_name
        self._client = dynamodb()

    # ------------------------------------------------------------------ links
    def save_link(self, link: StoredLink) -> None:
        """Stores (or replaces) the consumer's link as active: the planner will find it."""
        self._client.put_item(
            TableName=self._table,
            Item=_item(
                {
                    "user_id": link.user_id,
                    "sk": LINK,
                    "email": link.email,
                    "login": link.login,
                    "password_ciphertext": link.password_ciphertext,
                    "link_state": link.state,
                    "linked_at": stamp(link.linked_at),
                    "sync_shard": sync_shard(link.user_id) if link.state == "active" else None,
                }
            ),
        )

    def get_link(self, user_id: str) -> StoredLink | None:
        found = self._client.get_item(
            TableName=self._table, Key=_item({"user_id": user_id, "sk": LINK}), ConsistentRead=True
        ).get("Item")
        return _link(_plain(found)) if found else None

    def get_links(self, user_ids: list[str]) -> dict[str, StoredLink]:
        """The links of several consumers in one BatchGetItem (the worker reads a batch's at once)."""
        found: dict[str, StoredLink] = {}
        keys = [_item({"user_id": user_id, "sk": LINK}) for user_id in dict.fromkeys(user_ids)]
        for start in range(0, len(keys), 100):
            request: Any = {self._table: {"Keys": keys[start : start + 100], "ConsistentRead": True}}
            for _ in range(5):
                answer = self._client.batch_get_item(RequestItems=request)
                for item in answer.get("Responses", {}).get(self._table, []):
                    link = _link(_plain(item))
                    found[link.user_id] = link
                request = answer.get("UnprocessedKeys") or {}
                if not request:
                    break
            if request:
                raise RuntimeError("DynamoDB left links unread")
        return found

    def delete_link(self, user_id: str) -> None:
        self._client.delete_item(TableName=self._table, Key=_item({"user_id": user_id, "sk": LINK}))

    def mark_rejected(self, user_id: str, linked_at: datetime, at: datetime) -> bool:
        """Marks the link whose password ASKUE refused and takes it off the schedule.

        True only for the call that changed it: the link is still the one that was tried (not
        replaced meanwhile) and was active, so the consumer is told once.
        """
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_item({"user_id": user_id, "sk": LINK}),
                UpdateExpression="SET link_state = :rejected, rejected_at = :at REMOVE sync_shard",
                ConditionExpression="link_state = :active AND linked_at = :linked_at",
                ExpressionAttributeValues=_item(
                    {
                        ":rejected": "credentials_rejected",
                        ":active": "active",
                        ":at": stamp(at),
                        ":linked_at": stamp(linked_at),
                    }
                ),
            )
        except ClientError as error:
            if _is_condition_failure(error):
                return False
            raise
        return True

    def linked_accounts(self, shard: int) -> list[str]:
        """The users whose link is active in one shard of the sparse index (a Query, never a Scan)."""
        found: list[str] = []
        paginator = self._client.get_paginator("query")
        for page in paginator.paginate(
            TableName=self._table,
            IndexName=SYNC_INDEX,
            KeyConditionExpression="sync_shard = :shard",
            ExpressionAttributeValues=_item({":shard": str(shard)}),
            ProjectionExpression="user_id",
        ):
            found.extend(_plain(item)["user_id"] for item in page.get("Items", []))
        return found

    # ------------------------------------------------------------------ snapshots
    def save_snapshot(self, user_id: str, snapshot: Snapshot) -> None:
        """Adds the snapshot to the history; being the newest is its key's place, no second item."""
        expires = int((snapshot.fetched_at + timedelta(days=SNAPSHOT_DAYS)).timestamp())
        self._client.put_item(
            TableName=self._table,
            Item=_item(
                {
                    "user_id": user_id,
                    "sk": snapshot_key(snapshot.fetched_at),
                    "rows": [_row(row) for row in snapshot.rows],
                    "fetched_at": stamp(snapshot.fetched_at),
                    "login": snapshot.login,
                    "source": snapshot.source,
                    "expires_at": expires,
                }
            ),
        )

    def latest_and_link(self, user_id: str) -> tuple[Snapshot | None, dict[str, Any] | None]:
        """The newest snapshot and the link's state in ONE Query of two items: 'link' sorts just
        before the snapshots, and the newest snapshot first among them (without a link, the two
        newest snapshots come). The password ciphertext is not even read."""
        items = self._client.query(
            TableName=self._table,
            KeyConditionExpression="user_id = :u AND sk BETWEEN :link AND :end",
            ExpressionAttributeValues=_item({":u": user_id, ":link": LINK, ":end": _SNAPSHOTS_END}),
            ProjectionExpression="sk, #rows, fetched_at, login, #source, link_state, linked_at, rejected_at",
            ExpressionAttributeNames={"#rows": "rows", "#source": "source"},
            Limit=2,
        ).get("Items", [])
        latest: Snapshot | None = None
        link: dict[str, Any] | None = None
        for item in map(_plain, items):
            if item["sk"] == LINK:
                link = item
            elif latest is None:
                latest = _snapshot(item)
        return latest, link


def _row(row: AskueRow) -> dict[str, Any]:
    return {**row.model_dump(exclude={"read_at"}), "read_at": stamp(row.read_at)}


def _snapshot(item: dict[str, Any]) -> Snapshot:
    return Snapshot.model_validate({key: item[key] for key in ("rows", "fetched_at", "login", "source")})


def _link(item: dict[str, Any]) -> StoredLink:
    return StoredLink(
        user_id=item["user_id"],
        email=item["email"],
        login=item["login"],
        password_ciphertext=bytes(item["password_ciphertext"]),
        state=item["link_state"],
        linked_at=item["linked_at"],
        rejected_at=item.get("rejected_at"),
    )
