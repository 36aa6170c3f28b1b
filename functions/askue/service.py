"""ASKUE rules: fetch on demand, remember and forget the link, the latest data, and the sync.

A fetch that fails stores nothing: good data is never erased or overwritten by a failure. Wrong
credentials during the sync mark the link (state credentials_rejected, with its time), take it off the
schedule and mail the consumer once. A sync that failed for good (credentials refused, or every
attempt failed) owes portal.askue.sync.failed.v1, numbered among the consumer's: the event (and the
mail) are written through the outbox (functions/common/outbox.py) in the transaction that records
the failure, so neither is lost whatever SQS and EventBridge do at that moment.
"""

import json
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from aws_lambda_powertools import Logger

from functions.askue import mails
from functions.askue.connectors import AskueConnector, configured_connector
from functions.askue.crypto import decrypt_password, encrypt_password
from functions.askue.http import AskueCredentialsRejected, AskueError, AskueUnavailable
from functions.askue.models import (
    AskueRow,
    FetchOutput,
    FetchRequest,
    LatestOutput,
    LinkOutput,
    Snapshot,
    StoredLink,
)
from functions.askue.readings import mark_askue_meters, mark_many_askue_meters
from functions.askue.settings import askue_settings, planner_settings
from functions.askue.store import SYNC_SHARDS, AskueStore
from functions.askue.xml80020 import superseded
from functions.common import events
from functions.common.aws import sqs
from functions.common.caller import Caller
from functions.common.clock import now
from functions.common.dynamo import Unwritten
from functions.common.errors import DomainError, ExternalBadData, ExternalTimeout, TryLater, invalid_field
from functions.common.mail import NoticeJob
from functions.common.outbox import OutboxEntry, outbox_put
from functions.common.settings import portal_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

logger = Logger()

CREDENTIALS_REJECTED = "АСКУЭ не приняла идентификатор или пароль. Проверьте их и повторите попытку."

SyncOutcome = Literal["synced", "rejected", "skipped"]
ReadingsRecorder = Callable[[str, list[AskueRow]], None]


def _store() -> AskueStore:
    return AskueStore(askue_settings().askue_table)


def _refusal(error: AskueError) -> DomainError:
    """What the consumer is told when ASKUE did not give the data."""
    if isinstance(error, AskueCredentialsRejected):
        return invalid_field("password", CREDENTIALS_REJECTED)
    if isinstance(error, AskueUnavailable):
        if error.timed_out:
            return ExternalTimeout(
                "АСКУЭ недоступна",
                "АСКУЭ не ответила вовремя. Данные не получены; повторите попытку через несколько минут.",
            )
        return TryLater(
            "АСКУЭ недоступна",
            "Нет связи с АСКУЭ. Данные не получены; повторите попытку через несколько минут.",
        )
    # AskueBadData: ASKUE answered with something the portal refuses to read.
    return ExternalBadData(
        "АСКУЭ вернула некорректные данные",
        "Ответ АСКУЭ не удалось прочитать, поэтому он не сохранён. Повторите попытку позже; "
        "если ошибка повторится, обратитесь в службу поддержки.",
    )


def fetch(caller: Caller, request: FetchRequest, connector: AskueConnector | None = None) -> FetchOutput:
    """Reads the consumer's meters from ASKUE now; remembers the credentials only when asked."""
    connector = connector or configured_connector()
    try:
        rows = connector.fetch_latest(request.login, request.password)
    except AskueError as error:
        logger.info("askue fetch refused", extra={"error_type": type(error).__name__})
        raise _refusal(error) from None
    fetched_at = now()
    # Encrypted before anything is written: KMS failing leaves nothing behind (tests/faults.py).
    ciphertext = encrypt_password(caller.user_id, request.password) if request.remember else None
    store = _store()
    rows = _kept_rows(store, caller.user_id, rows, connector)
    # Before the snapshot: marking again is harmless, so a write failing after it leaves no mark
    # missing (the retry marks again).
    mark_askue_meters(caller.user_id, rows)
    store.save_snapshot(
        caller.user_id, Snapshot(rows=rows, fetched_at=fetched_at, login=request.login, source="fetch")
    )
    if ciphertext is not None:
        store.save_link(
            StoredLink(
                user_id=caller.user_id,
                email=caller.email,
                login=request.login,
                password_ciphertext=ciphertext,
                state="active",
                linked_at=fetched_at,
            )
        )
    logger.info(
        "askue fetched",
        extra={"user_id": caller.user_id, "meters": len(rows), "remembered": request.remember},
    )
    return FetchOutput(rows=rows, fetched_at=fetched_at, remembered=request.remember)


