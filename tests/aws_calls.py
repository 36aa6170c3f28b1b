"""The AWS calls each route makes: every route of template.yaml driven once, as a consumer, the
company's systems and the schedule would, against the moto world, each call recorded by botocore's
`before-call` event.

Used by tests/unit/test_aws_calls.py (which fails on a consumer read of more than one DynamoDB call,
or on any Scan) and by benchmarks/aws_calls.py (which prints the table). Needs an active moto world
with the functions' environment set, and the ASKUE simulator at ASKUE_BASE_URL.
"""

import json
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3

from functions.auth.policy import CURRENT_CONSENT_VERSION
from functions.common.aws import reset_clients
from infra.events import LocalEvents
from infra.lambda_runtime import LambdaContext, load_handler
from infra.template import Route, load_template, routes, token_authorizer
from infra.world import World
from tests.unit.conftest import api_event, deliver_mail, new_default_session, pool_keys_served, sent_mails

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PLANNER, WORKER = "AskueSyncPlannerFunction", "AskueSyncWorkerFunction"
ERASURE = "ErasureFunction"
RELAY = "OutboxRelayFunction"
# A household's connection (ПП № 861, п. 14), as the tour files it.
CONNECTION_FIELDS = {
    "applicant_kind": "person",
    "purpose": "household",
    "residence_address": "г. Москва, ул. Мира, 5",
    "identity_document_kind": "passport_rf",
    "identity_document_series": "4510",
    "identity_document_number": "123456",
    "identity_document_issued_on": "2015-05-05",
    "identity_document_issued_by": "ОУФМС России по Московской обл.",
    "object_name": "Жилой дом",
    "object_address": "г. Москва, ул. Мира, 5",
    "cadastral_number": "50:20:0010101:1234",
    "reason": "new",
    "max_power_kw": "15",
    "voltage_kv": "0.4",
    "reliability_category": "III",
    "points": [{"name": "ВРУ-0,4 кВ", "max_power_kw": "15", "voltage_kv": "0.4"}],
    "supply_contract": "energy_supply",
    "guaranteeing_supplier": "АО «Мосэнергосбыт»",
    "settlement": "urban",
}
AUTHORIZER = "SessionAuthorizerFunction"


@dataclass
class Operation:
    """One route (or scheduled/queued run) and the AWS calls it made, in order."""

    method: str
    path: str
    function: str
    auth: str  # cognito, api_key, none; "event" for a schedule or a queue
    calls: list[tuple[str, str]] = field(default_factory=list)  # (service, operation)

    @property
    def is_consumer_read(self) -> bool:
        return self.auth == "cognito" and self.method == "GET"

    def count(self, service: str) -> Counter[str]:
        return Counter(operation for s, operation in self.calls if s == service)


class AwsCallRecorder:
    """Hooks botocore's `before-call` on the default boto3 session, from which every client of
    `functions.common.aws` is then made (the clients are forgotten, so they are made again)."""

    def __init__(self) -> None:
        self._current: list[tuple[str, str]] | None = None
        self._events = new_default_session().events
        self._events.register("before-call", self._record, unique_id="aws-call-recorder")
        reset_clients()

    def _record(self, model: Any, **_: Any) -> None:
        if self._current is not None:
            self._current.append((model.service_model.service_name, model.name))

    @contextmanager
    def recording(self, into: list[tuple[str, str]]) -> Iterator[None]:
        self._current = into
        try:
            yield
        finally:
            self._current = None

    def close(self) -> None:
        self._events.unregister("before-call", unique_id="aws-call-recorder")
        reset_clients()


