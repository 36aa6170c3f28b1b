"""The business metrics (functions/common/metrics.py): emitted on the events the business watches,
as EMF lines CloudWatch reads, with exactly the names and dimensions the template's alarms and
dashboard ask for."""

import json
from collections.abc import Callable
from typing import Any

import pytest

from functions.common.metrics import NAMESPACE, BusinessMetric, count
from infra.events import LocalEvents
from infra.metrics_capture import EmfCapture
from infra.template import load_template, resources
from infra.world import World
from tests.unit.askue_support import askue, simulator
from tests.unit.conftest import deliver_mail
from tests.unit.test_accounts import IVAN, register
from tests.unit.test_askue_sync import PLANNER, WORKER, events, remember
from tests.unit.test_readings import single, submit
from tests.unit.test_requests import body_of, clock, env, file

__all__ = ["askue", "clock", "env", "events", "simulator"]

Metric = tuple[str, dict[str, str]]


def emitted(capsys: pytest.CaptureFixture[str]) -> list[Metric]:
    """The metrics printed since the last call, as (name, dimensions without `service`)."""
    capture = EmfCapture(open("/dev/null", "w"))  # noqa: SIM115, PTH123 # closed with the test
    capture.write(capsys.readouterr().out)
    return [
        (metric["name"], {k: v for k, v in metric["dimensions"].items() if k != "service"})
        for metric in capture.metrics()
        if metric["namespace"] == NAMESPACE
    ]


def test_a_registration_counts_an_account_and_a_mail_sent(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert register(IVAN)[0] == 202
    deliver_mail()

    assert sorted(emitted(capsys)) == [("MailsSent", {}), ("Registrations", {})]


def test_a_filed_request_is_counted_per_type(env: World, capsys: pytest.CaptureFixture[str]) -> None:
    status, _ = file(body_of("grid_theft"))
    assert status == 201

    assert ("RequestsFiled", {"RequestType": "grid_theft"}) in emitted(capsys)


def test_a_stored_reading_is_counted_and_a_refused_one_is_not(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert submit(single("01234567", "100"))[0] == 201
    assert submit(single("01234567", "99"))[0] == 422  # lower than the previous one

    assert emitted(capsys) == [("ReadingsSubmitted", {})]


def test_a_mail_job_that_fails_is_counted_as_failed(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    import boto3

    sender = world.parameters["MailSender"]
    boto3.client("ses").delete_identity(Identity=sender)  # SES refuses every mail
    try:
        assert register(IVAN)[0] == 202
        deliver_mail()
    finally:
        boto3.client("ses").verify_email_identity(EmailAddress=sender)

    assert ("MailsFailed", {}) in emitted(capsys)
    assert ("MailsSent", {}) not in emitted(capsys)


def test_each_askue_sync_is_counted_by_its_outcome(
    events: LocalEvents, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    remember("user-good", "load-1", "pw-1")
    remember("user-down", "fault-503-a")
    remember("user-wrong", "demo", "an-old-password")
    events.fire(PLANNER)
    events.poll(WORKER)

    outcomes = sorted(d["Outcome"] for name, d in emitted(capsys) if name == "AskueSyncs")
    assert outcomes == ["credentials_refused", "failed", "synced"]


def _service_of(function: dict[str, Any]) -> str:
    return str(function["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"])


EMITTERS = {
    BusinessMetric.REGISTRATIONS: "MailFunction",
    BusinessMetric.MAILS_SENT: "MailFunction",
    BusinessMetric.MAILS_FAILED: "MailFunction",
    BusinessMetric.READINGS_SUBMITTED: "ReadingsFunction",
    BusinessMetric.REQUESTS_FILED: "RequestsFunction",
    BusinessMetric.ASKUE_SYNCS: "AskueSyncWorkerFunction",
    BusinessMetric.OUTBOX_OVERDUE: "OutboxSweeperFunction",
    BusinessMetric.CONNECTION_STAGES_OVERDUE: "ConnectionDeadlinesFunction",
}


def test_every_alarm_on_a_business_metric_watches_a_metric_its_function_emits(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    template = load_template()
    functions = resources(template, "AWS::Serverless::Function")
    # ErasuresFailed is counted from ErasureFunction's log by a metric filter (tests/unit/test_template.py).
    from_logs = {
        t["MetricName"]
        for f in resources(template, "AWS::Logs::MetricFilter").values()
        for t in f["Properties"]["MetricTransformations"]
    }
    alarms = [
        alarm["Properties"]
        for alarm in resources(template, "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("Namespace") == NAMESPACE
        and alarm["Properties"]["MetricName"] not in from_logs
    ]
    assert {alarm["MetricName"] for alarm in alarms} == {
        "AskueSyncs",
        "MailsFailed",
        "OutboxOverdue",
        "ConnectionStagesOverdue",
    }

    for alarm in alarms:
        metric = BusinessMetric(alarm["MetricName"])
        dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
        monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", _service_of(functions[EMITTERS[metric]]))
        count(metric, **{k: v for k, v in dimensions.items() if k != "service"})
        [line] = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith('{"_aws"')]
        [directive] = line["_aws"]["CloudWatchMetrics"]
        emitted_dimensions = {name: line[name] for names in directive["Dimensions"] for name in names}
        assert (directive["Namespace"], emitted_dimensions) == (NAMESPACE, dimensions), alarm


def test_the_dashboard_shows_every_business_metric() -> None:
    template = load_template()
    [dashboard] = resources(template, "AWS::CloudWatch::Dashboard").values()
    body, _ = dashboard["Properties"]["DashboardBody"]["Fn::Sub"]

    shown: Callable[[str], bool] = lambda name: f'"{name}"' in body or f'\\"{name}\\"' in body  # noqa: E731
    assert all(shown(metric.value) for metric in BusinessMetric)
    json.loads(body)  # the widgets are JSON once CloudFormation substitutes ${…}


def test_events_failed_is_emitted_with_the_service_alone_as_its_alarm_s_query_reads_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The alarm is `SELECT SUM(EventsFailed) FROM SCHEMA(ConsumerPortal, service)`: it sees the metric
    of every publishing function, as long as `service` is its one dimension."""
    template = load_template()
    [alarm] = [
        a["Properties"]
        for a in resources(template, "AWS::CloudWatch::Alarm").values()
        if "EventsFailed" in json.dumps(a["Properties"].get("Metrics", []))
    ]
    assert f"SCHEMA({NAMESPACE}, service)" in alarm["Metrics"][0]["Expression"]
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "service-requests")
    count(BusinessMetric.EVENTS_FAILED)
    [line] = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith('{"_aws"')]
    [directive] = line["_aws"]["CloudWatchMetrics"]
    assert directive["Dimensions"] == [["service"]] and directive["Namespace"] == NAMESPACE


def test_the_sweeper_reports_how_many_items_are_overdue_every_run_zero_too(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    from functions.outbox import sweeper
    from infra.lambda_runtime import LambdaContext

    sweeper.lambda_handler({}, LambdaContext("OutboxSweeperFunction", timeout_ms=60_000))
    capture = EmfCapture(open("/dev/null", "w"))  # noqa: SIM115, PTH123 # closed with the test
    capture.write(capsys.readouterr().out)
    [overdue] = capture.metrics()
    assert (overdue["name"], overdue["value"]) == ("OutboxOverdue", 0)
