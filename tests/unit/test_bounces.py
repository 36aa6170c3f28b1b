"""Mail that does not arrive (functions/mail/bounces.py; the profile's mark:
functions/auth/mail_bounces.py): SES's permanent bounce or complaint, as the configuration set
publishes it through SNS, suppresses the address — the portal never mails it again — and the
consumer sees it in «Профиль»."""

from typing import Any

import pytest

from functions.auth import handler as auth
from functions.auth import mail_bounces
from functions.mail import bounces
from functions.mail.store import MailLedger
from infra.bounces import mail_event_function, ses_notification, sns_event
from infra.lambda_runtime import LambdaContext
from infra.template import load_template, resources
from infra.world import World
from tests.unit.conftest import api_event, call, deliver_mail, mailed, relay_outbox, sent_mails
from tests.unit.test_accounts import IVAN, claims_of, mailed_password, register
from tests.unit.test_mail import reset

EMAIL = "ivan.petrov@example.ru"  # IVAN's address as the portal keeps it


def ses_reports(email: str, kind: str, **bounce: Any) -> None:
    notification = ses_notification(email, kind, "no-reply@portal.example.ru")
    notification.get("bounce", {}).update(bounce)
    mail_bounces.lambda_handler(
        sns_event(notification, "arn:aws:sns:eu-central-1:1:t"), LambdaContext("bounces")
    )


def registered(world: World) -> dict[str, str]:
    assert register(IVAN)[0] == 202
    deliver_mail()
    return claims_of(EMAIL, mailed_password(EMAIL))


def profile(claims: dict[str, str]) -> dict[str, Any]:
    status, body = call(auth, api_event("GET", "/api/profile", claims=claims))
    assert status == 200
    return dict(body)


@pytest.mark.parametrize("kind", ["bounce", "complaint"])
def test_a_permanent_bounce_or_a_complaint_marks_the_profile_and_stops_all_mail(
    world: World, kind: str
) -> None:
    claims = registered(world)
    assert profile(claims)["mail_undeliverable_since"] is None

    ses_reports("Ivan.Petrov@Example.RU", kind)

    assert profile(claims)["mail_undeliverable_since"] is not None
    mails_before = len(sent_mails())
    assert reset(EMAIL)["statusCode"] == 202  # support resets the password: its mail is not sent
    assert relay_outbox() == 1  # owed and queued, then refused by the worker
    assert len(sent_mails()) == mails_before


def test_a_transient_bounce_changes_nothing(world: World) -> None:
    claims = registered(world)

    ses_reports(EMAIL, "bounce", bounceType="Transient", bounceSubType="MailboxFull")

    assert profile(claims)["mail_undeliverable_since"] is None
    mails_before = len([m for m in sent_mails() if m["to"] == EMAIL])
    assert reset(EMAIL)["statusCode"] == 202
    assert len([m for m in mailed() if m["to"] == EMAIL]) == mails_before + 1


def test_a_bounce_of_an_address_no_consumer_has_is_suppressed_all_the_same(world: World) -> None:
    ses_reports("nobody@example.ru", "bounce")

    assert register({**IVAN, "email": "nobody@example.ru"})[0] == 202
    deliver_mail()
    assert [m for m in sent_mails() if m["to"] == "nobody@example.ru"] == []


def test_the_second_report_keeps_the_first_date(world: World) -> None:
    claims = registered(world)
    ses_reports(EMAIL, "bounce")
    first = profile(claims)["mail_undeliverable_since"]

    ses_reports(EMAIL, "complaint")

    assert profile(claims)["mail_undeliverable_since"] == first


def test_ses_publishes_bounces_and_complaints_of_the_mail_it_sends_to_the_bounce_function() -> None:
    template = load_template()
    [destination] = resources(template, "AWS::SES::ConfigurationSetEventDestination").values()
    spec = destination["Properties"]["EventDestination"]
    mail_env = template["Resources"]["MailFunction"]["Properties"]["Environment"]["Variables"]

    assert destination["Properties"]["ConfigurationSetName"] == {"Ref": "MailConfigurationSet"}
    assert mail_env["MAIL_CONFIGURATION_SET"] == {"Ref": "MailConfigurationSet"}
    assert sorted(spec["MatchingEventTypes"]) == ["bounce", "complaint"]
    assert spec["SnsDestination"]["TopicARN"] == {"Ref": "MailEventsTopic"}
    assert mail_event_function(template) == (
        "MailBounceFunction",
        "functions.auth.mail_bounces.lambda_handler",
    )


def test_mail_alone_suppresses_the_address_and_marks_what_the_handler_gives_it(world: World) -> None:
    claims = registered(world)
    event = sns_event(ses_notification(EMAIL, "bounce", "no-reply@portal.example.ru"), "arn:aws:sns:x")
    marked: list[str] = []

    bounces.suppress_reported(event)  # no domain told
    assert profile(claims)["mail_undeliverable_since"] is None
    bounces.suppress_reported(event, lambda address, at: marked.append(address))

    assert marked == [EMAIL]
    assert MailLedger().is_suppressed(EMAIL)
