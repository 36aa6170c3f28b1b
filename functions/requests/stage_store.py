"""The marks of a connection's stages in the requests table (store.py's table and keys): a mark is
appended to the request's `stages` list with its history entry, the status it moves the request to
(if any) and what it owes (the outbox entry), in one transaction pinned to the request as read."""

from dataclasses import replace

from botocore.exceptions import ClientError

from functions.common.dynamo import Table, cancellation_reasons
from functions.common.outbox import OutboxEntry, outbox_put
from functions.requests.records import StatusMove, StoredRequest, StoredStageMark, request_of
from functions.requests.retention import expires_on_closing
from functions.requests.settings import request_settings
from functions.requests.store import RequestMoved, entry_item, owed_by, request_key


def mark_item(mark: StoredStageMark) -> dict[str, str]:
    item = {"code": mark.code, "on": mark.on.isoformat(), "at": mark.at.isoformat(), "by": mark.by}
    if mark.message:
        item["message"] = mark.message
    return item


class StageStore:
    def __init__(self) -> None:
        self._table = Table(request_settings().requests_table)

    def mark(
        self, request: StoredRequest, mark: StoredStageMark, move: StatusMove, closes: bool, owed: OutboxEntry
    ) -> StoredRequest:
        """Appends `mark` and `move`'s entry (its status may be the request's own: then only the
        history and the time change). RequestMoved (with the request as it is now) when the request
        is not as read: its status, its counter of events or its address."""
        counted, pinned, values = owed_by(request, owed)
        expression = (
            "SET #status = :status, status_changed_at = :changed, updated_at = :at, "
            "history = list_append(history, :entry), "
            "stages = list_append(if_not_exists(stages, :none), :mark), "
            f"{counted}"
        )
        changed = move.at if move.status != move.expected else request.status_changed_at
        if closes:  # a closed request is kept as long as the retention table says (retention.py)
            expression += ", expires_at = :expires"
            values = {
                **values,
                ":expires": expires_on_closing(request.type, (*request.stages, mark), move.at),
            }
        update = self._table.update_action(
            request_key(request.user_id, request.request_id),
            f"{expression} REMOVE awaiting_answer, awaiting_since" if closes else expression,
            condition=f"#status = :expected AND {pinned}",
            names={"#status": "status"},
            values={
                **values,
                ":status": move.status.value,
                ":changed": changed.isoformat(),
                ":at": move.at.isoformat(),
                ":entry": [entry_item(move.entry)],
                ":mark": [mark_item(mark)],
                ":none": [],
                ":expected": move.expected.value,
            },
            old_on_failure=True,
        )
        try:
            self._table.transact([update, outbox_put(owed)])
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if not reasons or reasons[0].code != "ConditionalCheckFailed":
                raise
            now = reasons[0].item
            raise RequestMoved(request_of(now) if now else None) from None
        moved = move.applied(request, closes=closes)
        return replace(
            moved,
            status_changed_at=changed,
            stages=(*request.stages, mark),
            event_seq=int(values[":seq"]),
        )
