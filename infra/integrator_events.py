"""`GET /_local/events`: the events for integrators the functions published on the portal's bus
(functions/common/events.py, docs/events.md), oldest first, as EventBridge delivers them to a rule's
target (the envelope: `source`, `detail-type`, `time`, `detail`, …).

moto's EventBridge keeps an event only when a rule matches it: infra/world.py gives the local bus one
rule that copies every event to a local queue, and this log drains that queue into memory.
"""

import json
import threading
from collections.abc import Callable, Iterable
from typing import Any

import boto3


class EventLog:
    def __init__(self, queue_url: str, region: str) -> None:
        self._queue_url = queue_url
        self._sqs = boto3.Session(region_name=region).client("sqs")
        self._lock = threading.Lock()
        self.events: list[dict[str, Any]] = []

    def collect(self) -> list[dict[str, Any]]:
        with self._lock:
            while True:
                messages = self._sqs.receive_message(
                    QueueUrl=self._queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
                ).get("Messages", [])
                if not messages:
                    break
                for message in messages:
                    self.events.append(json.loads(message["Body"]))
                    self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"])
            # Oldest first: a batch of a queue is not ordered.
            return sorted(self.events, key=lambda event: str(event.get("time", "")))

    def wsgi(self, app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        """`app` plus GET /_local/events."""
        from werkzeug.wrappers import Response

        def routed(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            if environ.get("PATH_INFO") != "/_local/events":
                return app(environ, start_response)
            body = json.dumps(self.collect(), ensure_ascii=False)
            return Response(body, content_type="application/json")(environ, start_response)

        return routed
