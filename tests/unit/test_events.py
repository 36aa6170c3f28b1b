"""Events for integrators (functions/common/events.py, docs/events.md): each business event is put on
the template's bus with exactly the documented detail and no personal data, one PutEvents per change
— a request's by the outbox's relay, from the entry its change wrote (tests/unit/test_request_outbox.py);
a PutEvents that fails is logged and counted and never raises."""

import json
import re
from datetime import datetime
from typing import Any

import boto3
import jsonschema
import pytest

from functions.common.events import EVENTS, SOURCE
from infra.events import LocalEvents
from infra.events_doc import DOC, documented_schemas, render
from infra.template import load_template, resources
from infra.world import World
from tests.aws_calls import AwsCallRecorder
from tests.faults import failing_where
from tests.unit.askue_support import askue, simulator
from tests.unit.conftest import relay_outbox
from tests.unit.test_askue_sync import PLANNER, WORKER, events, remember
from tests.unit.test_readings import ME, single, submit
from tests.unit.test_request_conversation import company_writes, env, filed, withdraw, write
from tests.unit.test_requests import clock, detail, move

__all__ = ["askue", "clock", "env", "events", "simulator"]

SCHEMAS = documented_schemas(DOC.read_text(encoding="utf-8"))
# What an event must never carry (152-ФЗ): an address, a name, the text of a message.
_PERSONAL = re.compile(r"@|Иван|Фото|Вопрос|Передумал|ул\.|Москва", re.IGNORECASE)


def published(world: World, *, distinct: bool = True) -> list[dict[str, Any]]:
    """Every event put on the bus since the last call (the local rule copies each to a queue), each
    checked against docs/events.md; `distinct`: each a different event (its own event_id)."""
    sqs = boto3.client("sqs")
    found = []
    while messages := sqs.receive_message(QueueUrl=world.events_queue_url, MaxNumberOfMessages=10).get(
        "Messages", []
    ):
        for message in messages:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=world.events_queue_url, ReceiptHandle=message["ReceiptHandle"])
    ids = [event["detail"]["event_id"] for event in found]
    assert not distinct or len(set(ids)) == len(ids), "two events with one event_id"
    for event in found:
        assert event["source"] == SOURCE
        jsonschema.validate(event["detail"], SCHEMAS[event["detail-type"]])
        for name, value in event["detail"].items():
            if name.endswith("_at"):
                assert datetime.fromisoformat(value).tzinfo is not None, (name, value)
        assert not _PERSONAL.search(json.dumps(event["detail"], ensure_ascii=False)), event
    return sorted(found, key=lambda event: event["time"])


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [event["detail-type"] for event in events]


def relayed(world: World) -> list[dict[str, Any]]:
    """The events the changes since the last call owe, once the outbox's relay put them (`published`)."""
    relay_outbox(world)
    return published(world)


# ---------------------------------------------------------------- the schema and its document


def test_the_document_is_generated_from_the_models() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), "docs/events.md drifted: run `make events-doc`"
    assert set(SCHEMAS) == {event.DETAIL_TYPE for event in EVENTS}
    for event in EVENTS:
        assert re.fullmatch(r"portal(\.[a-z]+)+\.v\d+", event.DETAIL_TYPE)
        assert SCHEMAS[event.DETAIL_TYPE]["additionalProperties"] is False


def test_the_bus_is_the_template_s_and_only_the_publishing_functions_may_put_on_it_only() -> None:
    template = load_template()
    [bus] = resources(template, "AWS::Events::EventBus")
    assert template["Globals"]["Function"]["Environment"]["Variables"]["EVENT_BUS_NAME"] == {"Ref": bus}
    granted = {}
    for name, function in resources(template, "AWS::Serverless::Function").items():
        for policy in function["Properties"].get("Policies", []):
            for statement in policy.get("Statement", []):
                actions = (
                    statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                )
                if any(action.startswith("events:") for action in actions):
                    assert actions == ["events:PutEvents"], name
                    granted[name] = statement["Resource"]
    publishers = [
        # What the others owe through the outbox (functions/common/outbox.py), relayed.
        "OutboxRelayFunction",
        "OutboxSweeperFunction",
    ]
    assert granted == {name: {"Fn::GetAtt": [bus, "Arn"]} for name in publishers}
    worker = resources(template, "AWS::Serverless::Function")["AskueSyncWorkerFunction"]
    queue = resources(template, "AWS::SQS::Queue")["AskueSyncQueue"]
    assert (
        worker["Properties"]["Environment"]["Variables"]["ASKUE_SYNC_MAX_RECEIVES"]
        == (queue["Properties"]["RedrivePolicy"]["maxReceiveCount"])
    )


