"""The ASKUE sync worker: SQS delivers batches of linked accounts; each is fetched and stored.

The accounts of a batch are fetched concurrently (a thread pool as large as the batch), since each
waits mostly on ASKUE; their writes are then made together, two calls for the batch (the meters'
marks, then the snapshots: `service.save_synced`) instead of two an account, which is most of the
worker's own CPU per account (benchmarks/askue_sync.py). Failures are reported per message
(`batchItemFailures`): SQS delivers only those again, and after maxReceiveCount moves them to the
dead-letter queue. One account's fault never stops the others; an account whose snapshot was written
is never reported failed, so each sync ends with exactly one snapshot.
"""

import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field

from functions.askue import service
from functions.askue.models import StoredLink
from functions.askue.readings import record_askue_readings
from functions.common.metrics import BusinessMetric, count
from functions.common.settings import load_settings
from functions.common.tracing import tracer

logger = Logger()


# The SQS event source's BatchSize (template.yaml): one thread per account of a batch. The pool lives
# as long as the Lambda environment, so a batch does not pay for starting its threads.
BATCH_SIZE = 10
_pool = ThreadPoolExecutor(max_workers=BATCH_SIZE, thread_name_prefix="askue-sync")


processor = BatchProcessor(event_type=EventType.SQS)
# The AskueSyncs metric's Outcome of each end of a sync (a skipped one, no link left, is not a sync).
SYNC_OUTCOMES = {"synced": "synced", "rejected": "credentials_refused"}


class WorkerSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    # The AskueSyncQueue's maxReceiveCount (template.yaml): the attempt after which SQS dead-letters.
    askue_sync_max_receives: int = Field(ge=1)


def _last_attempt(record: SQSRecord) -> bool:
    received = int(record.attributes.approximate_receive_count or "1")
    limit: int = load_settings(WorkerSettings).askue_sync_max_receives
    return received >= limit


def _failed_for_good(record: SQSRecord) -> None:
    """Integrators hear of a sync that failed for good (its last attempt), not of each attempt: its
    event is written through the outbox with the consumer's count of failures
    (service.record_failed_for_good). When that write fails too (the record goes to the dead-letter
    queue all the same), the event is lost: logged and counted (EventsFailed), and the dead-letter
    queue's alarm tells of the sync."""
    try:
        user_id = _user_id(record.body)
    except (ValueError, KeyError, TypeError):
        return  # no account to name: only the dead-letter queue's alarm tells of it
    if not _last_attempt(record):
        return
    try:
        service.record_failed_for_good(user_id)
    except Exception:
        logger.exception("askue sync failed for good, its event not written", extra={"user_id": user_id})
        count(BusinessMetric.EVENTS_FAILED)


def _user_id(body: str) -> str:
    return str(json.loads(body)["user_id"])


def _sync_batch(records: list[dict[str, Any]], links: Mapping[str, StoredLink]) -> dict[str, str | Exception]:
    """Each record's outcome (or what failed it), by message id: the batch's accounts fetched at the
    same time (each waits mostly on ASKUE; an account named twice is fetched once), then written
    together (`service.save_synced`: two calls for the batch). A record naming no account has none."""
    user_of: dict[str, str] = {}
    for record in records:
        try:
            user_of[str(record["messageId"])] = _user_id(record.get("body", ""))
        except (ValueError, KeyError, TypeError):
            continue  # reported as this record's failure

    def fetch(user_id: str) -> service.Fetched | str | Exception:
        try:
            return service.fetch_for_sync(user_id, record_readings=record_askue_readings, links=links)
        except Exception as error:
            return error

    users = list(dict.fromkeys(user_of.values()))
    outcomes: dict[str, str | Exception] = {}
    fetched: list[service.Fetched] = []
    for user_id, result in zip(users, _pool.map(fetch, users), strict=True):
        if isinstance(result, service.Fetched):
            fetched.append(result)
        else:
            outcomes[user_id] = result
    for user_id, failure in service.save_synced(fetched).items():
        outcomes[user_id] = failure if failure is not None else "synced"
    return {message: outcomes[user_id] for message, user_id in user_of.items()}


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    records: list[dict[str, Any]] = event.get("Records", [])
    # One BatchGetItem for the whole batch's links instead of one read per account.
    user_ids = []
    for record in records:
        try:
            user_ids.append(_user_id(record.get("body", "")))
        except (ValueError, KeyError, TypeError):
            continue  # reported as this record's failure below
    outcomes = _sync_batch(records, service.links_for(user_ids))

    def sync_record(record: SQSRecord) -> str:
        try:
            outcome = outcomes.get(record.message_id)
            if outcome is None:
                _user_id(record.body)  # raises: the message names no account
                raise ValueError("no outcome for the record")
            if isinstance(outcome, Exception):
                raise outcome
        except Exception:
            count(BusinessMetric.ASKUE_SYNCS, Outcome="failed")  # retried, then dead-lettered
            _failed_for_good(record)
            raise
        if outcome in SYNC_OUTCOMES:
            count(BusinessMetric.ASKUE_SYNCS, Outcome=SYNC_OUTCOMES[outcome])
        return outcome

    return process_partial_response(
        event=event, record_handler=sync_record, processor=processor, context=context
    )
