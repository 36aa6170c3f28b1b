"""Mail through the queue (MailFunction), replaying the attacks of the «trust boundary» issue.

The portal mailed what an attacker typed, to anyone, as often as asked; registration told a known
address from a new one by its time and by its answer while SES refused; mail failures came after
the state had changed. Here: every answer is decided before SES is involved, at most
MailsPerAddressPerHour mails go to an address from registration and resets, a job SQS delivers
again is mailed once, and every job waits on the queue while SES refuses, then arrives.
"""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import boto3
import pytest

from functions.auth import account_jobs, mail_worker
from functions.auth import handler as auth
from functions.auth.jobs import RegisterJob
from functions.auth.models import IndividualRegistration
from functions.auth.store import ProfileStore
from functions.common import mail as common_mail
from functions.common.identity import UserDirectory, generate_password
from functions.integration import handler as integration
from functions.mail.service import NOTICE, JobKind
from functions.mail.store import MailLedger
from functions.mail.worker import MailWorker
from infra.events import sqs_event
from infra.gateway import LambdaContext
from infra.world import World
from tests.aws_calls import AwsCallRecorder
from tests.faults import failing_where
from tests.unit.conftest import api_event, call, deliver_mail, mailed, relay_outbox, sent_mails
from tests.unit.outbox_support import owed_entries, the_entry
from tests.unit.test_accounts import IVAN, ROGA, claims_of, log_in, mailed_password, register, users

EMAIL = "ivan.petrov@example.ru"
# Mid-hour, so that a test's jobs all count in one clock hour.
NOW = datetime(2026, 11, 27, 10, 20, tzinfo=UTC)


