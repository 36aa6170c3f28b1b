"""The template's non-API events on this machine: EventBridge schedules and SQS event sources.

What AWS does between a schedule or a queue and a function, done here in threads of the local
stack: a schedule (`Events: Type: Schedule`) invokes its function with a Scheduled Event every
`rate(…)` (or as often as the local stack asks, for a demo); an SQS event source
(`Events: Type: SQS`) polls its queue, invokes the function with up to BatchSize records in the
real event shape, deletes the messages that succeeded and leaves the ones reported in
`batchItemFailures` (or all of them, when the function fails) to be received again, so that after
the queue's maxReceiveCount SQS moves them to the dead-letter queue. Locally a failed message
becomes visible again after `retry_after` seconds instead of the queue's VisibilityTimeout, so a
retry happens while a person (or a test) is watching.
"""

import hashlib
import json
import re
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3

from infra.lambda_runtime import LambdaContext, load_handler
from infra.template import load_template, resolve, resources
from infra.world import ACCOUNT_ID, World

_RATE = re.compile(r"\Arate\((\d+) (minute|minutes|hour|hours|day|days)\)\Z")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> float:
    """Seconds between runs of an EventBridge `rate(…)` expression."""
    match = _RATE.match(expression.strip())
    if match is None:
        raise ValueError(f"only rate(…) schedules run locally, not {expression!r}")
    return float(int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")])


def _function_timeout_ms(template: Mapping[str, Any], props: Mapping[str, Any]) -> int:
    default = template.get("Globals", {}).get("Function", {}).get("Timeout", 3)
    return int(props.get("Timeout", default)) * 1000


@dataclass(frozen=True)
class ScheduleSource:
    function: str
    handler: str
    expression: str
    timeout_ms: int


@dataclass(frozen=True)
class QueueSource:
    function: str
    handler: str
    queue: str  # logical id
    queue_url: str
    queue_arn: str
    batch_size: int
    reports_failures: bool
    timeout_ms: int


def schedule_sources(world: World, template: Mapping[str, Any] | None = None) -> list[ScheduleSource]:
    template = template or load_template()
    found = []
    for name, function in resources(template, "AWS::Serverless::Function").items():
        props = function["Properties"]
        for event in props.get("Events", {}).values():
            if event.get("Type") == "Schedule":
                expression = str(resolve(event["Properties"]["Schedule"], world.lookup))
                found.append(
                    ScheduleSource(name, props["Handler"], expression, _function_timeout_ms(template, props))
                )
    return found


def queue_sources(world: World, template: Mapping[str, Any] | None = None) -> list[QueueSource]:
    template = template or load_template()
    found = []
    for name, function in resources(template, "AWS::Serverless::Function").items():
        props = function["Properties"]
        for event in props.get("Events", {}).values():
            if event.get("Type") != "SQS":
                continue
            spec = event["Properties"]
            queue = str(spec["Queue"]["Fn::GetAtt"][0])
            found.append(
                QueueSource(
                    function=name,
                    handler=props["Handler"],
                    queue=queue,
                    queue_url=world.refs[queue],
                    queue_arn=world.attributes[(queue, "Arn")],
                    batch_size=int(spec.get("BatchSize", 10)),
                    reports_failures="ReportBatchItemFailures" in spec.get("FunctionResponseTypes", []),
                    timeout_ms=_function_timeout_ms(template, props),
                )
            )
    return found


def scheduled_event(source: ScheduleSource, region: str, at: datetime | None = None) -> dict[str, Any]:
    """What EventBridge passes to a scheduled function."""
    moment = (at or datetime.now(UTC)).replace(microsecond=0)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": moment.isoformat().replace("+00:00", "Z"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{ACCOUNT_ID}:rule/{source.function}-Schedule"],
        "detail": {},
    }


def _lambda_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """SQS's message attributes (StringValue, DataType) as Lambda spells them (stringValue, dataType)."""
    return {
        name: {
            "stringValue": value.get("StringValue"),
            "binaryValue": value.get("BinaryValue"),
            "stringListValues": value.get("StringListValues", []),
            "binaryListValues": value.get("BinaryListValues", []),
            "dataType": value.get("DataType"),
        }
        for name, value in attributes.items()
    }