def _kept_rows(
    store: AskueStore, user_id: str, rows: list[AskueRow], connector: AskueConnector
) -> list[AskueRow]:
    """Interval documents (80020) are numbered: a day's rows already held from a higher-numbered
    document (a corrected resend) are not replaced by a lower one that ASKUE sends later. Register
    totals carry no number: they always replace (and cost no read)."""
    if connector.registers:
        return rows
    previous, _ = store.latest_and_link(user_id)
    return superseded(previous.rows, rows) if previous is not None else rows


def latest(caller: Caller) -> LatestOutput:
    snapshot, link = _store().latest_and_link(caller.user_id)
    state = (
        LinkOutput(
            state=link["link_state"],
            login=link["login"],
            linked_at=link["linked_at"],
            rejected_at=link.get("rejected_at"),
        )
        if link
        else LinkOutput(state="none")
    )
    if snapshot is None:
        return LatestOutput(rows=[], link=state)
    return LatestOutput(
        rows=snapshot.rows, fetched_at=snapshot.fetched_at, source=snapshot.source, link=state
    )


def forget(caller: Caller) -> None:
    """Deletes the remembered credentials; the data already received stays."""
    _store().delete_link(caller.user_id)
    logger.info("askue link forgotten", extra={"user_id": caller.user_id})


# ---------------------------------------------------------------- the sync


# SendMessageBatch calls the planner has in flight at once. 100,000 accounts are 10,000 calls: one
# at a time, at 10-30 ms each on AWS, that is 100-300 s, the planner's whole Timeout (template.yaml);
# eight at a time, well under a minute. Memory stays one shard's user ids (README, "ASKUE sync").
PLANNER_SENDERS = 8


def plan_sync(batch_size: int = 10) -> int:
    """Queues every active link (read from the sparse index, shard by shard) in SendMessageBatch
    calls of `batch_size` (SQS takes at most 10 per call), `PLANNER_SENDERS` calls at a time."""
    settings = planner_settings()
    store = AskueStore(settings.askue_table)
    planned_at = now().isoformat()

    def send(users: list[str]) -> int:
        _send_batch(settings.askue_sync_queue_url, users, planned_at)
        return len(users)

    pending: list[str] = []
    in_flight: deque[Future[int]] = deque()
    queued = 0

    def settle(keep: int) -> None:
        nonlocal queued
        while len(in_flight) > keep:
            queued += in_flight.popleft().result()  # raises the first failure, as one at a time did

    with ThreadPoolExecutor(max_workers=PLANNER_SENDERS, thread_name_prefix="askue-plan") as pool:
        for shard in range(SYNC_SHARDS):
            pending.extend(store.linked_accounts(shard))
            while len(pending) >= batch_size:
                in_flight.append(pool.submit(send, pending[:batch_size]))
                del pending[:batch_size]
                settle(2 * PLANNER_SENDERS)  # a bounded queue of sends: memory stays about one shard
        if pending:
            in_flight.append(pool.submit(send, pending))
        settle(0)
    logger.info("askue sync planned", extra={"accounts": queued})
    return queued


def _send_batch(queue_url: str, users: list[str], planned_at: str) -> None:
    entries = {
        str(i): json.dumps({"user_id": user, "planned_at": planned_at}) for i, user in enumerate(users)
    }
    for _ in range(3):
        result = sqs().send_message_batch(
            QueueUrl=queue_url, Entries=[{"Id": key, "MessageBody": body} for key, body in entries.items()]
        )
        failed = {entry["Id"] for entry in result.get("Failed", [])}
        entries = {key: body for key, body in entries.items() if key in failed}
        if not entries:
            return
    raise RuntimeError(f"{len(entries)} sync messages could not be queued")


def links_for(user_ids: list[str]) -> dict[str, StoredLink]:
    """The links of a batch of accounts, read at once."""
    return _store().get_links(user_ids)


@dataclass(frozen=True)
class Fetched:
    """One account of the sync, fetched (and its readings recorded): what is left to write."""

    user_id: str
    snapshot: Snapshot


def sync_account(
    user_id: str,
    connector: AskueConnector | None = None,
    record_readings: ReadingsRecorder | None = None,
    links: Mapping[str, StoredLink] | None = None,
) -> SyncOutcome:
    """Fetches one linked account and stores its snapshot (`fetch_for_sync`, then `save_synced`)."""
    fetched = fetch_for_sync(user_id, connector, record_readings, links)
    if not isinstance(fetched, Fetched):
        return fetched
    failure = save_synced([fetched])[user_id]
    if failure is not None:
        raise failure
    return "synced"