# ---------------------------------------------------------------- each business event


def test_a_filed_request_is_published_with_its_id_number_type_and_status(env: World) -> None:
    request_id = filed("meter_admission")
    [event] = relayed(env)

    assert event["detail-type"] == "portal.request.filed.v1"
    _, shown = detail(request_id)
    assert event["detail"] == {
        "event_id": event["detail"]["event_id"],
        "request_id": request_id,
        "number": shown["number"],
        "sequence": 1,
        "type": "meter_admission",
        "status": "registered",
        "filed_at": event["detail"]["filed_at"],
        "feed_sequence": 1,  # its number in the change feed (functions/common/changes.py)
    }
    assert datetime.fromisoformat(event["detail"]["filed_at"]) == datetime.fromisoformat(shown["created_at"])


def test_a_status_change_and_the_company_s_answer_are_published(env: World) -> None:
    request_id = filed()
    relayed(env)

    assert move(request_id, {"status": "in_review", "comment": "Рассматриваем."})[0] == 200
    [changed] = relayed(env)
    assert changed["detail-type"] == "portal.request.status.changed.v1"
    assert {k: v for k, v in changed["detail"].items() if k not in ("changed_at", "event_id")} == {
        "request_id": request_id,
        "number": "2026-000001",
        "sequence": 2,
        "previous_status": "registered",
        "status": "in_review",
        "by": "company",
        "feed_sequence": 2,
    }

    status, sent = company_writes(request_id, {"text": "Ответ компании."})
    assert status == 201, sent
    [answered] = relayed(env)
    assert answered["detail-type"] == "portal.request.message.posted.v1"
    assert answered["detail"]["author"] == "company"
    assert answered["detail"]["message_id"] == sent["id"]
    assert answered["detail"]["attachments"] == 0


def test_the_consumer_s_answer_to_needs_info_publishes_its_message_and_its_change_in_one_call(
    env: World,
) -> None:
    request_id = filed()
    move(request_id, {"status": "needs_info", "comment": "Уточните."})
    relayed(env)

    assert write(request_id, {"text": "Вопрос."})[0] == 201
    calls: list[tuple[str, str]] = []
    with AwsCallRecorder().recording(calls):
        assert relay_outbox(env) == 3  # the filing's, the move's (relayed before) and the answer's
    assert calls.count(("events", "PutEvents")) == 1
    answer, changed = sorted(published(env), key=lambda e: e["detail-type"])
    assert answer["detail-type"] == "portal.request.message.posted.v1"
    assert answer["detail"]["author"] == "consumer"
    assert changed["detail-type"] == "portal.request.status.changed.v1"
    assert (changed["detail"]["previous_status"], changed["detail"]["status"], changed["detail"]["by"]) == (
        "needs_info",
        "in_review",
        "consumer",
    )
    assert write(request_id, {"text": "Вопрос."})[0] == 201  # in review: no change of status now
    assert kinds(relayed(env)) == ["portal.request.message.posted.v1"]


def test_a_withdrawal_publishes_withdrawn_and_its_change_of_status_once(env: World) -> None:
    request_id = filed()
    relayed(env)

    assert withdraw(request_id, "Передумал подключаться.")[0] == 200
    events = relayed(env)
    assert sorted(kinds(events)) == ["portal.request.status.changed.v1", "portal.request.withdrawn.v1"]
    withdrawn = next(e for e in events if e["detail-type"] == "portal.request.withdrawn.v1")
    assert withdrawn["detail"]["previous_status"] == "registered"

    assert withdraw(request_id, "Ещё раз.")[0] == 200  # answered as it is: nothing happened
    assert relayed(env) == []


def test_a_submitted_reading_is_published_and_a_refused_one_is_not(world: World) -> None:
    status, reading = submit(single("01234567", "100"))
    assert status == 201, reading
    assert submit(single("01234567", "99"))[0] == 422

    [event] = relayed(world)
    assert event["detail-type"] == "portal.reading.submitted.v1"
    assert event["detail"]["reading_id"] == reading["id"]
    assert event["detail"]["meter_number"] == "01234567"
    assert event["detail"]["user_id"] == ME["sub"]
    assert event["detail"]["sequence"] == 1