def sqs_event(messages: Iterable[Mapping[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """What Lambda's SQS event source passes to a function: one record per received message."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": dict(message.get("Attributes", {})),
                "messageAttributes": _lambda_attributes(message.get("MessageAttributes", {})),
                "md5OfBody": message.get("MD5OfBody")
                or hashlib.md5(message["Body"].encode(), usedforsecurity=False).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


@dataclass
class Delivery:
    """One invocation of a queue's function: how many records, how many were left for redelivery."""

    records: int
    failed: int
    seconds: float = 0.0  # inside the function (what Lambda bills), without the polling around it


@dataclass
class LocalEvents:
    """Runs the schedules and feeds the queues of template.yaml to their functions, in threads."""

    world: World
    every: Mapping[str, float] = field(default_factory=dict)  # function → seconds, instead of its rate
    retry_after: int | None = 5
    wait_seconds: int = 1
    log: Callable[[str], None] = print
    _stopping: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.schedules = {source.function: source for source in schedule_sources(self.world)}
        self.queues = {source.function: source for source in queue_sources(self.world)}
        self._sqs = boto3.client("sqs", region_name=self.world.region)

    def interval(self, function: str) -> float:
        source = self.schedules[function]
        return self.every.get(function) or rate_seconds(source.expression)

    # ------------------------------------------------------------------ schedules
    def fire(self, function: str) -> Any:
        """Runs a schedule now, as EventBridge would at its time; returns the function's result."""
        source = self.schedules[function]
        return load_handler(source.handler)(
            scheduled_event(source, self.world.region), LambdaContext(function, timeout_ms=source.timeout_ms)
        )

    def _run_schedule(self, function: str) -> None:
        while not self._stopping.wait(self.interval(function)):
            try:
                self.fire(function)
            except Exception:
                self.log(f"{function}: scheduled run failed\n{traceback.format_exc()}")

    # ------------------------------------------------------------------ queues
    def poll(self, function: str, wait_seconds: int | None = None) -> Delivery | None:
        """Receives one batch (up to BatchSize) and delivers it; None when the queue had nothing."""
        source = self.queues[function]
        received = self._sqs.receive_message(
            QueueUrl=source.queue_url,
            MaxNumberOfMessages=source.batch_size,
            WaitTimeSeconds=self.wait_seconds if wait_seconds is None else wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = received.get("Messages", [])
        if not messages:
            return None
        return self.deliver(source, messages)

    def deliver(self, source: QueueSource, messages: Sequence[Mapping[str, Any]]) -> Delivery:
        event = sqs_event(messages, source.queue_arn, self.world.region)
        by_id = {message["MessageId"]: message for message in messages}
        handler = load_handler(source.handler)
        began = time.perf_counter()
        try:
            result = handler(event, LambdaContext(source.function, timeout_ms=source.timeout_ms))
            reported = (result or {}).get("batchItemFailures", []) if source.reports_failures else []
            failed = {str(item["itemIdentifier"]) for item in reported}
        except Exception:
            # A failed invocation: Lambda leaves the whole batch on the queue.
            self.log(f"{source.function}: batch failed\n{traceback.format_exc()}")
            failed = set(by_id)
        seconds = time.perf_counter() - began
        succeeded = [message for key, message in by_id.items() if key not in failed]
        if succeeded:
            self._sqs.delete_message_batch(
                QueueUrl=source.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(succeeded)
                ],
            )
        if failed and self.retry_after is not None:
            self._sqs.change_message_visibility_batch(
                QueueUrl=source.queue_url,
                Entries=[
                    {
                        "Id": str(i),
                        "ReceiptHandle": by_id[key]["ReceiptHandle"],
                        "VisibilityTimeout": self.retry_after,
                    }
                    for i, key in enumerate(failed)
                ],
            )
        return Delivery(records=len(messages), failed=len(failed), seconds=seconds)

    def drain(self, function: str, *, timeout: float = 60.0) -> list[Delivery]:
        """Delivers batches until the queue gives nothing (tests, benchmarks); failures stay queued."""
        deliveries: list[Delivery] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            delivery = self.poll(function, wait_seconds=0)
            if delivery is None:
                return deliveries
            deliveries.append(delivery)
        raise TimeoutError(f"{function}'s queue still had messages after {timeout} s")

    def _run_queue(self, function: str) -> None:
        while not self._stopping.is_set():
            try:
                self.poll(function)
            except Exception:
                self.log(f"{function}: polling failed\n{traceback.format_exc()}")
                self._stopping.wait(1)

    def queue_depths(self) -> dict[str, dict[str, int]]:
        """Messages waiting, in flight and dead-lettered, per queue (the local /_local/queues)."""
        depths: dict[str, dict[str, int]] = {}
        for source in self.queues.values():
            attributes = self._sqs.get_queue_attributes(
                QueueUrl=source.queue_url,
                AttributeNames=[
                    "ApproximateNumberOfMessages",
                    "ApproximateNumberOfMessagesNotVisible",
                    "RedrivePolicy",
                ],
            )["Attributes"]
            dead = 0
            redrive = attributes.get("RedrivePolicy")
            if redrive:
                name = json.loads(redrive)["deadLetterTargetArn"].rsplit(":", 1)[-1]
                url = self._sqs.get_queue_url(QueueName=name)["QueueUrl"]
                dead = int(
                    self._sqs.get_queue_attributes(
                        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
                    )["Attributes"]["ApproximateNumberOfMessages"]
                )
            depths[source.queue] = {
                "waiting": int(attributes["ApproximateNumberOfMessages"]),
                "in_flight": int(attributes["ApproximateNumberOfMessagesNotVisible"]),
                "dead_lettered": dead,
            }
        return depths

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "LocalEvents":
        for function in self.schedules:
            self._spawn(self._run_schedule, function)
        for function in self.queues:
            self._spawn(self._run_queue, function)
        return self

    def _spawn(self, target: Callable[[str], None], function: str) -> None:
        thread = threading.Thread(target=target, args=(function,), name=f"events-{function}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=5)

    # ------------------------------------------------------------------ HTTP
    def wsgi(self, app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        """`app` plus two local-only routes: POST /_local/schedule/<Function> runs a schedule now;
        GET /_local/queues shows the queues' depths."""
        from werkzeug.wrappers import Request, Response

        def routed(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            request = Request(environ)
            if request.path.startswith("/_local/schedule/") and request.method == "POST":
                function = request.path.rsplit("/", 1)[-1]
                if function not in self.schedules:
                    response = Response("no such schedule", status=404)
                else:
                    result = self.fire(function)
                    response = Response(json.dumps(result), content_type="application/json")
            elif request.path == "/_local/queues":
                response = Response(json.dumps(self.queue_depths()), content_type="application/json")
            else:
                return app(environ, start_response)
            return response(environ, start_response)

        return routed
