"""The ASKUE sync planner: an EventBridge schedule (template.yaml) runs it; it queues every active link."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.askue import service
from functions.common.tracing import tracer

logger = Logger()


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    logger.info("scheduled askue sync", extra={"scheduled_at": event.get("time")})
    return {"queued": service.plan_sync()}
