"""The ASKUE sync worker: SQS delivers batches of linked accounts; each is fetched and stored.

The accounts of a batch are fetched concurrently (a thread pool as large as the batch), since each
waits mostly on ASKUE. Failures are reported per message (`batchItemFailures`): SQS delivers only
those again, and after maxReceiveCount moves them to the dead-letter queue. One account's fault never
stops the others.
"""

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.askue import service
from functions.askue.readings import record_askue_readings

logger = Logger(service="askue-sync")


class ConcurrentBatchProcessor(BatchProcessor):
    """Powertools' BatchProcessor, with the records of a batch handled at the same time."""

    def process(self) -> list[tuple[Any, ...]]:
        if len(self.records) <= 1:
            return super().process()
        with ThreadPoolExecutor(max_workers=len(self.records), thread_name_prefix="askue-sync") as pool:
            return list(pool.map(self._process_record, self.records))


processor = ConcurrentBatchProcessor(event_type=EventType.SQS)


def sync_record(record: SQSRecord) -> str:
    user_id = str(json.loads(record.body)["user_id"])
    return service.sync_account(user_id, record_readings=record_askue_readings)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=sync_record, processor=processor, context=context
    )
