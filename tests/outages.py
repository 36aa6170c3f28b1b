"""An AWS resource unavailable for a while, as an outage looks to the functions: a queue deleted
(every SendMessage and ReceiveMessage refused: QueueDoesNotExist) and then made again as it was, at
the same URL. Used against mock_aws (unit tests) and against the local stack's moto server."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# The attributes a queue of template.yaml is made with (infra/world.py) that CreateQueue takes back.
_KEPT = ("VisibilityTimeout", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds", "RedrivePolicy")


@contextmanager
def queue_outage(sqs: Any, url: str) -> Iterator[None]:
    """The queue at `url` is gone inside the block, then back as it was (empty: what it held is lost)."""
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    name = url.rstrip("/").rsplit("/", 1)[-1]
    sqs.delete_queue(QueueUrl=url)
    try:
        yield
    finally:
        made = sqs.create_queue(
            QueueName=name, Attributes={k: v for k, v in attributes.items() if k in _KEPT}
        )
        assert made["QueueUrl"] == url, (made["QueueUrl"], url)