class Tour:
    """Calls each route through its function's real handler, with API Gateway's event."""

    def __init__(self, world: World, recorder: AwsCallRecorder) -> None:
        self.world = world
        self.recorder = recorder
        self.routes = {(r.method, r.path): r for r in routes(load_template())}
        self.done: list[Operation] = []

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        expect: int,
        claims: dict[str, str] | None = None,
        **event: Any,
    ) -> Any:
        """Invokes the route `method path` (a template path, `{id}` filled from path_parameters)."""
        route = self.routes[(method, path)]
        actual = re.sub(r"\{(\w+)\}", lambda m: str(event["path_parameters"][m.group(1)]), path)
        api_key = "tour-key" if route.auth == "api_key" else None
        request = api_event(method, actual, body, claims=claims, integrator=api_key, **event)
        result = self._invoke(route, request)
        assert result["statusCode"] == expect, f"{method} {path}: {result['statusCode']} {result.get('body')}"
        headers = {k.lower(): str(v) for k, v in (result.get("multiValueHeaders") or {}).items()}
        body = result.get("body")
        return json.loads(body) if body and "json" in headers.get("content-type", "") else body

    def _invoke(self, route: Route, request: dict[str, Any]) -> dict[str, Any]:
        done = Operation(route.method, route.path, route.function, route.auth)
        with self.recorder.recording(done.calls):
            result: dict[str, Any] = load_handler(route.handler)(request, LambdaContext(route.function))
        self.done.append(done)
        return result

    def authorize(self, id_token: str) -> None:
        """What API Gateway asks the session authorizer before a consumer route (once per token per
        `ReauthorizeEvery` on AWS: its answer is cached)."""
        cached = token_authorizer(load_template()).cache_seconds
        done = Operation(
            "AUTHORIZER", f"session authorizer (per token, cached {cached} s)", AUTHORIZER, "event"
        )
        event = {
            "type": "TOKEN",
            "authorizationToken": f"Bearer {id_token}",
            "methodArn": "arn:aws:execute-api:eu-central-1:123456789012:tour/prod/GET/api/profile",
        }
        with pool_keys_served(), self.recorder.recording(done.calls):
            answer = load_handler(token_authorizer(load_template()).handler)(event, LambdaContext(AUTHORIZER))
        assert answer["policyDocument"]["Statement"][0]["Effect"] == "Allow", answer
        self.done.append(done)

    def run_mail(self, what: str) -> None:
        """Delivers the mail queue to MailFunction (the polling is not its own): each invocation is an
        operation of its own."""

        @contextmanager
        def invocation() -> Iterator[None]:
            done = Operation("SQS", f"mail worker: {what}", "MailFunction", "event")
            with self.recorder.recording(done.calls):
                yield
            self.done.append(done)

        delivery = deliver_mail(self.world, invocation)
        assert delivery.batches == 1 and delivery.failed == 0, delivery

    def run_outbox(self, events: LocalEvents, what: str) -> None:
        """Delivers OutboxTable's stream to the outbox's relay, as Lambda's event source does (the
        polling is not its own): what the change before owes is queued and put on the bus. Taken
        once, its faults not explored (the relay's own tests fail its calls,
        tests/unit/test_outbox_relay.py)."""
        done = Operation("STREAM", f"outbox relay: {what}", RELAY, "event")
        with self.recorder.recording(done.calls):
            deliveries = events.drain_stream(RELAY)
        assert deliveries and not any(delivery.failed for delivery in deliveries), deliveries
        self.done.append(done)

    def run_erasure(self, events: LocalEvents) -> None:
        """The daily erasure's run, which erases the account deleted just before (152-ФЗ ст. 21 ч. 5)."""
        done = Operation("SCHEDULE", "erasure (1 account)", ERASURE, "event")
        with self.recorder.recording(done.calls):
            erased = events.fire(ERASURE)
        assert erased == {"erased": 1, "failed": 0}, erased
        self.done.append(done)

    def run_events(self, events: LocalEvents) -> None:
        """The schedule's planner, then one batch of its queue to the worker (the polling is not theirs)."""
        planned = Operation("SCHEDULE", "askue sync planner", PLANNER, "event")
        with self.recorder.recording(planned.calls):
            queued = events.fire(PLANNER)
        assert queued["queued"] == 1, queued
        worker = Operation("SQS", "askue sync worker (1 account)", WORKER, "event")
        with self.recorder.recording(worker.calls):
            delivery = events.poll(WORKER, wait_seconds=0)
        assert delivery is not None and delivery.failed == 0, delivery
        self.done += [planned, worker]