@pytest.fixture
def clock(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(common_mail, "now", lambda: NOW)
    return world


def sqs_client() -> Any:
    return boto3.client("sqs")


def queued_bodies(world: World) -> list[dict[str, Any]]:
    """The jobs waiting on the mail queue, read without taking them (made visible again at once)."""
    client, url = sqs_client(), world.refs["MailQueue"]
    messages = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    for message in messages:
        client.change_message_visibility(
            QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )
    return [json.loads(message["Body"]) for message in messages]


def mails_to(email: str) -> list[dict[str, str]]:
    return [m for m in mailed() if m["to"] == email]


def reset(email: str) -> dict[str, Any]:
    """The integration API's answer to a support reset, headers included."""
    event = api_event("POST", "/api/integration/users/reset-password", {"email": email}, integrator="support")
    return integration.lambda_handler(event, LambdaContext("test"))


def headers_of(result: dict[str, Any]) -> dict[str, str]:
    return {k.lower(): v[0] for k, v in (result.get("multiValueHeaders") or {}).items()}


@pytest.fixture
def ses_down(world: World) -> Iterator[None]:
    """SES refuses every mail (the sender's identity is not verified), until the test ends."""
    ses = boto3.client("ses")
    sender = world.parameters["MailSender"]
    ses.delete_identity(Identity=sender)
    yield
    ses.verify_email_identity(EmailAddress=sender)


def ses_back(world: World) -> None:
    boto3.client("ses").verify_email_identity(EmailAddress=world.parameters["MailSender"])


# ---------------------------------------------------------------- mail that can't be aimed


def test_a_phishing_organisation_name_is_refused_and_nothing_is_mailed(world: World) -> None:
    phishing = "Ваш кабинет заблокирован! Подтвердите данные: https://portal-energo.example/login"

    status, problem = register({**ROGA, "org_name": phishing})

    assert status == 422
    assert problem["errors"] == [
        {"field": "org_name", "message": "Название организации не должно содержать ссылок и адресов сайтов."}
    ]
    assert sent_mails() == []
    assert queued_bodies(world) == []


def test_a_link_in_the_person_name_is_refused_naming_the_field(world: World) -> None:
    status, problem = register({**IVAN, "full_name": "Иванов Иван zayavka-energo.ru"})

    assert status == 422
    assert [e["field"] for e in problem["errors"]] == ["full_name"]
    assert "ФИО не должно содержать ссылок" in problem["errors"][0]["message"]


def test_the_mails_to_an_unconfirmed_address_carry_nothing_the_registrant_chose(world: World) -> None:
    register(ROGA)
    register({**ROGA, "org_name": "ООО «Другая компания»"})

    welcome, again = mails_to("office@roga.ru")

    for mail in (welcome, again):
        assert mail["text"].startswith("Здравствуйте!\n")
        assert "Рога" not in mail["text"] and "Другая" not in mail["text"]
    assert "уже зарегистрирован" in again["text"]


def test_a_mailbox_name_cognito_refuses_is_a_russian_422_not_a_500(world: World) -> None:
    status, problem = register({**IVAN, "email": "іvan@example.ru"})  # a Cyrillic «і»

    assert status == 422
    assert problem["errors"][0]["field"] == "email"
    assert "латиницей" in problem["errors"][0]["message"]


def test_an_address_cognito_refuses_after_all_is_dropped_not_retried(world: World) -> None:
    # Valid for the API (and for mail), refused by Cognito as moto emulates it.
    assert register({**IVAN, "email": "o'brien@example.ru"})[0] == 202

    delivery = deliver_mail()

    assert (delivery.done, delivery.failed) == (1, 0)  # logged and dropped: never a poison message
    assert users(world) == []
    assert sent_mails() == []


# ---------------------------------------------------------------- as often as asked


def test_thirty_registrations_of_one_new_address_send_three_mails_and_answer_202_each(clock: World) -> None:
    answers = [register(IVAN) for _ in range(30)]

    assert all(answer == answers[0] for answer in answers)
    assert answers[0][0] == 202
    mails = mails_to(EMAIL)
    assert [m["subject"] for m in mails] == [
        "Регистрация в личном кабинете потребителя",
        "Повторная регистрация в личном кабинете потребителя",
        "Повторная регистрация в личном кабинете потребителя",
    ]
    assert len(users(clock)) == 1
    assert log_in(EMAIL, mailed_password(EMAIL))[0] == 200


def test_the_limit_is_per_address_and_per_hour(clock: World, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(4):
        register(IVAN)
    register({**IVAN, "email": "petr@example.ru"})
    assert len(mails_to(EMAIL)) == 3
    assert len(mails_to("petr@example.ru")) == 1

    monkeypatch.setattr(common_mail, "now", lambda: NOW + timedelta(hours=1))
    register(IVAN)

    assert len(mails_to(EMAIL)) == 4


def test_the_limit_counts_no_address_in_clear(clock: World) -> None:
    register(IVAN)
    sent_mails()

    items = boto3.resource("dynamodb").Table(clock.refs["MailLedgerTable"]).scan()["Items"]

    assert items
    assert EMAIL not in json.dumps(items, default=str)
    assert all(str(item["pk"]).startswith(("limit#", "job#")) for item in items)


def test_a_support_reset_over_the_limit_is_a_russian_429_with_retry_after(clock: World) -> None:
    register(IVAN)  # the welcome mail: 1 of 3
    password = mailed_password(EMAIL)
    assert reset(EMAIL)["statusCode"] == 202
    assert reset(EMAIL)["statusCode"] == 202

    refused = reset(EMAIL)

    assert refused["statusCode"] == 429
    problem = json.loads(refused["body"])
    assert problem["title"] == "Слишком много писем на этот адрес"
    assert "не больше 3 писем" in problem["detail"] and "через 40 мин." in problem["detail"]
    assert headers_of(refused)["retry-after"] == str(40 * 60)
    relay_outbox()  # what the resets owe, queued by the outbox's relay
    assert len(queued_bodies(clock)) == 2  # the refused reset was not owed
    resets = [m for m in mails_to(EMAIL) if m["subject"] == "Новый пароль от личного кабинета потребителя"]
    assert len(resets) == 2
    assert log_in(EMAIL, password)[0] == 401
    assert log_in(EMAIL, mailed_password(EMAIL))[0] == 200


# ---------------------------------------------------------------- whether an account exists


def test_a_known_and_a_new_address_take_the_same_aws_calls_and_get_the_same_answer(world: World) -> None:
    register(IVAN)
    sent_mails()
    recorder = AwsCallRecorder()
    try:
        known_calls: list[tuple[str, str]] = []
        with recorder.recording(known_calls):
            known = register(IVAN)
        new_calls: list[tuple[str, str]] = []
        with recorder.recording(new_calls):
            new = register({**IVAN, "email": "new@example.ru"})
    finally:
        recorder.close()

    assert known == new
    assert known_calls == new_calls == [("sqs", "SendMessage")]


def test_ses_down_gives_a_known_and_a_new_address_the_same_202_and_both_mails_come_later(
    world: World,
) -> None:
    register(ROGA)
    password = mailed_password("office@roga.ru")  # a known address
    boto3.client("ses").delete_identity(Identity=world.parameters["MailSender"])

    known = register(ROGA)
    new = register(IVAN)

    assert known == new
    assert known[0] == 202
    first = deliver_mail()
    assert (first.done, first.failed) == (0, 2)
    assert len(users(world)) == 1  # the new address's half-made account was undone
    assert len(sent_mails()) == 1

    ses_back(world)

    assert [m["subject"] for m in mails_to("office@roga.ru")] == [
        "Регистрация в личном кабинете потребителя",
        "Повторная регистрация в личном кабинете потребителя",
    ]
    assert log_in("office@roga.ru", password)[0] == 200
    assert log_in(EMAIL, mailed_password(EMAIL))[0] == 200


def test_a_job_that_keeps_failing_ends_in_the_dead_letter_queue(world: World, ses_down: None) -> None:
    register(IVAN)

    delivery = deliver_mail(receive_count=6)

    assert delivery.failed == 5  # maxReceiveCount
    dead = sqs_client().receive_message(QueueUrl=world.refs["MailDeadLetterQueue"]).get("Messages", [])
    assert [json.loads(m["Body"])["kind"] for m in dead] == ["register"]
    assert "password" not in dead[0]["Body"]


# ---------------------------------------------------------------- mail failures after the state changed


def test_ses_down_at_password_change_answers_204_and_the_notice_comes_later(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(IVAN)
    password = mailed_password(EMAIL)
    caller = claims_of(EMAIL, password)
    boto3.client("ses").delete_identity(Identity=world.parameters["MailSender"])
    change = {"old_password": password, "new_password": "новый пароль", "new_password_repeat": "новый пароль"}

    status, _ = call(auth, api_event("POST", "/api/profile/password", change, claims=caller))

    assert status == 204
    assert log_in(EMAIL, "новый пароль")[0] == 200
    assert log_in(EMAIL, password)[0] == 401
    assert relay_outbox() == 1  # the notice owed with the change, queued by the outbox's relay
    assert deliver_mail().failed == 1
    ses_back(world)
    assert mails_to(EMAIL)[-1]["subject"] == "Пароль от личного кабинета изменён"


def test_a_password_change_whose_notice_cannot_be_queued_still_answers_204_and_mails_it_later(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(IVAN)
    password = mailed_password(EMAIL)
    caller = claims_of(EMAIL, password)
    monkeypatch.setenv("MAIL_QUEUE_URL", world.refs["MailQueue"] + "-gone")
    common_mail.load_settings.cache_clear()
    change = {"old_password": password, "new_password": "новый пароль", "new_password_repeat": "новый пароль"}

    status, _ = call(auth, api_event("POST", "/api/profile/password", change, claims=caller))

    assert status == 204
    assert log_in(EMAIL, "новый пароль")[0] == 200
    relay_outbox()
    the_entry(world)  # the queue is gone: the notice stays owed
    monkeypatch.setenv("MAIL_QUEUE_URL", world.refs["MailQueue"])
    common_mail.load_settings.cache_clear()
    assert [m["subject"] for m in mailed() if m["to"] == EMAIL][-1] == "Пароль от личного кабинета изменён"


def test_a_support_reset_with_ses_down_answers_202_and_the_working_password_comes_later(world: World) -> None:
    register(IVAN)
    old = mailed_password(EMAIL)
    boto3.client("ses").delete_identity(Identity=world.parameters["MailSender"])

    answer = reset(EMAIL)

    assert answer["statusCode"] == 202
    assert relay_outbox() == 1
    assert deliver_mail().failed == 1
    ses_back(world)
    resets = [m for m in mails_to(EMAIL) if m["subject"] == "Новый пароль от личного кабинета потребителя"]
    assert len(resets) == 1
    new = mailed_password(EMAIL)
    assert new != old
    assert log_in(EMAIL, new)[0] == 200
    assert log_in(EMAIL, old)[0] == 401


def test_a_support_reset_of_an_unknown_address_is_404_and_queues_nothing(world: World) -> None:
    answer = reset("nobody@example.ru")

    assert answer["statusCode"] == 404
    assert queued_bodies(world) == []


@pytest.mark.parametrize("known", [True, False])
def test_registration_when_the_queue_refuses_is_the_same_russian_503_with_retry_after(
    world: World, monkeypatch: pytest.MonkeyPatch, known: bool
) -> None:
    if known:
        register(IVAN)
        sent_mails()
    monkeypatch.setenv("MAIL_QUEUE_URL", world.refs["MailQueue"] + "-gone")
    common_mail.load_settings.cache_clear()

    result = auth.lambda_handler(api_event("POST", "/api/auth/register", IVAN), LambdaContext("test"))

    assert result["statusCode"] == 503
    assert headers_of(result)["retry-after"] == "60"
    assert json.loads(result["body"]) == {
        "type": "/api/problems/service-unavailable",
        "code": "service-unavailable",
        "request_id": "test-request",
        "title": "Регистрация временно недоступна",
        "status": 503,
        "detail": "Не удалось принять заявку на регистрацию. Повторите попытку через минуту.",
        "errors": [],
    }


def test_a_support_reset_while_the_queue_is_gone_is_owed_and_mailed_once_it_is_back(
    clock: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(IVAN)
    old = mailed_password(EMAIL)  # the welcome mail: 1 of 3
    monkeypatch.setenv("MAIL_QUEUE_URL", clock.refs["MailQueue"] + "-gone")
    common_mail.load_settings.cache_clear()

    # Counted and owed in one transaction (functions/integration/service.py): the queue is not asked.
    assert [reset(EMAIL)["statusCode"] for _ in range(3)] == [202, 202, 429]
    relay_outbox()  # the relay cannot queue them: they stay owed
    assert queued_bodies(clock) == []

    monkeypatch.setenv("MAIL_QUEUE_URL", clock.refs["MailQueue"])
    common_mail.load_settings.cache_clear()
    relay_outbox()  # the stream's retry (or the sweeper's run) once the queue is back

    resets = [m for m in mails_to(EMAIL) if m["subject"] == "Новый пароль от личного кабинета потребителя"]
    assert len(resets) == 2
    assert log_in(EMAIL, old)[0] == 401
    assert log_in(EMAIL, mailed_password(EMAIL))[0] == 200


# ---------------------------------------------------------------- redelivery


def test_a_register_job_delivered_twice_sends_one_welcome_and_the_account_works(world: World) -> None:
    register(IVAN)
    [body] = queued_bodies(world)
    sqs_client().send_message(QueueUrl=world.refs["MailQueue"], MessageBody=json.dumps(body))  # SQS again

    mails = mails_to(EMAIL)

    assert [m["subject"] for m in mails] == ["Регистрация в личном кабинете потребителя"]
    assert len(users(world)) == 1
    assert log_in(EMAIL, mailed_password(EMAIL))[0] == 200


def _half_made(job: RegisterJob) -> str:
    """What a run of `job` leaves when it dies after creating the account, before the mail."""
    directory = UserDirectory()
    user_id = directory.create(job.registration.email, job.registration.phone, generate_password())
    ProfileStore().create(account_jobs._profile(user_id, job), registration_job=job.id)
    return user_id


def _queue(job: RegisterJob, world: World) -> None:
    sqs_client().send_message(QueueUrl=world.refs["MailQueue"], MessageBody=job.model_dump_json())


def test_the_retry_of_a_run_that_died_half_way_starts_afresh_and_never_says_already_registered(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = RegisterJob(registration=IndividualRegistration.model_validate(IVAN))
    leftover = _half_made(job)
    _queue(job, world)
    # Delivered again after the visibility timeout (5 min): the leftover is older than any live run.
    monkeypatch.setattr(account_jobs, "now", lambda: datetime.now(UTC) + timedelta(minutes=5))

    mails = mails_to(EMAIL)

    assert [m["subject"] for m in mails] == ["Регистрация в личном кабинете потребителя"]
    [user] = users(world)
    assert leftover not in json.dumps(user, default=str)
    assert log_in(EMAIL, mailed_password(EMAIL))[0] == 200


def test_an_account_still_in_the_making_makes_the_job_wait_rather_than_touch_it(world: World) -> None:
    job = RegisterJob(registration=IndividualRegistration.model_validate(IVAN))
    _half_made(job)  # as if another run of the job were at it right now
    _queue(job, world)

    delivery = deliver_mail()

    assert (delivery.done, delivery.failed) == (0, 1)
    assert len(users(world)) == 1
    assert sent_mails() == []


def test_a_notice_delivered_twice_is_mailed_once(world: World) -> None:
    common_mail.queue_notice(EMAIL, "Тема", "Текст.")
    [body] = queued_bodies(world)
    sqs_client().send_message(QueueUrl=world.refs["MailQueue"], MessageBody=json.dumps(body))

    assert [m["subject"] for m in mails_to(EMAIL)] == ["Тема"]


def test_a_message_that_is_not_a_job_fails_until_the_dead_letter_queue(world: World) -> None:
    sqs_client().send_message(
        QueueUrl=world.refs["MailQueue"], MessageBody='{"kind": "spam", "to": "x@y.ru"}'
    )

    assert deliver_mail(receive_count=6).failed == 5
    assert sent_mails() == []


# ---------------------------------------------------------------- secrets


def test_no_password_is_ever_on_the_queue(world: World) -> None:
    register(IVAN)
    bodies = queued_bodies(world)
    password_of_register = mailed_password(EMAIL)
    change = {
        "old_password": password_of_register,
        "new_password": "секрет-123",
        "new_password_repeat": "секрет-123",
    }
    call(
        auth,
        api_event("POST", "/api/profile/password", change, claims=claims_of(EMAIL, password_of_register)),
    )
    owed = json.dumps([entry.model_dump(mode="json") for entry in owed_entries(world)], ensure_ascii=False)
    relay_outbox()
    reset(EMAIL)
    owed += json.dumps([entry.model_dump(mode="json") for entry in owed_entries(world)], ensure_ascii=False)
    relay_outbox()
    bodies += queued_bodies(world)
    reset_password = mailed_password(EMAIL)

    assert [b["kind"] for b in bodies] == ["register", "notice", "reset_password"]
    for secret in (password_of_register, "секрет-123", reset_password):
        assert all(secret not in json.dumps(b, ensure_ascii=False) for b in bodies)
        assert secret not in owed  # nor in the outbox, which keeps the notice until it is queued


def test_an_aws_fault_on_one_job_of_a_batch_fails_that_job_only_and_redelivery_mails_it(world: World) -> None:
    for to in ("first@example.ru", "second@example.ru", "third@example.ru"):
        common_mail.queue_notice(to, "Тема", "Текст.")

    with failing_where("ses", "SendEmail", "second@example.ru", fault="5xx"):
        delivery = deliver_mail(world)

    assert (delivery.batches, delivery.done, delivery.failed) == (1, 2, 1)
    again = deliver_mail(world)
    assert (again.done, again.failed) == (1, 0)
    mailed = sorted(mail["to"] for mail in sent_mails(world))
    assert mailed == ["first@example.ru", "second@example.ru", "third@example.ru"]


def test_a_job_done_whose_mark_cannot_be_written_is_not_delivered_again(world: World) -> None:
    common_mail.queue_notice(EMAIL, "Тема", "Текст.")

    with failing_where("dynamodb", "PutItem", "job#", fault="timeout"):
        delivery = deliver_mail(world)

    assert (delivery.done, delivery.failed) == (1, 0)
    assert [mail["to"] for mail in sent_mails(world)] == [EMAIL]  # the redelivery would mail twice


# ---------------------------------------------------------------- kinds of job


class PingJob(common_mail.MailJob):
    """A kind of job of some domain, as the worker would be given it."""

    kind: Literal["ping"] = "ping"
    to: str


def test_the_mail_function_s_worker_does_the_notices_and_the_account_jobs_auth_gives_it() -> None:
    kinds = ["email_code", "notice", "outage_fanout", "register", "reset_code", "reset_password"]

    assert sorted(mail_worker.worker.kinds) == kinds
    # The worker tells auth's kinds by their models and imports their rules when one comes: the same kinds.
    assert {kind.model for kind in account_jobs.ACCOUNT_JOBS} == set(mail_worker.ACCOUNT_JOB_MODELS)


def test_a_kind_of_job_is_given_once_and_names_its_kind() -> None:
    with pytest.raises(ValueError, match="given twice"):
        MailWorker(NOTICE)
    with pytest.raises(TypeError, match="names its kind"):
        JobKind(common_mail.MailJob, lambda job, ledger: "done")


def batch(*bodies: str) -> dict[str, Any]:
    """SQS's event of messages with these bodies, as Lambda's event source passes it."""
    messages = [{"MessageId": f"m-{n}", "ReceiptHandle": f"r-{n}", "Body": b} for n, b in enumerate(bodies)]
    return sqs_event(messages, "arn:aws:sqs:eu-central-1:123456789012:MailQueue", "eu-central-1")


def test_a_domain_s_kind_of_job_is_done_once_however_often_sqs_delivers_it(world: World) -> None:
    done: list[str] = []

    def ping(job: PingJob, ledger: MailLedger) -> str:
        done.append(job.to)
        return "pinged"

    worker = MailWorker(JobKind(PingJob, ping))
    body = PingJob(to=EMAIL).model_dump_json()

    twice = worker.handle(batch(body, body), LambdaContext("test"))
    with_unknown = worker.handle(batch(body, '{"kind": "pong", "to": "x@y.ru"}'), LambdaContext("test"))

    assert twice == {"batchItemFailures": []}
    assert with_unknown == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert done == [EMAIL]
