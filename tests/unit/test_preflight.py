"""make deploy's preflight (infra/preflight.py): a deploy with a parameter missing or a placeholder
stops before anything is built or sent to CloudFormation, naming each parameter in plain words."""

import os
import subprocess

import pytest

from infra import preflight
from infra.deploy import sam_arguments
from infra.template import ROOT, load_template
from infra.world import LOCAL_PARAMETERS

# A company's real-looking values for every parameter without a default (7707083893: an ИНН with
# correct check digits), as a CI job's environment gives them.
REAL = {
    "ALARM_EMAIL": "ops@gorelectroset.ru",
    "MAIL_SENDER": "no-reply@lk.gorelectroset.ru",
    "PORTAL_URL": "https://lk.gorelectroset.ru",
    "ASKUE_BASE_URL": "https://askue.gorelectroset.ru/api",
    "OPERATOR_NAME": "АО «Горэлектросеть»",
    "OPERATOR_ADDRESS": "170100, г. Тверь, ул. Советская, д. 1",
    "OPERATOR_INN": "7707083893",
    "PERSONAL_DATA_OFFICER": "Петров Пётр Петрович",
    "PERSONAL_DATA_OFFICER_CONTACT": "pd@gorelectroset.ru, +7 4822 00-00-00",
    "DOMAIN_NAMES": "lk.gorelectroset.ru",
    "CERTIFICATE_ARN": "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
}


def _problems(environ: dict[str, str], env: str = "prod") -> dict[str, str]:
    _, problems = preflight.check(env, environ)
    return {p.parameter: p.what for p in problems}


def test_every_parameter_without_a_default_is_named_when_missing() -> None:
    required = {name for name, spec in load_template()["Parameters"].items() if "Default" not in spec}

    problems = _problems({})

    assert required >= {
        "MailSender",
        "PortalUrl",
        "AskueBaseUrl",
        "OperatorName",
        "OperatorInn",
        "AlarmEmail",
    }
    assert set(problems) == required
    assert all(what == "not given, and it has no default" for what in problems.values())


def test_a_company_s_real_values_pass_with_samconfig_s_for_the_environment() -> None:
    values, problems = preflight.check("staging", REAL)

    assert problems == []
    assert values["MailSender"] == REAL["MAIL_SENDER"]
    assert values["DomainNames"] == REAL["DOMAIN_NAMES"]
    assert values["BackupRetentionDays"] == "7"  # samconfig.toml's [staging] parameter_overrides
    assert preflight.check("prod", REAL)[0]["BackupRetentionDays"] == "28"


def test_the_environment_wins_over_samconfig() -> None:
    values, problems = preflight.check("staging", REAL | {"BACKUP_RETENTION_DAYS": "14"})

    assert problems == [] and values["BackupRetentionDays"] == "14"


@pytest.mark.parametrize("parameter", sorted(LOCAL_PARAMETERS))
def test_the_local_world_s_demo_values_are_refused_as_placeholders(parameter: str) -> None:
    variable = preflight.environment_variable(parameter)

    problems = _problems(REAL | {variable: LOCAL_PARAMETERS[parameter]})

    assert set(problems) == {parameter}
    assert "local world's demo value" in problems[parameter]


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("MAIL_SENDER", "no-reply@portal.example.com", "reserved for examples"),
        ("ASKUE_BASE_URL", "https://askue.test/api", "reserved for examples"),
        ("OPERATOR_NAME", "ООО «Ромашка» (демо)", "demo or placeholder"),
        ("OPERATOR_ADDRESS", "TODO", "demo or placeholder"),
        ("OPERATOR_INN", "7707083894", "wrong check digits"),
        ("OPERATOR_INN", "77070838", "not of the expected form"),
        ("ALARM_EMAIL", "ops", "not of the expected form"),
        ("OPERATOR_NAME", 'АО "Горэлектросеть"', "double quote"),
        ("PORTAL_URL", "http://lk.gorelectroset.ru", "https only"),
        ("PORTAL_URL", "https://www.gorelectroset.ru", "not one of DomainNames"),
        ("RESERVE_CONCURRENCY", "yes", "not one of true, false"),
        ("BACKUP_RETENTION_DAYS", "60", "above the most allowed"),
    ],
)
def test_a_wrong_or_placeholder_value_is_refused_saying_why(variable: str, value: str, said: str) -> None:
    problems = _problems(REAL | {variable: value})

    [(parameter, what)] = problems.items()
    assert preflight.environment_variable(parameter) == variable
    assert said in what


def test_an_own_domain_needs_its_certificate_and_without_one_the_portal_is_on_cloudfront() -> None:
    no_certificate = {k: v for k, v in REAL.items() if k != "CERTIFICATE_ARN"}
    assert "needs it" in _problems(no_certificate)["CertificateArn"]

    no_domain = {k: v for k, v in REAL.items() if k not in ("CERTIFICATE_ARN", "DOMAIN_NAMES")}
    assert "not served by this stack" in _problems(no_domain)["PortalUrl"]
    assert _problems(no_domain | {"PORTAL_URL": "https://d111111abcdef8.cloudfront.net"}) == {}


def test_sam_deploy_is_given_every_parameter_as_one_quoted_argument() -> None:
    values, _ = preflight.check("prod", REAL)

    command = sam_arguments("prod", values)

    assert command[:4] == ["sam", "deploy", "--config-env", "prod"]
    overrides = command[command.index("--parameter-overrides") + 1 :]
    assert 'OperatorName="АО «Горэлектросеть»"' in overrides
    assert 'PortalUrl="https://lk.gorelectroset.ru"' in overrides
    assert len(overrides) == len(values)


def _make_deploy(environ: dict[str, str], *goals: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in REAL and k != "ENV"}
    return subprocess.run(
        ["make", "--no-print-directory", "deploy", *goals],
        cwd=ROOT,
        env=base | environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_make_deploy_without_the_parameters_stops_before_anything_is_built() -> None:
    stopped = _make_deploy({}, "ENV=staging")

    assert stopped.returncode != 0
    assert "stopped before building or calling CloudFormation" in stopped.stderr
    for parameter in ("MailSender", "PortalUrl", "AskueBaseUrl", "OperatorInn", "AlarmEmail"):
        assert f"- {parameter}: not given" in stopped.stderr
    assert "infra.package" not in stopped.stdout and "sam deploy" not in stopped.stdout


def test_make_deploy_without_an_environment_asks_for_staging_or_prod() -> None:
    stopped = _make_deploy(REAL)

    assert stopped.returncode != 0
    assert "make deploy needs ENV" in stopped.stderr and "staging" in stopped.stderr
    assert "infra.package" not in stopped.stdout


def test_the_makefile_runs_the_preflight_first() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")

    # make builds a target's prerequisites in order: the preflight's failure stops it first.
    assert "deploy: preflight package cloudformation" in makefile
