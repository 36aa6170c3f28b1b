"""The README's security table («Security: what holds, and its window») says what the template does:
each row's number is read here from template.yaml, so the table cannot promise another window."""

from infra.template import ROOT, load_template, resources, token_authorizer

README = ROOT / "README.md"
TABLE = "### Security: what holds, and its window"


def security_rows() -> list[str]:
    """The table's rows (without its header), as written."""
    text = README.read_text(encoding="utf-8")
    section = text.split(TABLE, 1)[1].split("\n### ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return rows[1:]  # the header; the separator does not start with "| "


def security_row(what: str) -> str:
    [row] = [row for row in security_rows() if row.startswith(f"| {what}")]
    return row


def test_an_ended_session_is_refused_everywhere_within_a_minute_and_the_table_says_so() -> None:
    cached = token_authorizer(load_template()).cache_seconds

    assert 0 < cached <= 60  # API Gateway caches the authorizer's Allow this long per token
    assert f"**within {cached} s**" in security_row("a session ended")


def test_the_table_names_what_the_consumer_s_token_may_write() -> None:
    [client] = resources(load_template(), "AWS::Cognito::UserPoolClient").values()
    writable = ", ".join(client["Properties"]["WriteAttributes"])

    assert f"`WriteAttributes` is `[{writable}]`" in security_row("the email (the login) rewritten")


def test_the_table_says_a_failing_authorizer_is_the_templates_503() -> None:
    from infra.template import gateway_answer, gateway_responses

    row = security_row("the session authorizer failing")
    for response_type in ("AUTHORIZER_CONFIGURATION_ERROR", "AUTHORIZER_FAILURE"):
        answer = gateway_answer(gateway_responses(load_template()), response_type)
        assert f"`{response_type}`" in row
        assert f"a Russian {answer.status} with `Retry-After: {answer.headers['Retry-After']}`" in row


def test_the_readme_queries_the_fields_the_access_log_writes() -> None:
    import json
    import re

    api = load_template()["Resources"]["PortalApi"]["Properties"]
    written = set(json.loads(api["AccessLogSetting"]["Format"]))
    text = README.read_text(encoding="utf-8")
    section = text.split("### Who saw my data", 1)[1].split("\n### ", 1)[0]
    queried: set[str] = set()
    for query in re.findall(r"```\n(.*?)```", section, re.DOTALL):
        for shown in re.findall(r"fields ([^|\n]+)", query):
            queried |= {name.strip() for name in shown.split(",")}
        queried |= set(re.findall(r"([@a-zA-Z]+) (?:=|like) ", query))

    assert {"caller", "path", "route", "status"} <= queried
    assert queried - {"@timestamp"} <= written, queried - written
    assert "`/aws/apigateway/<stack>-api-access`" in section


def test_the_table_names_the_cognito_calls_the_rule_hears() -> None:
    function = load_template()["Resources"]["CognitoAccountsFunction"]["Properties"]
    [rule] = [e["Properties"] for e in function["Events"].values() if e["Type"] == "EventBridgeRule"]
    calls = rule["Pattern"]["detail"]["eventName"]

    row = security_row("an account disabled or deleted in Cognito directly")
    assert "/".join(f"`{call}`" for call in calls) in row
    assert (
        "within the event's delivery" in row
        and f"the authorizer's {token_authorizer(load_template()).cache_seconds} s" in row
    )


def test_the_table_gives_the_web_acl_s_limits_and_answer() -> None:
    from infra.waf import LocalWaf

    words = {
        "/api/auth/register": "registrations",
        "/api/auth/forgot-password": "«Забыли пароль?»",
        "/api/auth/reset-password": "resets",
        "/api/auth/login": "logins",
    }
    rates = [rate for rate in LocalWaf(load_template()).rate_limits() if rate.key == "IP"]
    row = security_row("registration and «Забыли пароль?»")

    said = [f"{rate.limit} {words['/' + rate.scope_path.split('/', 2)[-1]]}" for rate in rates]  # no stage
    assert ", ".join(said[:-1]) + " and " + said[-1] in row
    assert {rate.window_seconds for rate in rates} == {300}
    assert "in 5 minutes" in row and "`Retry-After: 300`" in row
