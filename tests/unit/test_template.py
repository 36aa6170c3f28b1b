"""template.yaml is the single source of truth: it must be valid and agree with the code."""

import ast
import importlib
import json
import re
from pathlib import Path
from typing import Any

import boto3
import pytest

from infra.lambda_runtime import load_handler
from infra.template import ROOT, load_template, resources, routes
from infra.world import World


def _code_routes(module_name: str) -> set[tuple[str, str]]:
    app = importlib.import_module(module_name).app
    return {(route.method, route.openapi_path) for route in app._static_routes + app._dynamic_routes}


def _handler_modules() -> set[str]:
    """The modules that serve API routes: a `handler.py` with a resolver `app` (the session
    authorizer's handler answers API Gateway's questions, not routes)."""
    modules = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in (ROOT / "functions").glob("*/handler.py")
    }
    return {name for name in modules if hasattr(importlib.import_module(name), "app")}


def test_every_template_route_is_served_by_its_handler() -> None:
    for route in routes(load_template()):
        module = route.handler.rpartition(".")[0]
        assert (route.method, route.path) in _code_routes(module), f"{route} has no code"


def test_every_handler_route_is_in_the_template() -> None:
    declared = {(r.handler.rpartition(".")[0], r.method, r.path) for r in routes(load_template())}
    for module in _handler_modules():
        for method, path in _code_routes(module):
            assert (module, method, path) in declared, (
                f"{module} serves {method} {path}, template.yaml does not route it"
            )


def test_every_function_handler_exists() -> None:
    for name, function in resources(load_template(), "AWS::Serverless::Function").items():
        assert callable(load_handler(function["Properties"]["Handler"])), name


def test_every_domain_resolver_validates_and_answers_problems() -> None:
    from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

    from functions.common.problems import Problem

    for module in _handler_modules() - {"functions.docs.handler"}:
        app = importlib.import_module(module).app
        assert app._enable_validation, module
        lookup = app.exception_handler_manager.lookup_exception_handler
        assert lookup(Exception) is not None, module
        assert lookup(RequestValidationError) not in (None, lookup(Exception)), module
        assert lookup(Problem) not in (None, lookup(Exception)), module


def test_integration_routes_need_the_api_key_and_consumer_routes_cognito() -> None:
    for route in routes(load_template()):
        if route.path.startswith("/api/integration/"):
            assert route.auth == "api_key", route
        elif route.path.startswith(
            (
                "/api/auth/register",
                "/api/auth/login",
                "/api/auth/refresh",
                "/api/auth/forgot-password",
                "/api/auth/reset-password",
            )
        ) or route.path in (
            "/api/policy",
            "/api/openapi.json",
            "/api/openapi-3.0.json",
            "/api/docs",
            "/api/problems/{code}",
            # Outages are public (functions/outages/): anyone reads them without logging in.
            "/api/outages",
            "/api/outages/{id}",
        ):
            assert route.auth == "none", route
        else:
            assert route.auth == "cognito", route


def _props(kind: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in resources(load_template(), kind).values()]


def test_tables_are_recoverable_encrypted_and_protected() -> None:
    for table in _props("AWS::DynamoDB::Table"):
        assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
        assert table["SSESpecification"]["SSEEnabled"] is True
        assert table["DeletionProtectionEnabled"] is True
        assert table["BillingMode"] == "PAY_PER_REQUEST"


def test_user_pool_has_email_login_and_the_six_character_policy() -> None:
    [pool] = _props("AWS::Cognito::UserPool")
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 6
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    [client] = _props("AWS::Cognito::UserPoolClient")
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["GenerateSecret"] is False


def test_functions_run_python_3_12_and_log_with_retention() -> None:
    template = load_template()
    assert template["Globals"]["Function"]["Runtime"] == "python3.12"
    log_groups = {
        str(g["Properties"]["LogGroupName"]) for g in resources(template, "AWS::Logs::LogGroup").values()
    }
    for name in resources(template, "AWS::Serverless::Function"):
        assert any(name in group for group in log_groups), f"{name} has no log group with retention"


