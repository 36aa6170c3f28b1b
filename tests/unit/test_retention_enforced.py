"""The retention table enforced (functions/common/retention.py): each record of a kind with a period
carries the `expires_at` DynamoDB's TTL reads — a reading from its date, a closed request from its
closing by whether it led to a contract, an ASKUE copy from its fetch, a finished mail job from its
sending — and a request TTL deleted takes its conversation, its files and its uploads' claims with it
(functions/requests/expiry.py, fed by the requests table's stream, filtered to TTL's deletions)."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import boto3
import pytest
from boto3.dynamodb.types import TypeSerializer

from functions.askue.models import AskueRow, Snapshot
from functions.askue.store import AskueStore
from functions.common import clock as portal_clock
from functions.common.retention import RetentionKind, retention_of
from functions.mail.store import MailLedger
from functions.requests import conversation, expiry, filing, stage_marks, transitions
from infra import backfill_retention
from infra.events import matches
from infra.lambda_runtime import LambdaContext
from infra.template import load_template, resources
from infra.world import World
from tests.unit.test_connection_stages import mark
from tests.unit.test_readings import single, submit
from tests.unit.test_request_conversation import write
from tests.unit.test_requests import IVAN, NOW, PDF, PNG, body_of, file, move, upload


@pytest.fixture
def env(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """The world, with every clock the requests' changes read at NOW."""
    for module in (portal_clock, filing, transitions, stage_marks, conversation):
        monkeypatch.setattr(module, "now", lambda: NOW)
    return world


def table(world: World, name: str) -> Any:
    return boto3.resource("dynamodb").Table(world.refs[name])


def request_item(world: World, request_id: str) -> dict[str, Any]:
    key = {"pk": f"USER#{IVAN['sub']}", "sk": f"REQUEST#{request_id}"}
    return dict(table(world, "RequestsTable").get_item(Key=key, ConsistentRead=True)["Item"])


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def close(request_id: str, *path: str) -> None:
    """Moves the request along `path` (statuses), each with a comment."""
    for status in path:
        answer = move(request_id, {"status": status, "comment": "Комментарий сетевой компании."})
        assert answer[0] == 200, answer


# A connection is never refused (ПП № 861): it closes without a contract when its missing data does
# not come in time.
ANNULLED = ("in_review", "needs_info", "annulled")


def test_an_open_request_is_never_due(env: World) -> None:
    _, created = file(body_of("connection"))
    assert move(created["id"], {"status": "in_review"})[0] == 200

    assert "expires_at" not in request_item(env, created["id"])


def test_a_connection_closed_without_a_contract_goes_months_after_it_closed(env: World) -> None:
    _, created = file(body_of("connection"))

    close(created["id"], *ANNULLED)

    months = retention_of(RetentionKind.CONNECTION_WITHOUT_CONTRACT).period
    assert months is not None and months.unit == "months"
    assert request_item(env, created["id"])["expires_at"] == epoch(months.after(NOW))


def test_a_connection_with_a_contract_goes_years_after_the_end_of_the_year_it_closed_in(env: World) -> None:
    _, created = file(body_of("connection"))
    assert mark(created["id"], {"stage": "offer_placed"})[0] == 200
    assert mark(created["id"], {"stage": "invoice_paid", "completed_on": "2026-11-27"})[0] == 200

    close(created["id"], "needs_info", "annulled")  # closed, even so, after the contract

    years = retention_of(RetentionKind.CONNECTION_WITH_CONTRACT).period
    assert years is not None and years.unit == "years"
    # 402-ФЗ ст. 29: counted from the end of the reporting year 2026.
    assert request_item(env, created["id"])["expires_at"] == epoch(
        datetime(2027 + years.amount, 1, 1, tzinfo=UTC)
    )


def test_any_other_request_goes_its_years_after_it_closed(env: World) -> None:
    _, created = file(body_of("meter_reading"))

    close(created["id"], "in_review", "in_progress", "done")

    years = retention_of(RetentionKind.OTHER_REQUESTS).period
    assert years is not None
    assert request_item(env, created["id"])["expires_at"] == epoch(years.after(NOW))


