"""The template's non-API events on this machine: EventBridge schedules, SQS and DynamoDB stream
event sources.

What AWS does between a schedule, a queue or a stream and a function, done here in threads of the
local stack: a schedule (`Events: Type: Schedule`) invokes its function with a Scheduled Event every
`rate(…)` (or as often as the local stack asks, for a demo); an SQS event source
(`Events: Type: SQS`) polls its queue, invokes the function with up to BatchSize records in the
real event shape, deletes the messages that succeeded and leaves the ones reported in
`batchItemFailures` (or all of them, when the function fails) to be received again, so that after
the queue's maxReceiveCount SQS moves them to the dead-letter queue. Locally a failed message
becomes visible again after `retry_after` seconds instead of the queue's VisibilityTimeout, so a
retry happens while a person (or a test) is watching.

A DynamoDB stream event source (`Events: Type: DynamoDB`) reads the table's stream in moto
(`dynamodbstreams`: DescribeStream, GetShardIterator, GetRecords) from its StartingPosition, drops
the records its FilterCriteria do not match (`matches`: values, prefix, suffix, anything-but,
exists — what the template uses; any other operator is refused when the source is read), and
invokes the function with up to BatchSize records in Lambda's DynamoDB Streams event shape, in
order. The checkpoint moves past what succeeded; from the first record reported failed (every record
when the invocation failed) the batch is tried again `retry_after` seconds later — with half as many
records when the invocation failed and BisectBatchOnFunctionError is set — until
MaximumRetryAttempts retries or MaximumRecordAgeInSeconds, after which the batch's description
(shard, sequence numbers: not the records) goes to the DestinationConfig's OnFailure queue, as
Lambda sends it, and the stream moves on. Approximations: one shard (moto has one per table), a
batch is never waited for (MaximumBatchingWindowInSeconds), a bisected batch is retried as its first
half and then what follows (Lambda retries both halves), a retry counts towards the first failed
record only.
"""

import base64
import hashlib
import itertools
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
from botocore.config import Config

from infra.lambda_runtime import LambdaContext, load_handler
from infra.template import load_template, resolve, resources
from infra.world import ACCOUNT_ID, World

_RATE = re.compile(r"\Arate\((\d+) (minute|minutes|hour|hours|day|days)\)\Z")
# A daily cron (a minute and an hour, every day): locally every 24 hours from the start, not at its hour.
_DAILY_CRON = re.compile(r"\Acron\(\d{1,2} \d{1,2} \* \* \? \*\)\Z")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> float:
    """Seconds between runs of an EventBridge `rate(…)` expression, or of a daily `cron(m h * * ? *)`."""
    if _DAILY_CRON.match(expression.strip()):
        return float(_UNIT_SECONDS["day"])
    match = _RATE.match(expression.strip())
    if match is None:
        raise ValueError(f"only rate(…) and daily cron(…) schedules run locally, not {expression!r}")
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


@dataclass(frozen=True)
class StreamSource:
    function: str
    handler: str
    table: str  # logical id
    stream_arn: str
    starting_position: str  # TRIM_HORIZON or LATEST
    batch_size: int
    filters: tuple[Mapping[str, Any], ...]  # a record passes when it matches any (none: every record)
    reports_failures: bool
    bisect: bool
    max_retries: int  # -1: until the record expires
    max_record_age: int  # seconds; -1: until the record expires (24 hours in DynamoDB)
    on_failure: str | None  # the logical id of the OnFailure SQS queue
    on_failure_url: str | None
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


def stream_sources(world: World, template: Mapping[str, Any] | None = None) -> list[StreamSource]:
    template = template or load_template()
    found = []
    for name, function in resources(template, "AWS::Serverless::Function").items():
        props = function["Properties"]
        for event in props.get("Events", {}).values():
            if event.get("Type") != "DynamoDB":
                continue
            spec = event["Properties"]
            table, attribute = spec["Stream"]["Fn::GetAtt"]
            if attribute != "StreamArn":
                raise ValueError(f"{name}'s stream is not a table's StreamArn: {spec['Stream']}")
            filters = tuple(
                json.loads(f["Pattern"]) for f in spec.get("FilterCriteria", {}).get("Filters", [])
            )
            for pattern in filters:
                check_pattern(pattern)
            destination = spec.get("DestinationConfig", {}).get("OnFailure")
            queue = None
            if destination:
                if destination.get("Type", "SQS") != "SQS":
                    raise ValueError(f"{name}: only an SQS OnFailure destination is fed locally")
                queue = str(destination["Destination"]["Fn::GetAtt"][0])
            found.append(
                StreamSource(
                    function=name,
                    handler=props["Handler"],
                    table=str(table),
                    stream_arn=world.attributes[(str(table), "StreamArn")],
                    starting_position=str(spec["StartingPosition"]),
                    batch_size=int(spec.get("BatchSize", 100)),
                    filters=filters,
                    reports_failures="ReportBatchItemFailures" in spec.get("FunctionResponseTypes", []),
                    bisect=bool(spec.get("BisectBatchOnFunctionError", False)),
                    max_retries=int(spec.get("MaximumRetryAttempts", -1)),
                    max_record_age=int(spec.get("MaximumRecordAgeInSeconds", -1)),
                    on_failure=queue,
                    on_failure_url=world.refs[queue] if queue else None,
                    timeout_ms=_function_timeout_ms(template, props),
                )
            )
    return found