def _powertools_service_arguments(path: Path) -> list[int]:
    """The lines of `path` that give a Powertools Logger, Tracer or Metrics its service in code."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if called in ("Logger", "Tracer", "Metrics") and any(k.arg == "service" for k in node.keywords):
                found.append(node.lineno)
    return found


def test_each_function_names_its_service_in_the_template_and_only_there() -> None:
    """Powertools reads POWERTOOLS_SERVICE_NAME; a `service=` in code would override it, and the
    handler's logger and its modules' loggers would log one function under two names."""
    template = load_template()
    assert "POWERTOOLS_SERVICE_NAME" not in template["Globals"]["Function"]["Environment"]["Variables"]
    names = {
        name: function["Properties"]
        .get("Environment", {})
        .get("Variables", {})
        .get("POWERTOOLS_SERVICE_NAME")
        for name, function in resources(template, "AWS::Serverless::Function").items()
    }
    assert all(names.values()), f"without POWERTOOLS_SERVICE_NAME: {[n for n, s in names.items() if not s]}"
    assert len(set(names.values())) == len(names), f"two functions log under one name: {names}"
    for path in sorted((ROOT / "functions").rglob("*.py")):
        assert _powertools_service_arguments(path) == [], f"{path.relative_to(ROOT)} sets service= in code"


@pytest.mark.parametrize("statement_action", ["*", "dynamodb:*", "cognito-idp:*", "ses:*"])
def test_no_function_is_granted_a_wildcard_action(statement_action: str) -> None:
    for function in _props("AWS::Serverless::Function"):
        for policy in function.get("Policies", []):
            for statement in policy.get("Statement", []):
                actions = (
                    statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                )
                assert statement_action not in actions


def test_path_parameters_of_the_template_match_one_segment() -> None:
    from infra.template import Route

    route = Route("F", "h", "GET", "/api/requests/{id}", "cognito")
    found = route.pattern.match("/api/requests/01ABC")

    assert found is not None and found.groupdict() == {"id": "01ABC"}
    assert route.pattern.match("/api/requests/01ABC/extra") is None
    assert Route("F", "h", "GET", "/files/{proxy+}", "none").pattern.match("/files/a") is not None


# ---------------------------------------------------------------- durability, for every resource of a kind


def _resources(kind: str) -> dict[str, dict[str, Any]]:
    found = resources(load_template(), kind)
    assert found, f"template.yaml has no {kind}"
    return found


def test_every_table_survives_deletion_and_replacement_and_can_be_restored() -> None:
    for name, table in _resources("AWS::DynamoDB::Table").items():
        props = table["Properties"]
        assert table.get("DeletionPolicy") == "Retain", name
        assert table.get("UpdateReplacePolicy") == "Retain", name
        assert props["DeletionProtectionEnabled"] is True, name
        # 29 days: an erased consumer's data leaves every copy within 30 days (152-ФЗ ст. 21 ч. 5).
        assert props["PointInTimeRecoverySpecification"] == {
            "PointInTimeRecoveryEnabled": True,
            "RecoveryPeriodInDays": 29,
        }, name
        assert props["SSESpecification"]["SSEEnabled"] is True, name


def test_every_bucket_is_versioned_encrypted_private_and_tls_only() -> None:
    template = load_template()
    policies = [p["Properties"] for p in resources(template, "AWS::S3::BucketPolicy").values()]
    for name, bucket in _resources("AWS::S3::Bucket").items():
        props = bucket["Properties"]
        assert props["VersioningConfiguration"] == {"Status": "Enabled"}, name
        [rule] = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms"), name
        assert all(props["PublicAccessBlockConfiguration"].values()), name
        assert len(props["PublicAccessBlockConfiguration"]) == 4, name
        [policy] = [p for p in policies if p["Bucket"] == {"Ref": name}]
        assert any(
            s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": False}}
            for s in policy["PolicyDocument"]["Statement"]
        ), f"{name} accepts plain HTTP"


def test_the_local_world_versions_the_buckets_as_the_template_does(world: World) -> None:
    for name, bucket in _resources("AWS::S3::Bucket").items():
        versioning = boto3.client("s3").get_bucket_versioning(Bucket=world.refs[name])
        assert versioning.get("Status") == bucket["Properties"]["VersioningConfiguration"]["Status"], name


def test_uploaded_files_survive_the_stack() -> None:
    uploads = _resources("AWS::S3::Bucket")["UploadsBucket"]
    assert uploads.get("DeletionPolicy") == uploads.get("UpdateReplacePolicy") == "Retain"


def test_every_log_group_keeps_logs_for_the_retention_parameter() -> None:
    template = load_template()
    assert template["Parameters"]["LogRetentionDays"]["Default"] >= 365
    for name, group in _resources("AWS::Logs::LogGroup").items():
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, name


def test_review_days_parameter_names_exactly_the_registry_s_request_types() -> None:
    """A type added to REQUEST_KINDS fails here, not at run time, until the parameter names it."""
    from functions.requests.vocabulary import REQUEST_KINDS

    parameter = load_template()["Parameters"]["RequestReviewDays"]
    codes = "|".join(kind.code for kind in REQUEST_KINDS)
    default = ",".join(f"{kind.code}={kind.review_days}" for kind in REQUEST_KINDS)
    pattern = f"^({codes})=[1-9][0-9]*(,({codes})=[1-9][0-9]*)*$"

    assert parameter["Default"] == default, f"template.yaml, RequestReviewDays:\n    Default: {default}"
    assert parameter["AllowedPattern"] == pattern, (
        f'template.yaml, RequestReviewDays:\n    AllowedPattern: "{pattern}"'
    )
    assert re.fullmatch(pattern, "grid_theft=3,connection=20")
    assert not re.fullmatch(pattern, "conection=15")  # a typo is refused when the stack is deployed
    assert not re.fullmatch(pattern, "grid_theft=0")


def test_identities_keys_and_queues_are_protected() -> None:
    for name, pool in _resources("AWS::Cognito::UserPool").items():
        assert pool["Properties"]["DeletionProtection"] == "ACTIVE", name
        assert pool.get("DeletionPolicy") == "Retain", name
    for name, key in _resources("AWS::KMS::Key").items():
        assert key["Properties"]["EnableKeyRotation"] is True, name
        assert key.get("DeletionPolicy") == "Retain", name
    for name, queue in _resources("AWS::SQS::Queue").items():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True, name


def _s3_statements(function: str) -> list[dict[str, Any]]:
    """The function's S3 statements, each with its actions as a list and its resource's path after
    the bucket (`requests/*`)."""
    found = []
    for policy in _resources("AWS::Serverless::Function")[function]["Properties"]["Policies"]:
        for statement in policy.get("Statement", []):
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            if any(action.startswith("s3:") for action in actions):
                path = str(statement["Resource"]["Fn::Sub"]).removeprefix("${UploadsBucket.Arn}/")
                found.append({**statement, "Action": actions, "Path": path})
    return found


def test_a_filed_file_is_written_only_by_a_copy_and_read_from_the_requests_own_prefix() -> None:
    from functions.requests.uploads import filed_file_key

    filed = filed_file_key("01M8FEWQFNR64E9FA3R9R3PCS9", 0).split("/")[0] + "/*"
    requests_fn = _s3_statements("RequestsFunction")
    allowed = {(s["Path"], a) for s in requests_fn if s["Effect"] == "Allow" for a in s["Action"]}
    [deny] = [s for s in requests_fn if s["Effect"] == "Deny"]

    # The forms this role signs may write uploads/ only: a PutObject under requests/ that is not a
    # copy (a presigned POST is one) is denied.
    assert (filed, "s3:PutObject") in allowed and ("uploads/*", "s3:PutObject") in allowed
    assert (deny["Path"], deny["Action"]) == (filed, ["s3:PutObject"])
    assert deny["Condition"] == {"Null": {"s3:x-amz-copy-source": "true"}}
    # Copying a given version of an upload needs GetObjectVersion on it; nothing else is versioned.
    assert {a for p, a in allowed if p == "uploads/*"} == {
        "s3:PutObject",
        "s3:PutObjectTagging",
        "s3:GetObject",
        "s3:GetObjectVersion",
    }
    assert {a for p, a in allowed if p == filed} == {"s3:PutObject", "s3:GetObject", "s3:DeleteObject"}
    # The company's systems sign forms for their own documents only (uploads/company/, never a
    # consumer's upload), and write the requests' copies by copying too.
    from functions.requests.uploads import COMPANY_OWNER

    company = f"uploads/{COMPANY_OWNER}/*"
    integration = _s3_statements("IntegrationFunction")
    granted = {(s["Path"], a) for s in integration if s["Effect"] == "Allow" for a in s["Action"]}
    assert {p for p, _ in granted} == {company, filed}
    assert {a for p, a in granted if p == company} == {
        "s3:PutObject",
        "s3:PutObjectTagging",
        "s3:GetObject",
        "s3:GetObjectVersion",
    }
    assert {a for p, a in granted if p == filed} == {"s3:PutObject", "s3:GetObject", "s3:DeleteObject"}
    [integration_deny] = [s for s in integration if s["Effect"] == "Deny"]
    assert (integration_deny["Path"], integration_deny["Action"]) == (filed, ["s3:PutObject"])
    assert integration_deny["Condition"] == {"Null": {"s3:x-amz-copy-source": "true"}}


def test_no_lifecycle_rule_expires_a_filed_file() -> None:
    from functions.requests.uploads import filed_file_key

    filed = filed_file_key("01M8FEWQFNR64E9FA3R9R3PCS9", 0)
    rules = _resources("AWS::S3::Bucket")["UploadsBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    harmless = {"Id", "Status", "Prefix", "NoncurrentVersionExpiration", "ExpiredObjectDeleteMarker"}
    harmless |= {"AbortIncompleteMultipartUpload"}
    covering = [
        r for r in rules if filed.startswith(str(r.get("Prefix", r.get("Filter", {}).get("Prefix", ""))))
    ]

    assert covering, "the copies of filings that were not written are never purged"
    for rule in covering:
        assert set(rule) <= harmless, f"{rule['Id']} could expire a filed file"
    [unattached] = [r for r in rules if r.get("TagFilters") == [{"Key": "attached", "Value": "no"}]]
    assert unattached["Prefix"] == "uploads/" and not filed.startswith("uploads/")


def test_every_path_answers_its_undeclared_methods_through_an_any_method() -> None:
    from infra.template import method_fallbacks

    template = load_template()
    fallbacks = {route.path: route for route in method_fallbacks(template)}

    assert set(fallbacks) == {route.path for route in routes(template)}
    for fallback in fallbacks.values():
        # The docs function reads each path's methods from the OpenAPI document; no guard: a 405
        # tells nothing about the data behind the path.
        assert (fallback.function, fallback.auth) == ("DocsFunction", "none"), fallback


def _alarms() -> dict[str, dict[str, Any]]:
    return {name: a["Properties"] for name, a in resources(load_template(), "AWS::CloudWatch::Alarm").items()}


def test_every_dead_letter_queue_has_an_alarm_on_its_depth() -> None:
    template = load_template()
    dead_letter_queues = {
        queue["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for queue in resources(template, "AWS::SQS::Queue").values()
        if "RedrivePolicy" in queue["Properties"]
    }
    # A stream event source's OnFailure queue is one too: what the stream gave up on.
    stream_destinations = {
        event["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
        for function in resources(template, "AWS::Serverless::Function").values()
        for event in function["Properties"].get("Events", {}).values()
        if event["Type"] == "DynamoDB" and "DestinationConfig" in event["Properties"]
    }
    watched = {
        alarm["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for alarm in _alarms().values()
        if alarm.get("Namespace") == "AWS/SQS"
        and alarm.get("MetricName") == "ApproximateNumberOfMessagesVisible"
    }

    assert dead_letter_queues == {"MailDeadLetterQueue", "AskueSyncDeadLetterQueue"}
    assert stream_destinations == {"OutboxFailedQueue", "RequestExpiryFailedQueue"}
    assert watched == dead_letter_queues | stream_destinations


def test_the_api_s_5xx_rate_throttles_sync_and_mail_failures_have_alarms() -> None:
    watched = {(alarm.get("Namespace"), alarm.get("MetricName")) for alarm in _alarms().values()}

    assert {
        ("AWS/ApiGateway", "5XXError"),
        ("ConsumerPortal", "AskueSyncs"),
        ("ConsumerPortal", "MailsFailed"),
    } <= watched
    [api] = [a for a in _alarms().values() if a.get("MetricName") == "5XXError"]
    assert api["Statistic"] == "Average"  # a rate: 5XXError is 1 per 5xx answer, 0 otherwise
    api_name = load_template()["Resources"]["PortalApi"]["Properties"]["Name"]
    assert {d["Name"]: d["Value"] for d in api["Dimensions"]}["ApiName"] == api_name


def _lambda_alarms(metric: str) -> dict[str, dict[str, Any]]:
    """The alarms on a metric of AWS/Lambda, by the function they watch."""
    return {
        alarm["Dimensions"][0]["Value"]["Ref"]: alarm
        for alarm in _alarms().values()
        if alarm.get("Namespace") == "AWS/Lambda" and alarm.get("MetricName") == metric
    }


def test_every_function_nobody_waits_on_has_an_alarm_on_its_errors() -> None:
    unattended = {
        name
        for name, function in _resources("AWS::Serverless::Function").items()
        if any(
            event["Type"] in ("Schedule", "SQS", "DynamoDB", "SNS", "EventBridgeRule")
            for event in function["Properties"].get("Events", {}).values()
        )
    }
    assert {
        "AskueSyncPlannerFunction",
        "AskueSyncWorkerFunction",
        "MailFunction",
        "MailBounceFunction",
        "ErasureFunction",
        "OutboxRelayFunction",
        "OutboxSweeperFunction",
        "CognitoAccountsFunction",
    } <= unattended
    errors = _lambda_alarms("Errors")
    assert set(errors) == unattended
    for alarm in errors.values():
        assert (alarm["Statistic"], alarm["Threshold"]) == ("Sum", 1)


def test_the_outbox_relay_falling_behind_and_an_item_owed_too_long_have_alarms() -> None:
    age = _lambda_alarms("IteratorAge")["OutboxRelayFunction"]
    assert (age["Statistic"], age["Threshold"], age["ComparisonOperator"]) == (
        "Maximum",
        5 * 60 * 1000,
        "GreaterThanThreshold",
    )
    from functions.outbox.sweeper import OVERDUE_AFTER

    [overdue] = [a for a in _alarms().values() if a.get("MetricName") == "OutboxOverdue"]
    assert overdue["Dimensions"] == [{"Name": "service", "Value": "outbox-sweeper"}]
    assert (overdue["Statistic"], overdue["Threshold"]) == ("Maximum", 1)
    assert "10 minutes" in overdue["AlarmDescription"] and OVERDUE_AFTER.total_seconds() == 600


def test_a_lost_event_from_any_function_and_an_account_not_erased_have_alarms() -> None:
    [events] = [a for a in _alarms().values() if "EventsFailed" in json.dumps(a.get("Metrics", []))]
    [query] = events["Metrics"]
    assert query["Expression"] == "SELECT SUM(EventsFailed) FROM SCHEMA(ConsumerPortal, service)"
    assert (query["Period"], query["ReturnData"], events["Threshold"]) == (300, True, 1)

    [erasures] = [a for a in _alarms().values() if a.get("MetricName") == "ErasuresFailed"]
    [metric_filter] = [
        f["Properties"]
        for f in _resources("AWS::Logs::MetricFilter").values()
        if f["Properties"]["LogGroupName"] == {"Ref": "ErasureFunctionLogs"}
    ]
    [transformation] = metric_filter["MetricTransformations"]
    assert (transformation["MetricNamespace"], transformation["MetricName"]) == (
        erasures["Namespace"],
        erasures["MetricName"],
    )
    # The filter counts the line ErasureFunction logs for each account it could not erase.
    [logged] = re.findall(r'\$\.message = "([^"]+)"', metric_filter["FilterPattern"])
    assert f'logger.exception("{logged}"' in (ROOT / "functions/auth/erasure.py").read_text(encoding="utf-8")


def test_every_alarm_tells_the_alarm_topic_whose_address_is_a_parameter() -> None:
    template = load_template()

    for name, alarm in _alarms().items():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert alarm["TreatMissingData"] == "notBreaching", name
    [subscription] = resources(template, "AWS::SNS::Subscription").values()
    assert subscription["Properties"]["TopicArn"] == {"Ref": "AlarmTopic"}
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert "Condition" not in subscription  # always: someone hears the alarms


def test_the_alarm_address_is_required_so_a_deploy_without_it_fails_saying_so() -> None:
    parameter = load_template()["Parameters"]["AlarmEmail"]
    assert "Default" not in parameter  # CloudFormation refuses a stack without it
    pattern = re.compile(parameter["AllowedPattern"])
    assert pattern.fullmatch("ops@grid-company.ru")
    assert not pattern.fullmatch("") and not pattern.fullmatch("ops")
    # make deploy's preflight refuses a deploy without it (tests/unit/test_preflight.py).


def test_what_breaks_production_when_wrong_has_no_default() -> None:
    """The sender (SES refuses an unverified domain), the portal's address (mails' links, the uploads
    bucket's CORS), the ASKUE URL and the policy's facts: no example default can ship."""
    parameters = load_template()["Parameters"]

    for name in (
        "MailSender",
        "PortalUrl",
        "AskueBaseUrl",
        "OperatorName",
        "OperatorAddress",
        "OperatorInn",
        "PersonalDataOfficer",
        "PersonalDataOfficerContact",
        "AlarmEmail",
    ):
        assert "Default" not in parameters[name], name
        assert "Required." in parameters[name]["Description"], name
    for name, spec in parameters.items():
        assert "example" not in str(spec.get("Default", "")), name


def test_the_local_world_gives_a_parameter_without_a_default_its_local_value(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from infra import world as module

    assert world.parameters["AlarmEmail"] == module.LOCAL_PARAMETERS["AlarmEmail"]
    monkeypatch.setattr(module, "LOCAL_PARAMETERS", {})
    with pytest.raises(ValueError, match="AlarmEmail"):  # checked before anything is created
        module.build_world(boto3.Session(region_name=world.region))


def test_every_function_is_traced_without_its_answer_in_the_trace() -> None:
    template = load_template()
    assert template["Globals"]["Function"]["Tracing"] == "Active"

    for name, function in resources(template, "AWS::Serverless::Function").items():
        module = function["Properties"]["Handler"].rsplit(".", 1)[0]
        tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
        [handler] = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "lambda_handler"]
        decorators = [ast.unparse(d) for d in handler.decorator_list]
        # The answers carry tokens and presigned URLs: X-Ray must not record them.
        assert "tracer.capture_lambda_handler(capture_response=False)" in decorators, name


def test_the_askue_sync_rate_is_bounded_where_the_template_says() -> None:
    """What limits the sync on AWS is set in one place each (README, Performance): 5 worker
    environments at a time, reserved and no more; a batch per environment, one thread per account;
    one planner; a message that is in flight longer than 6 worker timeouts is not delivered twice;
    the worker has a full vCPU (1,769 MB), so that its own CPU per account does not bound it first."""
    from functions.askue.worker import BATCH_SIZE

    functions = _resources("AWS::Serverless::Function")
    worker = functions["AskueSyncWorkerFunction"]["Properties"]
    source = worker["Events"]["SyncQueue"]["Properties"]
    assert source["BatchSize"] == BATCH_SIZE
    assert source["ScalingConfig"]["MaximumConcurrency"] == 5
    # Reserved as many as the event source may use, when the account's quota allows reserving.
    assert worker["ReservedConcurrentExecutions"] == {
        "Fn::If": ["ReservesConcurrency", 5, {"Ref": "AWS::NoValue"}]
    }
    assert worker["MemorySize"] == 1769
    planner = functions["AskueSyncPlannerFunction"]["Properties"]
    assert planner["ReservedConcurrentExecutions"] == {
        "Fn::If": ["ReservesConcurrency", 1, {"Ref": "AWS::NoValue"}]
    }
    # Without the reservation, a run ends (its timeout) before the next tick of the schedule.
    assert planner["Timeout"] <= 300 and planner["Events"]["Schedule"]["Properties"]["Schedule"] == {
        "Ref": "AskueSyncSchedule"
    }
    queue = _resources("AWS::SQS::Queue")["AskueSyncQueue"]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * worker["Timeout"]
    assert queue["RedrivePolicy"]["maxReceiveCount"] >= 2
