"""OutboxRelayFunction: the OutboxTable's stream (template.yaml: new items only, by its
FilterCriteria) delivers batches of new outbox items; each is relayed by `service.relay`.

Failures are reported per record (`batchItemFailures`, the record's sequence number): Lambda retries
from the first failed record (bisecting a batch whose invocation failed), at most
MaximumRetryAttempts times or for MaximumRecordAgeInSeconds, then sends the batch's description to
OutboxFailedQueue (its alarm) and goes on. The items themselves stay pending: OutboxSweeperFunction
relays them. One item's fault never stops the others of its batch.
"""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.tracing import tracer
from functions.outbox import service

logger = Logger()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def _relay(record: DynamoDBRecord) -> str:
    change = record.dynamodb
    if change is None:  # not a record of a table's change: nothing to relay
        raise ValueError(f"stream record {record.event_id} has no change")
    return service.relay_counted(str(change.keys["pk"]), by="stream")


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_relay, processor=processor, context=context)