def test_a_reading_goes_its_years_after_the_date_it_was_taken(world: World) -> None:
    status, reading = submit(single("123456", "100"))
    assert status == 201, reading

    [item] = [
        i
        for i in table(world, "ReadingsTable").scan()["Items"]
        if str(i["sk"]).startswith("reading#") and i["id"] == reading["id"]
    ]
    taken = datetime.fromisoformat(str(item["taken_at"]))
    years = retention_of(RetentionKind.READINGS).period
    assert years is not None and years.amount >= 3  # ГК РФ ст. 196
    assert item["expires_at"] == epoch(years.after(taken))
    assert not [
        i
        for i in table(world, "ReadingsTable").scan()["Items"]
        if str(i["sk"]).startswith("meter#") and "expires_at" in i
    ]


def test_an_askue_copy_and_a_finished_mail_job_go_after_their_days(world: World) -> None:
    fetched = datetime(2026, 11, 1, 10, tzinfo=UTC)
    row = AskueRow(
        object_name="Дом",
        meter_name="Меркурий 230 № 44556677",
        active_import_kwh=Decimal("27533.938"),
        active_export_kwh=Decimal(0),
        reactive_import_kvarh=Decimal(0),
        reactive_export_kvarh=Decimal(0),
        read_at=fetched,
    )
    snapshot = Snapshot(rows=[row], fetched_at=fetched, login="ivan", source="fetch")
    AskueStore(world.environment["ASKUE_TABLE"]).save_snapshot(IVAN["sub"], snapshot)
    MailLedger().mark_done("job-1", fetched)

    askue_days = retention_of(RetentionKind.ASKUE_COPIES).period
    ledger_days = retention_of(RetentionKind.MAIL_LEDGER).period
    assert askue_days is not None and ledger_days is not None
    [snapshot] = [
        i for i in table(world, "AskueTable").scan()["Items"] if str(i["sk"]).startswith("snapshot#")
    ]
    assert snapshot["expires_at"] == epoch(fetched + timedelta(days=askue_days.amount))
    done = table(world, "MailLedgerTable").get_item(Key={"pk": "job#job-1"})["Item"]
    assert done["expires_at"] == epoch(fetched + timedelta(days=ledger_days.amount))
    assert ledger_days.amount >= 15  # longer than a mail job can wait in the dead-letter queue


# ---------------------------------------------------------------- what a request TTL deleted leaves


def ttl_removal(old: dict[str, Any]) -> dict[str, Any]:
    """The stream record DynamoDB writes when its TTL deletes `old` (Lambda's event shape)."""
    image = {name: TypeSerializer().serialize(value) for name, value in old.items()}
    return {
        "eventID": "1",
        "eventName": "REMOVE",
        "eventSource": "aws:dynamodb",
        "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"},
        "dynamodb": {
            "Keys": {"pk": image["pk"], "sk": image["sk"]},
            "OldImage": image,
            "SequenceNumber": "100",
            "StreamViewType": "OLD_IMAGE",
        },
    }


def versions(world: World) -> list[dict[str, Any]]:
    answer = boto3.client("s3").list_object_versions(Bucket=world.refs["UploadsBucket"])
    return list(answer.get("Versions", []))


def current_keys(world: World) -> set[str]:
    return {v["Key"] for v in versions(world) if v["IsLatest"]}


def test_a_request_ttl_deleted_takes_its_conversation_files_and_claims(env: World) -> None:
    scan = upload(env, IVAN, "Паспорт.pdf", "application/pdf", PDF)
    _, created = file(body_of("connection", attachments=[scan]))
    _, other = file(body_of("connection"))
    photo = upload(env, IVAN, "Щит.png", "image/png", PNG)
    assert write(created["id"], {"text": "Фото щита.", "attachments": [photo]})[0] == 201
    assert write(other["id"], {"text": "Вопрос по второй заявке."})[0] == 201
    close(created["id"], *ANNULLED)
    old = request_item(env, created["id"])
    assert current_keys(env) >= {scan, photo}
    requests = table(env, "RequestsTable")
    requests.delete_item(Key={"pk": old["pk"], "sk": old["sk"]})  # as TTL would, at expires_at

    answer = expiry.lambda_handler({"Records": [ttl_removal(old)]}, LambdaContext("RequestExpiryFunction"))

    assert answer == {"batchItemFailures": []}
    left = requests.scan()["Items"]
    # Its partition's items (the request, its messages) and its uploads' claims are gone; the
    # Idempotency-Key's once-ever claim (a key's hash and the request's id, nothing of the person) stays.
    gone = [i for i in left if not str(i["pk"]).startswith("IDEMPOTENCY#")]
    assert not [i for i in gone if created["id"] in json.dumps(i, default=str)]
    assert [i for i in left if str(i["sk"]).startswith(f"THREAD#{other['id']}#")]  # the other request's
    assert not current_keys(env) & {scan, photo}
    assert not [i for i in left if str(i["pk"]) in (f"UPLOAD#{scan}", f"UPLOAD#{photo}")]
    # Again (a redelivery): nothing left to do, no error.
    again = expiry.lambda_handler({"Records": [ttl_removal(old)]}, LambdaContext("RequestExpiryFunction"))
    assert again == {"batchItemFailures": []}