# ---------------------------------------------------------------- Lambda's event filtering

_MISSING = object()
_OPERATORS = frozenset({"prefix", "suffix", "anything-but", "exists"})


def check_pattern(pattern: Mapping[str, Any]) -> None:
    """Refuses a filter pattern `matches` cannot apply as Lambda would (an operator it does not know)."""
    for key, expected in pattern.items():
        if isinstance(expected, Mapping):
            check_pattern(expected)
        elif not isinstance(expected, list):
            raise ValueError(f"a filter's {key!r} must be a list of values or a nested pattern")
        else:
            for rule in expected:
                if isinstance(rule, Mapping) and (len(rule) != 1 or next(iter(rule)) not in _OPERATORS):
                    raise ValueError(f"filter operator {rule} is not fed locally (infra/events.py)")


def matches(pattern: Mapping[str, Any], value: Any) -> bool:
    """Whether `value` (a stream record in Lambda's shape) matches a FilterCriteria pattern: every key
    of the pattern matches (nested patterns recursively), a key's list matching when any of its rules
    does: a value equal to it, or {"prefix"}, {"suffix"}, {"anything-but"}, {"exists"}."""
    for key, expected in pattern.items():
        actual = value.get(key, _MISSING) if isinstance(value, Mapping) else _MISSING
        if isinstance(expected, Mapping):
            if not isinstance(actual, Mapping) or not matches(expected, actual):
                return False
        elif not any(_matches_rule(rule, actual) for rule in expected):
            return False
    return True


def _matches_rule(rule: Any, actual: Any) -> bool:
    if isinstance(rule, Mapping):
        ((operator, argument),) = rule.items()
        if operator == "exists":
            return (actual is not _MISSING) == bool(argument)
        if actual is _MISSING:
            return False
        if operator == "prefix":
            return isinstance(actual, str) and actual.startswith(argument)
        if operator == "suffix":
            return isinstance(actual, str) and actual.endswith(argument)
        if operator == "anything-but":
            return actual not in (argument if isinstance(argument, list) else [argument])
        raise ValueError(f"filter operator {operator!r} is not fed locally")
    if isinstance(actual, list):  # an array matches when any of its elements does
        return rule in actual
    return actual is not _MISSING and actual == rule


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


def _lambda_json(value: Any) -> Any:
    """DynamoDB's attribute values as Lambda's event carries them: binary as base64 text."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, Mapping):
        return {k: _lambda_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lambda_json(v) for v in value]
    return value


def stream_record(record: Mapping[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A record of GetRecords as Lambda's DynamoDB Streams event source passes it to a function."""
    change = {key: _lambda_json(value) for key, value in record["dynamodb"].items()}
    created = record["dynamodb"].get("ApproximateCreationDateTime")
    if isinstance(created, datetime):  # Lambda: whole seconds since the epoch
        change["ApproximateCreationDateTime"] = int(created.timestamp())
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": change,
        "eventSourceARN": stream_arn,
    }


def stream_event(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"Records": list(records)}


def _sequence(record: Mapping[str, Any]) -> str:
    return str(record["dynamodb"]["SequenceNumber"])


def _arrival(record: Mapping[str, Any]) -> str:
    seconds = record["dynamodb"].get("ApproximateCreationDateTime", 0)
    return datetime.fromtimestamp(float(seconds), UTC).isoformat().replace("+00:00", "Z")


