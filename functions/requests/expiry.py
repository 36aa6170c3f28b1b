"""RequestExpiryFunction: when DynamoDB's TTL deletes a closed request whose retention ended
(`expires_at`, set by the move that closed it: functions/requests/retention.py), the RequestsTable's
stream brings its last image (template.yaml's FilterCriteria: only REMOVEs made by DynamoDB's TTL
service, of `REQUEST#` items); this deletes what the request leaves — its files in S3 (the bucket's
lifecycle purges the deleted versions the next day), then its conversation's items and its uploads'
claims. A deletion by anyone else (a test, an operator) starts nothing.

Each step is idempotent and the files go first: a record whose deletion fails is reported
(`batchItemFailures`) and retried from it, as the outbox relay's are (functions/outbox/relay.py).
"""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.tracing import tracer
from functions.requests.erasure_store import ErasureStore, Leftovers
from functions.requests.files import UploadStore

logger = Logger()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
_S3_KEYS_A_CALL = 1000  # DeleteObjects takes at most this many


def remove_leftovers(request: dict[str, Any]) -> Leftovers:
    """Deletes what the expired request item `request` leaves, and says what it was. Raises when S3
    kept some file: nothing is forgotten then, and the retry finds them again."""
    store = ErasureStore()
    left_by = store.left_by_expired(request)
    files = left_by.files
    uploads = UploadStore()
    left = [
        key
        for start in range(0, len(files), _S3_KEYS_A_CALL)
        for key in uploads.discard(files[start : start + _S3_KEYS_A_CALL])
    ]
    if left:
        raise RuntimeError(f"{len(left)} files of expired request {left_by.request_id} not deleted")
    store.forget(left_by.items)
    return left_by


def _expired(record: DynamoDBRecord) -> None:
    change = record.dynamodb
    old = change.old_image if change is not None else None
    if not old:  # not a deletion with its last image: nothing to follow
        raise ValueError(f"stream record {record.event_id} has no old image")
    removed = remove_leftovers(dict(old))
    logger.info(
        "expired request's leftovers deleted",
        extra={"request_id": removed.request_id, "files": len(removed.files), "items": len(removed.items)},
    )


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=_expired, processor=processor, context=context
    )