def fetch_for_sync(
    user_id: str,
    connector: AskueConnector | None = None,
    record_readings: ReadingsRecorder | None = None,
    links: Mapping[str, StoredLink] | None = None,
) -> Fetched | SyncOutcome:
    """Fetches one linked account; its snapshot is written by `save_synced` (with the batch's).

    `links` are the batch's links when the worker read them already (else the link is read here).
    Raises AskueUnavailable or AskueBadData (the message is retried, then dead-lettered); wrong
    credentials are an answer, not a fault: the link is marked and the consumer mailed once.
    """
    store = _store()
    link = links.get(user_id) if links is not None else store.get_link(user_id)
    if link is None or link.state != "active":
        logger.info("askue sync skipped: no active link", extra={"user_id": user_id})
        return "skipped"
    connector = connector or configured_connector()
    password = decrypt_password(user_id, link.password_ciphertext)
    try:
        rows = connector.fetch_latest(link.login, password)
    except AskueCredentialsRejected:
        _reject(store, link)
        return "rejected"
    fetched_at = now()
    rows = _kept_rows(store, user_id, rows, connector)
    # The readings first, the snapshot last: recording a reading again is harmless (STALE), so a
    # record that fails half-way (AWS failing) and is delivered again ends with each reading once
    # and one snapshot, not two (tests/faults.py).
    if connector.registers and record_readings is not None:
        record_readings(user_id, rows)
    return Fetched(user_id, Snapshot(rows=rows, fetched_at=fetched_at, login=link.login, source="sync"))


def save_synced(batch: Sequence[Fetched]) -> dict[str, Exception | None]:
    """The writes of a batch of fetched accounts, two calls for the whole batch instead of two an
    account: every account's meter marks in one BatchWriteItem (marking again is harmless), then,
    once they are all written, every snapshot in another. Per account, the failure that leaves it
    without its snapshot (None: written): an account whose snapshot is not written is retried, and
    one whose snapshot is written is not, so each sync ends with exactly one snapshot. The marks
    failing fail the whole batch (no snapshot is written before them)."""
    if not batch:
        return {}
    try:
        mark_many_askue_meters({fetched.user_id: fetched.snapshot.rows for fetched in batch})
    except Exception as error:
        return {fetched.user_id: error for fetched in batch}
    try:
        unwritten = _store().save_snapshots({fetched.user_id: fetched.snapshot for fetched in batch})
    except Exception as error:
        return {fetched.user_id: error for fetched in batch}
    for fetched in batch:
        if fetched.user_id not in unwritten:
            logger.info(
                "askue synced", extra={"user_id": fetched.user_id, "meters": len(fetched.snapshot.rows)}
            )
    return {
        fetched.user_id: Unwritten(askue_settings().askue_table) if fetched.user_id in unwritten else None
        for fetched in batch
    }


def _reject(store: AskueStore, link: StoredLink) -> None:
    """The mark of the link, its event and the consumer's mail in one transaction: owed exactly when
    the link is marked, once (a link marked already, replaced or gone owes nothing)."""
    at = now()
    subject, text = mails.credentials_rejected(link.login, at, portal_settings().portal_url)

    def owing(sequence: int) -> "TransactWriteItemTypeDef":
        failed = events.AskueSyncFailed(
            user_id=link.user_id, reason="credentials_refused", failed_at=at, sequence=sequence
        )
        notice = NoticeJob(to=link.email, subject=subject, text=text)
        return outbox_put(OutboxEntry.owing(mails=[notice], events=[failed]))

    if not store.mark_rejected(link.user_id, link.linked_at, at, owing):
        logger.info("askue credentials rejected again: already marked", extra={"user_id": link.user_id})
        return
    logger.info("askue credentials rejected: link marked", extra={"user_id": link.user_id})


def record_failed_for_good(user_id: str) -> None:
    """Every attempt of the account's sync failed (the worker's last, before the dead-letter queue):
    its portal.askue.sync.failed.v1 is written through the outbox with the one thing this failure
    records, the consumer's count of failures, in one transaction."""
    at = now()

    def owing(sequence: int) -> "TransactWriteItemTypeDef":
        failed = events.AskueSyncFailed(
            user_id=user_id, reason="attempts_exhausted", failed_at=at, sequence=sequence
        )
        return outbox_put(OutboxEntry.owing(events=[failed]))

    _store().record_failure(user_id, owing)
