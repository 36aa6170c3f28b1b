"""The erasure's reads and writes of a consumer's requests and messages (152-ФЗ ст. 21 ч. 5), and the
expiry's (what a request DynamoDB's TTL deleted leaves: functions/requests/expiry.py), apart from the
stores that serve the routes (store.py, thread_store.py), whose keys they share.

A consumer's requests and conversation messages are one partition (`USER#<sub>`): one Query per 1 MB
finds them all. What names the person goes, what the company keeps the request for stays:

- a request: the email, the consumer's text, its fields but those that name nobody (`kept`: choices,
  numbers, yes/no — functions/requests/erasure.py says which), every file it was filed with, and the
  comments of the consumer's own moves in its history (a withdrawal's reason) — replaced by
  `ERASED_TEXT`; its number, type, status, dates and the company's history stay, and `erased_at`
  says when;
- a message of the consumer's: its text (`ERASED_TEXT`) and its files; the company's messages stay.

The files are named by `files` first, deleted from S3 by the caller, and only then forgotten by
`depersonalise`: a run that fails between finds them again. Each write is idempotent.
"""

from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from functions.common.dynamo import Table
from functions.requests.settings import request_settings
from functions.requests.store import REQUEST_PREFIX, THREAD_PREFIX, thread_prefix, upload_claim_key, user_key
from functions.requests.vocabulary import MessageAuthor, RequestType

ERASED_TEXT = "удалено по требованию субъекта персональных данных"


class Leftovers(NamedTuple):
    """What an expired request leaves: its id, its files' S3 keys, its other items' keys."""

    request_id: str
    files: list[str]
    items: list[dict[str, str]]


class ErasureStore:
    def __init__(self) -> None:
        self._table = Table(request_settings().requests_table)

    def _items(self, user_id: str) -> Iterator[dict[str, Any]]:
        return self._table.query_all("pk = :pk", {":pk": user_key(user_id)})

    @staticmethod
    def _erasable(item: dict[str, Any]) -> bool:
        sk = str(item.get("sk", ""))
        if sk.startswith(REQUEST_PREFIX):
            return True
        return sk.startswith(THREAD_PREFIX) and item.get("author") == MessageAuthor.CONSUMER.value

    @staticmethod
    def _file_keys(items: Iterator[Mapping[str, Any]] | tuple[Mapping[str, Any], ...]) -> list[str]:
        keys: list[str] = []
        for item in items:
            for attachment in item.get("attachments") or ():
                keys += [str(attachment[name]) for name in ("key", "upload") if attachment.get(name)]
        return list(dict.fromkeys(keys))

    def files(self, user_id: str) -> list[str]:
        """The S3 keys of every file the consumer filed, still referenced: each request's and consumer
        message's copy, and the upload it was copied from."""
        return self._file_keys(item for item in self._items(user_id) if self._erasable(item))

    def left_by_expired(self, request: Mapping[str, Any]) -> Leftovers:
        """What the request item `request` (as it was when TTL deleted it) leaves: the S3 keys of its
        files and its messages' (each copy and the upload it came from), and the keys of its
        messages' items and of its uploads' claims; nothing when `request` is not a request's item."""
        sk = str(request.get("sk", ""))
        if not sk.startswith(REQUEST_PREFIX):
            return Leftovers("", [], [])
        pk, request_id = str(request["pk"]), sk.removeprefix(REQUEST_PREFIX)
        messages = tuple(
            self._table.query_all(
                "pk = :pk AND begins_with(sk, :prefix)", {":pk": pk, ":prefix": thread_prefix(request_id)}
            )
        )
        files = self._file_keys((request, *messages))
        uploads = [
            str(attachment["upload"])
            for item in (request, *messages)
            for attachment in item.get("attachments") or ()
            if attachment.get("upload")
        ]
        items = [{"pk": str(m["pk"]), "sk": str(m["sk"])} for m in messages]
        return Leftovers(
            request_id, files, items + [upload_claim_key(upload) for upload in dict.fromkeys(uploads)]
        )

    def forget(self, keys: list[dict[str, str]]) -> None:
        """Deletes the items of `keys` (those already gone are no error)."""
        self._table.batch_delete(keys)

    def depersonalise(
        self, user_id: str, kept: Callable[[RequestType], Collection[str]], at: datetime
    ) -> int:
        """Removes what names the person from each of the consumer's requests and messages; returns
        how many items were written (an UpdateItem each)."""
        written = 0
        for item in self._items(user_id):
            if not self._erasable(item):
                continue
            key = {"pk": str(item["pk"]), "sk": str(item["sk"])}
            values: dict[str, Any] = {":erased": ERASED_TEXT, ":none": [], ":at": at.isoformat()}
            expression = "SET attachments = :none, erased_at = :at"
            if item.get("text"):
                expression += ", #text = :erased"
            if str(item["sk"]).startswith(REQUEST_PREFIX):
                kind = RequestType(str(item["type"]))
                fields = dict(item.get("fields") or {})
                values[":fields"] = {name: value for name, value in fields.items() if name in kept(kind)}
                values[":history"] = [
                    {**entry, "comment": ERASED_TEXT}
                    if entry.get("consumer_action") and entry.get("comment")
                    else entry
                    for entry in item.get("history") or ()
                ]
                expression += ", #fields = :fields, history = :history REMOVE email"
            names = {name: name[1:] for name in ("#text", "#fields") if name in expression}
            self._table.update(key, expression, values=values, names=names or None)
            written += 1
        return written