def _mailed(world: World, email: str, pattern: str) -> str:
    """What `pattern`'s group finds in the newest mail to `email` that it matches (a password, a code)."""
    mails = [mail["text"] for mail in sent_mails(world) if mail["to"] == email]
    found = [match for match in (re.search(pattern, text) for text in mails) if match]
    assert found, f"no mail to {email} matches {pattern}"
    return found[-1].group(1)


PASSWORD = r"[Пп]ароль: (\S+)"
RESET_CODE = r"Код для смены пароля: (\d{6})"
EMAIL_CODE = r"Код подтверждения: (\d{6})"


def tour_every_route(
    world: World,
    *,
    make_tour: Callable[[World, AwsCallRecorder], Tour] = Tour,
    make_recorder: Callable[[], AwsCallRecorder] = AwsCallRecorder,
) -> list[Operation]:
    """Every route of the template once (most of them on data the earlier steps made), plus the
    ASKUE schedule and queue; returns each with its AWS calls. tests/faults.py gives its own tour
    and recorder (which explore each operation's faults before taking it)."""
    import jwt

    events = LocalEvents(world, log=print)  # its SQS client is made before the hook: not recorded
    recorder = make_recorder()
    tour = make_tour(world, recorder)
    try:
        email = "tour@example.ru"
        registration = {
            "category": "individual",
            "full_name": "Иванов Иван Иванович",
            "email": email,
            "phone": "+7 912 345-67-89",
            "consent": True,
        }
        tour.call("POST", "/api/auth/register", registration, expect=202)
        tour.run_mail("registration of a new address")
        password = _mailed(world, email, PASSWORD)
        tour.call("POST", "/api/auth/register", registration, expect=202)
        tour.run_mail("registration of a known address")
        tokens = tour.call("POST", "/api/auth/login", {"email": email, "password": password}, expect=200)
        claims = {
            k: str(v) for k, v in jwt.decode(tokens["id_token"], options={"verify_signature": False}).items()
        }
        tour.call("POST", "/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}, expect=200)
        tour.authorize(tokens["id_token"])
        tour.call("GET", "/api/profile", claims=claims, expect=200)
        # The text in force accepted again (a re-consent the profile did not need: nothing written).
        accepted = {"accepted": True, "consent_version": CURRENT_CONSENT_VERSION}
        tour.call("POST", "/api/profile/consent", accepted, claims=claims, expect=200)
        tour.call("PATCH", "/api/profile", {"phone": "+7 903 111-22-33"}, claims=claims, expect=200)
        tour.run_outbox(events, "notice (profile changed)")
        tour.run_mail("notice (profile changed)")
        change = {
            "old_password": password,
            "new_password": "новый-пароль-1",
            "new_password_repeat": "новый-пароль-1",
        }
        tour.call("POST", "/api/profile/password", change, claims=claims, expect=204)
        tour.run_outbox(events, "notice (password changed)")
        tour.run_mail("notice (password changed)")

        # «Забыли пароль?» on an address of its own: the tour's one has its hourly mails spent.
        forgetful = "forgetful@example.ru"
        tour.call("POST", "/api/auth/register", {**registration, "email": forgetful}, expect=202)
        tour.run_mail("registration of a second address")
        tour.call("POST", "/api/auth/forgot-password", {"email": forgetful}, expect=202)
        tour.run_mail("reset code")
        reset = {
            "email": forgetful,
            "code": _mailed(world, forgetful, RESET_CODE),
            "new_password": "забытый-пароль-2",
            "new_password_repeat": "забытый-пароль-2",
        }
        tour.call("POST", "/api/auth/reset-password", reset, expect=204)
        tour.run_outbox(events, "notice (password reset)")
        tour.run_mail("notice (password reset)")
        again = {"email": forgetful, "password": "забытый-пароль-2"}
        forgetful_tokens = tour.call("POST", "/api/auth/login", again, expect=200)
        forgetful_claims = {
            k: str(v)
            for k, v in jwt.decode(forgetful_tokens["id_token"], options={"verify_signature": False}).items()
        }
        # The second address moves to a third (the email change), then logs in with it and leaves.
        moved = "moved@example.ru"
        asked = {"new_email": moved, "password": "забытый-пароль-2"}
        tour.call("POST", "/api/profile/email", asked, claims=forgetful_claims, expect=202)
        tour.run_mail("email code")
        confirmation = {"code": _mailed(world, moved, EMAIL_CODE)}
        tour.call("POST", "/api/profile/email/confirm", confirmation, claims=forgetful_claims, expect=204)
        tour.run_outbox(events, "notice (email changed)")
        tour.run_mail("notice (email changed)")
        moved_tokens = tour.call(
            "POST", "/api/auth/login", {"email": moved, "password": "забытый-пароль-2"}, expect=200
        )
        forgetful_claims = {
            k: str(v)
            for k, v in jwt.decode(moved_tokens["id_token"], options={"verify_signature": False}).items()
        }
        deletion = {"password": "забытый-пароль-2"}
        tour.call("DELETE", "/api/profile", deletion, claims=forgetful_claims, expect=204)
        tour.run_outbox(events, "notice (account deleted)")
        tour.run_mail("notice (account deleted)")
        tour.run_erasure(events)
        # Support deletes an account on its consumer's request (the consumer's deletion, told as support's).
        leaving = "leaving@example.ru"
        tour.call("POST", "/api/auth/register", {**registration, "email": leaving}, expect=202)
        tour.run_mail("registration of a third address")
        pool = world.refs["UserPool"]
        user = boto3.Session().client("cognito-idp").admin_get_user(UserPoolId=pool, Username=leaving)
        leaving_sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
        tour.call(
            "POST",
            "/api/integration/consumers/{user_id}/deletion",
            path_parameters={"user_id": leaving_sub},
            expect=202,
        )
        tour.run_outbox(events, "account deleted by support")
        tour.run_mail("notice (account deleted by support)")

        tour.call("GET", "/api/requests/types", claims=claims, expect=200)
        upload = {"filename": "схема.pdf", "content_type": "application/pdf", "size": len(PDF)}
        form = tour.call("POST", "/api/requests/uploads", upload, claims=claims, expect=200)
        boto3.Session().client("s3").put_object(  # the browser's upload, straight to S3
            Bucket=world.refs["UploadsBucket"],
            Key=form["key"],
            Body=PDF,
            ContentType="application/pdf",
            Metadata={"filename": form["fields"]["x-amz-meta-filename"]},
            Tagging="attached=no",
        )
        filing = {
            "type": "meter_reading",
            "text": "Прошу снять показания.",
            "fields": {
                "address": "г. Москва, ул. Мира, 5",
                "account_number": "5001234567",
                "reason": "control",
                "meter_number": "01234567",
                "reading_date": str(date.today() + timedelta(days=7)),
            },
            "attachments": [form["key"]],
        }
        created = tour.call(
            "POST",
            "/api/requests",
            filing,
            claims=claims,
            headers={"Idempotency-Key": uuid.uuid4().hex},
            expect=201,
        )
        tour.run_outbox(events, "request filed")
        tour.run_mail("notice (request filed)")
        tour.call("GET", "/api/requests", claims=claims, expect=200)
        tour.call(
            "GET", "/api/requests/{id}", claims=claims, path_parameters={"id": created["id"]}, expect=200
        )

        tour.call("GET", "/api/integration/requests", query={"status": "registered"}, expect=200)
        tour.call("GET", "/api/integration/changes", query={"after": "0"}, expect=200)
        tour.call("GET", "/api/integration/readings", query={"after": "0"}, expect=200)
        tour.call(
            "GET",
            "/api/integration/consumers/{user_id}",
            path_parameters={"user_id": claims["sub"]},
            expect=200,
        )
        move = {"status": "needs_info", "comment": "Приложите фото счётчика."}
        tour.call(
            "PATCH", "/api/integration/requests/{id}", move, path_parameters={"id": created["id"]}, expect=200
        )
        tour.run_outbox(events, "request moved")
        tour.run_mail("notice (request moved)")
        on_request = {"path_parameters": {"id": created["id"]}}
        answer = {"text": "Фото счётчика отправлю почтой."}
        sent = tour.call(
            "POST",
            "/api/requests/{id}/messages",
            answer,
            claims=claims,
            headers={"Idempotency-Key": uuid.uuid4().hex},
            expect=201,
            **on_request,
        )
        assert sent["status"] == "in_review", sent
        tour.run_outbox(events, "the answer brought the request back to review")
        tour.run_mail("notice (the answer brought the request back to review)")
        tour.call("GET", "/api/requests/{id}/messages", claims=claims, expect=200, **on_request)
        document = {"filename": "ТУ.pdf", "content_type": "application/pdf", "size": len(PDF)}
        company_form = tour.call("POST", "/api/integration/uploads", document, expect=200)
        boto3.Session().client("s3").put_object(  # the integrator's upload, straight to S3
            Bucket=world.refs["UploadsBucket"],
            Key=company_form["key"],
            Body=PDF,
            ContentType="application/pdf",
            Metadata={"filename": company_form["fields"]["x-amz-meta-filename"]},
            Tagging="attached=no",
        )
        reply = {
            "text": "Технические условия.",
            "attachments": [company_form["key"]],
            "kind": "technical_conditions",
        }
        tour.call(
            "POST",
            "/api/integration/requests/{id}/messages",
            reply,
            headers={"Idempotency-Key": uuid.uuid4().hex},
            expect=201,
            **on_request,
        )
        tour.run_outbox(events, "the company's document")
        tour.run_mail("notice (the company's document)")
        tour.call("GET", "/api/integration/requests/{id}", expect=200, **on_request)
        withdrawal = {"reason": "Передумал."}
        tour.call("POST", "/api/requests/{id}/withdraw", withdrawal, claims=claims, expect=200, **on_request)
        tour.run_outbox(events, "request withdrawn")
        tour.run_mail("notice (request withdrawn)")
        # A technological connection: its procedure on the detail, a stage marked by the company.
        connection = tour.call(
            "POST",
            "/api/requests",
            {"type": "connection", "text": "Прошу присоединить жилой дом.", "fields": CONNECTION_FIELDS},
            claims=claims,
            headers={"Idempotency-Key": uuid.uuid4().hex},
            expect=201,
        )
        tour.run_outbox(events, "connection filed")
        tour.run_mail("notice (connection filed)")
        tour.call(
            "POST",
            "/api/integration/requests/{id}/stages",
            {"stage": "offer_placed", "message": "Условия договора и счёт в личном кабинете."},
            path_parameters={"id": connection["id"]},
            expect=200,
        )
        tour.run_outbox(events, "connection stage marked")
        tour.run_mail("notice (connection stage marked)")
        tour.call("POST", "/api/integration/users/reset-password", {"email": email}, expect=202)
        tour.run_outbox(events, "support reset")
        tour.run_mail("support reset")

        reading = {
            "meter_type": "two_tariff",
            "meter_number": "СЕ-301/12",
            "values": {"t1": "12345,6", "t2": "5000"},
        }
        tour.call("POST", "/api/readings", reading, claims=claims, expect=201)
        tour.run_outbox(events, "event (reading submitted)")
        tour.call("GET", "/api/readings", claims=claims, expect=200)
        tour.call("GET", "/api/readings/export", claims=claims, expect=200)
        tour.call("GET", "/api/readings/meters", claims=claims, expect=200)
        tour.call("GET", "/api/readings/monthly", claims=claims, expect=200)
        later = {**reading, "values": {"t1": "12400", "t2": "5100"}, "jump_confirmed": True}
        typo = tour.call("POST", "/api/readings", later, claims=claims, expect=201)
        tour.run_outbox(events, "event (reading submitted)")
        fix = {"values": {"t1": "12350", "t2": "5010"}}
        tour.call(
            "PATCH", "/api/readings/{id}", fix, claims=claims, path_parameters={"id": typo["id"]}, expect=200
        )
        tour.run_outbox(events, "event (reading corrected)")
        tour.call(
            "DELETE", "/api/readings/{id}", claims=claims, path_parameters={"id": typo["id"]}, expect=204
        )
        tour.run_outbox(events, "event (reading withdrawn)")

        house = {
            "name": "Жилой дом",
            "address": "г. Москва, ул. Мира, 5",
            "settlement": "г. Москва",
            "street": "ул. Мира",
            "house": "5",
            "account_number": "5001234567",
            "meters": [{"meter_type": "two_tariff", "meter_number": "СЕ-301/12", "digits": 5}],
        }
        added = tour.call("POST", "/api/objects", house, claims=claims, expect=201)
        tour.run_outbox(events, "event (object added)")
        tour.call("GET", "/api/objects", claims=claims, expect=200)
        garage = tour.call("POST", "/api/objects", {**house, "name": "Гараж"}, claims=claims, expect=201)
        tour.run_outbox(events, "event (object added)")
        moved = {**house, "name": "Гараж", "house": "7", "address": "г. Москва, ул. Мира, 7"}
        tour.call(
            "PATCH",
            "/api/objects/{id}",
            moved,
            claims=claims,
            path_parameters={"id": garage["id"]},
            expect=200,
        )
        tour.run_outbox(events, "event (object changed)")
        tour.call(
            "DELETE", "/api/objects/{id}", claims=claims, path_parameters={"id": garage["id"]}, expect=204
        )
        tour.run_outbox(events, "event (object removed)")
        tour.call("GET", "/api/integration/objects", expect=200)
        tour.call(
            "PATCH",
            "/api/integration/objects/{id}",
            {"confirmed": True},
            path_parameters={"id": added["id"]},
            expect=200,
        )
        tour.run_outbox(events, "event (object confirmed)")

        # An outage at the object's street, days ahead (its mail is the daily reminder's): published,
        # fanned out to the object's consumer, read by anyone and by the consumer, moved, withdrawn.
        starts = datetime.now(UTC) + timedelta(days=5)
        works = {
            "kind": "planned",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=4)).isoformat(),
            "reason": "Ремонт ВЛ-0,4 кВ",
            "addresses": [{"settlement": "Москва", "street": "Мира", "houses": "1-9"}],
        }
        outage = tour.call(
            "POST",
            "/api/integration/outages",
            works,
            headers={"Idempotency-Key": uuid.uuid4().hex},
            expect=201,
        )
        tour.run_outbox(events, "outage published")
        tour.run_mail("outage fan-out (published)")
        tour.call("GET", "/api/outages", query={"settlement": "Москва", "street": "Мира"}, expect=200)
        tour.call("GET", "/api/outages/{id}", path_parameters={"id": outage["id"]}, expect=200)
        mine = tour.call("GET", "/api/outages/mine", claims=claims, expect=200)
        assert [item["outage"]["id"] for item in mine["items"]] == [outage["id"]], mine
        later = {"ends_at": (starts + timedelta(hours=6)).isoformat()}
        on_outage = {"path_parameters": {"id": outage["id"]}}
        tour.call("PATCH", "/api/integration/outages/{id}", later, expect=200, **on_outage)
        tour.run_outbox(events, "outage changed")
        tour.run_mail("outage fan-out (changed)")
        tour.call("DELETE", "/api/integration/outages/{id}", expect=200, **on_outage)
        tour.run_outbox(events, "outage withdrawn")
        tour.run_mail("outage fan-out (withdrawn)")

        askue = {"login": "demo", "password": "demo-askue-1", "remember": True}
        tour.call("POST", "/api/askue/fetch", askue, claims=claims, expect=200)
        tour.call("GET", "/api/askue/latest", claims=claims, expect=200)
        tour.call("GET", "/api/profile/export", claims=claims, expect=200)
        tour.call(
            "GET",
            "/api/integration/consumers/{user_id}/export",
            path_parameters={"user_id": claims["sub"]},
            expect=200,
        )
        tour.run_events(events)
        tour.run_outbox(events, "events (ASKUE readings)")
        tour.call("DELETE", "/api/askue/link", claims=claims, expect=204)

        tour.call("GET", "/api/policy", expect=200)
        tour.call("GET", "/api/openapi.json", expect=200)
        tour.call("GET", "/api/openapi-3.0.json", expect=200)
        tour.call("GET", "/api/docs", expect=200)
        tour.call("GET", "/api/problems/{code}", path_parameters={"code": "not-found"}, expect=200)
        tour.call("POST", "/api/auth/logout", claims=claims, expect=204)
    finally:
        recorder.close()
    return tour.done