def test_only_ttl_s_deletions_of_requests_reach_the_expiry() -> None:
    function = resources(load_template(), "AWS::Serverless::Function")["RequestExpiryFunction"]
    [source] = function["Properties"]["Events"].values()
    [pattern] = [json.loads(f["Pattern"]) for f in source["Properties"]["FilterCriteria"]["Filters"]]
    old = {"pk": "USER#x", "sk": "REQUEST#y", "status": "done"}
    by_ttl = ttl_removal(old)
    by_someone = {**by_ttl, "userIdentity": None}
    a_message = ttl_removal({"pk": "USER#x", "sk": "THREAD#y#1"})
    an_update = {**by_ttl, "eventName": "MODIFY"}

    assert matches(pattern, by_ttl)
    assert not matches(pattern, {k: v for k, v in by_someone.items() if v is not None})
    assert not matches(pattern, a_message)
    assert not matches(pattern, an_update)


@pytest.mark.parametrize("kind", list(RetentionKind))
def test_every_kind_with_a_period_is_enforced_by_a_table_s_ttl(kind: RetentionKind) -> None:
    """Each kind's records live in a table whose TTL is on (the code above sets `expires_at`)."""
    tables = {
        RetentionKind.CONNECTION_WITH_CONTRACT: "RequestsTable",
        RetentionKind.CONNECTION_WITHOUT_CONTRACT: "RequestsTable",
        RetentionKind.OTHER_REQUESTS: "RequestsTable",
        RetentionKind.READINGS: "ReadingsTable",
        RetentionKind.ASKUE_COPIES: "AskueTable",
        RetentionKind.MAIL_LEDGER: "MailLedgerTable",
    }
    if retention_of(kind).period is None:
        assert kind is RetentionKind.ACCOUNT  # kept while the account exists: the erasure ends it
        return
    spec = resources(load_template(), "AWS::DynamoDB::Table")[tables[kind]]["Properties"][
        "TimeToLiveSpecification"
    ]
    assert spec == {"AttributeName": "expires_at", "Enabled": True}


# ---------------------------------------------------------------- records from before enforcement


def test_the_backfill_gives_old_closed_requests_and_readings_their_expiry_once(env: World) -> None:
    _, closed = file(body_of("meter_reading"))
    close(closed["id"], "in_review", "in_progress", "done")
    _, still_open = file(body_of("meter_reading"))
    assert submit(single("123456", "100"))[0] == 201
    requests, readings = table(env, "RequestsTable"), table(env, "ReadingsTable")
    expected = request_item(env, closed["id"])["expires_at"]
    for store, names in ((requests, ("pk", "sk")), (readings, ("user_id", "sk"))):
        for item in store.scan()["Items"]:  # as written before the retention table was enforced
            if "expires_at" in item:
                store.update_item(Key={n: item[n] for n in names}, UpdateExpression="REMOVE expires_at")

    dry = backfill_retention.backfill_requests(requests, dry_run=True)
    first = backfill_retention.backfill_requests(requests), backfill_retention.backfill_readings(readings)
    again = backfill_retention.backfill_requests(requests), backfill_retention.backfill_readings(readings)

    assert (dry.read, dry.due, dry.written) == (2, 1, 0)
    assert [(c.read, c.due, c.written) for c in first] == [(2, 1, 1), (1, 1, 1)]
    assert [(c.read, c.due, c.written) for c in again] == [(1, 0, 0), (0, 0, 0)]  # the open one is read again
    assert request_item(env, closed["id"])["expires_at"] == expected
    assert "expires_at" not in request_item(env, still_open["id"])
    [reading] = [i for i in readings.scan()["Items"] if str(i["sk"]).startswith("reading#")]
    assert reading["expires_at"] == epoch(
        retention_of(RetentionKind.READINGS).ends(datetime.fromisoformat(str(reading["taken_at"])))
    )
