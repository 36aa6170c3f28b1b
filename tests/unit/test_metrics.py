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
}


def test_every_alarm_on_a_business_metric_watches_a_metric_its_function_emits(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    template = load_template()
    functions = resources(template, "AWS::Serverless::Function")
    alarms = [
        alarm["Properties"]
        for alarm in resources(template, "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"]["Namespace"] == NAMESPACE
    ]
    assert {alarm["MetricName"] for alarm in alarms} == {"AskueSyncs", "MailsFailed"}

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