@dataclass
class _StreamPosition:
    """Where a stream event source stands: the checkpoint (the last record done or dropped), the
    batch being retried and how often, the next batch's size (halved by a bisection)."""

    shard: str | None = None
    first: str | None = None  # the first record ever read (where a source that did nothing yet resumes)
    checkpoint: str | None = None
    iterator: str | None = None  # GetRecords' next iterator, while it still starts at the checkpoint
    failing: str | None = None  # the first failed record of the batch being retried
    attempts: int = 0
    batch_limit: int = 0
    retry_at: float = 0.0
    given_up: int = 0  # batches described on the OnFailure queue
    lock: threading.Lock = field(default_factory=threading.Lock)


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

    stream_poll_seconds: float = 0.5  # Lambda polls a shard four times a second
    _positions: dict[str, _StreamPosition] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.schedules = {source.function: source for source in schedule_sources(self.world)}
        self.queues = {source.function: source for source in queue_sources(self.world)}
        self.streams = {source.function: source for source in stream_sources(self.world)}
        self._sqs = boto3.client("sqs", region_name=self.world.region)
        # moto answers DynamoDB Streams at the regional endpoint, not the account's one botocore
        # would pick under mock_aws (with AWS_ENDPOINT_URL, the local stack's, neither is used).
        self._streams: Any = boto3.client(
            "dynamodbstreams",
            region_name=self.world.region,
            config=Config(account_id_endpoint_mode="disabled"),
        )
        for function, source in self.streams.items():
            self._positions[function] = _StreamPosition(batch_limit=source.batch_size)

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

    # ------------------------------------------------------------------ streams
    def poll_stream(self, function: str) -> Delivery | None:
        """Delivers the next batch of the function's stream (see the module's doc); None when there
        is nothing to deliver now (no new record passing the filters, or a retry not yet due)."""
        source, position = self.streams[function], self._positions[function]
        with position.lock:
            if time.monotonic() < position.retry_at:
                return None
            records = self._read_stream(source, position)
            batch, end = self._next_batch(source, position, records)
            if not batch:
                if end is not None:  # only records the filters drop: past them
                    position.checkpoint, position.iterator = end, None
                return None
            expired = self._expired(source, batch)
            if expired:  # Lambda does not invoke with a record past MaximumRecordAgeInSeconds
                self._give_up(source, position, batch[:expired], "RecordAgeExceeded")
                return Delivery(records=0, failed=expired)
            return self._invoke_stream(source, position, batch, end)

    def _read_stream(self, source: StreamSource, position: _StreamPosition) -> list[dict[str, Any]]:
        if position.shard is None:
            shards = self._streams.describe_stream(StreamArn=source.stream_arn)["StreamDescription"]["Shards"]
            position.shard = str(shards[0]["ShardId"])
        if position.iterator is None:
            start: dict[str, str]
            if position.checkpoint is not None:
                start = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": position.checkpoint}
            elif position.first is not None:  # nothing done yet since the first record read
                start = {"ShardIteratorType": "AT_SEQUENCE_NUMBER", "SequenceNumber": position.first}
            else:
                start = {"ShardIteratorType": source.starting_position}
            position.iterator = self._streams.get_shard_iterator(
                StreamArn=source.stream_arn, ShardId=position.shard, **start
            )["ShardIterator"]
        answer = self._streams.get_records(ShardIterator=position.iterator, Limit=1000)
        records = [stream_record(r, source.stream_arn, self.world.region) for r in answer["Records"]]
        if records:
            position.first = position.first or _sequence(records[0])
            # What is not done is read again from the checkpoint (an iterator cannot be wound back).
            position.iterator = None
        else:
            position.iterator = answer.get("NextShardIterator")
        return records

    @staticmethod
    def _next_batch(
        source: StreamSource, position: _StreamPosition, records: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], str | None]:
        """The records of the next invocation (those passing the filters, at most the batch size) and
        the last record it accounts for (dropped records included)."""
        batch: list[dict[str, Any]] = []
        end = None
        for record in records:
            passes = not source.filters or any(matches(pattern, record) for pattern in source.filters)
            if passes and len(batch) == position.batch_limit:
                break
            if passes:
                batch.append(record)
            end = _sequence(record)
        return batch, end

    @staticmethod
    def _expired(source: StreamSource, batch: list[dict[str, Any]]) -> int:
        if source.max_record_age < 0:
            return 0
        oldest = time.time() - source.max_record_age
        return sum(
            1
            for _ in itertools.takewhile(
                lambda r: float(r["dynamodb"].get("ApproximateCreationDateTime", 0)) < oldest, batch
            )
        )

    def _invoke_stream(
        self, source: StreamSource, position: _StreamPosition, batch: list[dict[str, Any]], end: str | None
    ) -> Delivery:
        handler = load_handler(source.handler)
        began = time.perf_counter()
        raised = False
        try:
            result = handler(
                stream_event(batch), LambdaContext(source.function, timeout_ms=source.timeout_ms)
            )
            reported = (result or {}).get("batchItemFailures", []) if source.reports_failures else []
            failed = {str(item["itemIdentifier"]) for item in reported}
        except Exception:
            self.log(f"{source.function}: batch failed\n{traceback.format_exc()}")
            raised = True
            failed = {_sequence(record) for record in batch}
        seconds = time.perf_counter() - began
        if not failed:
            position.checkpoint, position.failing, position.attempts = end, None, 0
            position.batch_limit = source.batch_size
            return Delivery(records=len(batch), failed=0, seconds=seconds)
        # A failure naming no record of the batch (not a sequence number) fails it from its start.
        first = next((n for n, record in enumerate(batch) if _sequence(record) in failed), 0)
        if first:  # what came before the first failure is done
            position.checkpoint = _sequence(batch[first - 1])
        position.iterator = None
        head = _sequence(batch[first])
        position.attempts = position.attempts + 1 if position.failing == head else 1
        position.failing = head
        if raised and source.bisect:
            position.batch_limit = max(1, len(batch) // 2)
        if 0 <= source.max_retries < position.attempts:
            self._give_up(source, position, batch[first:], "RetryAttemptsExhausted")
        else:
            position.retry_at = time.monotonic() + (self.retry_after or 0)
        return Delivery(records=len(batch), failed=len(failed), seconds=seconds)

    def _give_up(
        self, source: StreamSource, position: _StreamPosition, records: list[dict[str, Any]], condition: str
    ) -> None:
        """Past these records, with their description on the OnFailure queue (Lambda's shape)."""
        if source.on_failure_url is not None:
            self._sqs.send_message(
                QueueUrl=source.on_failure_url,
                MessageBody=json.dumps(self._failure_record(source, position, records, condition)),
            )
        self.log(f"{source.function}: gave up on {len(records)} stream record(s): {condition}")
        position.checkpoint, position.iterator = _sequence(records[-1]), None
        position.failing, position.attempts, position.batch_limit = None, 0, source.batch_size
        position.given_up += 1

    def _failure_record(
        self, source: StreamSource, position: _StreamPosition, records: list[dict[str, Any]], condition: str
    ) -> dict[str, Any]:
        return {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": f"arn:aws:lambda:{self.world.region}:{ACCOUNT_ID}:function:{source.function}",
                "condition": condition,
                "approximateInvokeCount": position.attempts,
            },
            "responseContext": {
                "statusCode": 200,
                "executedVersion": "$LATEST",
                "functionError": "Unhandled",
            },
            "version": "1.0",
            "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "DDBStreamBatchInfo": {
                "shardId": position.shard,
                "startSequenceNumber": _sequence(records[0]),
                "endSequenceNumber": _sequence(records[-1]),
                "approximateArrivalOfFirstRecord": _arrival(records[0]),
                "approximateArrivalOfLastRecord": _arrival(records[-1]),
                "batchSize": len(records),
                "streamArn": source.stream_arn,
            },
        }

    def drain_stream(self, function: str, *, timeout: float = 60.0) -> list[Delivery]:
        """Delivers batches until the stream has nothing to deliver now (tests): a retry not yet due
        ends it too."""
        deliveries: list[Delivery] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            delivery = self.poll_stream(function)
            if delivery is None:
                return deliveries
            deliveries.append(delivery)
        raise TimeoutError(f"{function}'s stream still had records after {timeout} s")

    def _run_stream(self, function: str) -> None:
        while not self._stopping.is_set():
            try:
                delivery = self.poll_stream(function)
            except Exception:
                self.log(f"{function}: stream polling failed\n{traceback.format_exc()}")
                delivery = None
            if delivery is None:
                self._stopping.wait(self.stream_poll_seconds)

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
        # A stream's OnFailure queue: the batches it gave up on (their items wait for the sweeper).
        for stream in self.streams.values():
            if stream.on_failure is None or stream.on_failure_url is None:
                continue
            attributes = self._sqs.get_queue_attributes(
                QueueUrl=stream.on_failure_url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            depths[stream.on_failure] = {
                "waiting": int(attributes["ApproximateNumberOfMessages"]),
                "in_flight": int(attributes["ApproximateNumberOfMessagesNotVisible"]),
                "dead_lettered": 0,
            }
        return depths

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "LocalEvents":
        for function in self.schedules:
            self._spawn(self._run_schedule, function)
        for function in self.queues:
            self._spawn(self._run_queue, function)
        for function in self.streams:
            self._spawn(self._run_stream, function)
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
        GET /_local/queues shows the queues' depths (a stream's OnFailure queue among them)."""
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