def test_an_askue_sync_that_fails_for_good_is_published_once(events: LocalEvents, world: World) -> None:
    remember("user-wrong", "demo", "an-old-password")
    remember("user-down", "fault-503-a")
    events.fire(PLANNER)
    events.poll(WORKER)
    [refused] = relayed(world)
    assert refused["detail-type"] == "portal.askue.sync.failed.v1"
    assert (refused["detail"]["user_id"], refused["detail"]["reason"]) == (
        "user-wrong",
        "credentials_refused",
    )
    assert refused["detail"]["sequence"] == 1

    events.poll(WORKER)  # the second attempt of user-down: not yet
    assert relayed(world) == []
    events.poll(WORKER)  # its third and last (maxReceiveCount 3): then dead-lettered
    [exhausted] = relayed(world)
    assert (exhausted["detail"]["user_id"], exhausted["detail"]["reason"]) == (
        "user-down",
        "attempts_exhausted",
    )
    assert exhausted["detail"]["sequence"] == 1


# ---------------------------------------------------------------- EventBridge failing


@pytest.mark.parametrize("fault", ["throttling", "5xx", "timeout"])
def test_a_failed_put_events_is_logged_and_counted_and_never_raises(
    world: World, fault: str, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    from functions.common.events import ReadingSubmitted, publish

    at = datetime.fromisoformat("2026-03-02T09:15:00+03:00")
    submitted = ReadingSubmitted(
        user_id="u", reading_id="r", meter_number="01234567", taken_at=at, sequence=1
    )
    with failing_where("events", "PutEvents", "portal.reading.submitted.v1", fault):
        publish(submitted)

    assert published(world) == []  # lost: integrators reconcile with the pull API
    assert ("ERROR", "events not published") in [(r.levelname, r.getMessage()) for r in caplog.records]
    assert ("EventsFailed", {}) in emitted_lines(capsys.readouterr().out)


def test_entries_eventbridge_refuses_are_logged_and_each_counted(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from functions.common import events as module

    class Refusing:
        def put_events(self, **_: Any) -> dict[str, Any]:
            return {"FailedEntryCount": 2, "Entries": [{"ErrorCode": "InternalFailure"}] * 2}

    monkeypatch.setattr(module, "events", Refusing)
    from functions.common.events import RequestStatusChanged, RequestWithdrawn, publish

    at = datetime.fromisoformat("2026-03-02T09:15:00+03:00")
    publish(
        RequestWithdrawn(
            request_id="r", number="2026-000001", sequence=1, previous_status="registered", withdrawn_at=at
        ),
        RequestStatusChanged(
            request_id="r",
            number="2026-000001",
            sequence=2,
            previous_status="registered",
            status="withdrawn",
            by="consumer",
            changed_at=at,
        ),
    )

    [refused] = [r for r in caplog.records if r.getMessage() == "events refused"]
    assert refused.levelname == "ERROR"
    assert refused.error_codes == ["InternalFailure", "InternalFailure"]  # type: ignore[attr-defined]
    assert emitted_lines(capsys.readouterr().out).count(("EventsFailed", {})) == 2


def test_entries_are_built_apart_from_sending_them_each_event_with_its_own_stable_id(world: World) -> None:
    from functions.common.events import RequestWithdrawn, bus_name, entry, put_entries

    at = datetime.fromisoformat("2026-03-02T09:15:00+03:00")
    fields: dict[str, Any] = {
        "request_id": "r",
        "number": "2026-000001",
        "sequence": 1,
        "previous_status": "registered",
    }
    first = RequestWithdrawn(**fields, withdrawn_at=at)
    again = RequestWithdrawn(**fields, withdrawn_at=at)
    assert first.event_id != again.event_id  # a new event, a new id
    kept = RequestWithdrawn.model_validate_json(first.model_dump_json())
    assert kept == first  # the id travels with the event: the same event sent later keeps it

    built = [entry(first, bus_name()), entry(kept, bus_name())]
    assert published(world) == []  # built, not sent
    assert put_entries(built) == []
    delivered = published(world, distinct=False)
    assert [e["detail"]["event_id"] for e in delivered] == [first.event_id] * 2


def test_put_entries_answers_the_codes_of_the_entries_eventbridge_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functions.common import events as module

    class Refusing:
        def put_events(self, **_: Any) -> dict[str, Any]:
            taken, refused = {"EventId": "e"}, {"ErrorCode": "ThrottlingException"}
            return {"FailedEntryCount": 2, "Entries": [taken, refused]}

    monkeypatch.setattr(module, "events", Refusing)
    assert module.put_entries([]) == ["ThrottlingException", "Unknown"]


def emitted_lines(out: str) -> list[tuple[str, dict[str, str]]]:
    from infra.metrics_capture import EmfCapture

    capture = EmfCapture(open("/dev/null", "w"))  # noqa: SIM115, PTH123
    capture.write(out)
    return [
        (m["name"], {k: v for k, v in m["dimensions"].items() if k != "service"}) for m in capture.metrics()
    ]
