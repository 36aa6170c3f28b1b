"""Creates in moto every resource `template.yaml` declares, and the functions' environment.

Works against moto's server (`make run`, API tests) and inside `moto.mock_aws` (unit tests): it
only uses a boto3 session. Property names are taken from the template, not repeated here.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3

from infra.template import load_template, parameter_defaults, resolve, resources

ACCOUNT_ID = "123456789012"  # moto's account
LOCAL_PREFIX = "portal"

# What `make deploy` must be given (a parameter of template.yaml without a default), given here
# for the local world, as --parameter-overrides would be. The operator's facts are demo values,
# marked as such on the policy page: a real stack is given the company's own (README, «Deploying»).
LOCAL_PARAMETERS = {
    "AlarmEmail": "alarms@portal.example.ru",
    # make run gives its own address, sender and ASKUE simulator (infra/local.py); these are for the
    # unit tests' world, under the domain reserved for examples (RFC 2606), which no deploy accepts
    # (infra/preflight.py).
    "MailSender": "no-reply@portal.example.ru",
    "PortalUrl": "https://portal.example.ru",
    "AskueBaseUrl": "https://askue.example.ru/api",
    "OperatorName": "ООО «Сетевая компания» (демо)",
    "OperatorAddress": "123456, г. Москва, ул. Примерная, д. 1 (демо)",
    "OperatorInn": "7700000000",
    "PersonalDataOfficer": "Иванова Мария Петровна (демо)",
    "PersonalDataOfficerContact": "pd@portal.example.ru, +7 495 000-00-00 (демо)",
}

# Environment variables that legitimately differ per function; the rest must agree, because the
# local gateway runs every function in one process with one environment.
PER_FUNCTION_VARIABLES = frozenset({"POWERTOOLS_SERVICE_NAME"})


@dataclass
class World:
    region: str
    parameters: dict[str, str]
    refs: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)
    # Each integrator's key, issued by the local stack (infra/integrators.py); none in the unit tests.
    integrator_keys: dict[str, str] = field(default_factory=dict)
    # Local only: the queue every event put on the portal's bus is copied to (GET /_local/events).
    events_queue_url: str = ""

    def lookup(self, logical_id: str, attribute: str | None) -> str:
        if attribute is None:
            if logical_id in self.parameters:
                return self.parameters[logical_id]
            pseudo = {
                "AWS::Region": self.region,
                "AWS::AccountId": ACCOUNT_ID,
                "AWS::StackName": LOCAL_PREFIX,
                "AWS::Partition": "aws",
                "AWS::URLSuffix": "amazonaws.com",
            }
            if logical_id in pseudo:
                return pseudo[logical_id]
            return self.refs[logical_id]
        return self.attributes[(logical_id, attribute)]


def _pick(props: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {name: props[name] for name in names if name in props}


def _create_tables(session: boto3.Session, template: Mapping[str, Any], world: World) -> None:
    client = session.client("dynamodb")
    tables = resources(template, "AWS::DynamoDB::Table")
    for logical_id, resource in tables.items():
        props = resource["Properties"]
        name = f"{LOCAL_PREFIX}-{logical_id}"
        stream = props.get("StreamSpecification")
        optional = _pick(
            props, "KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes", "LocalSecondaryIndexes"
        )
        if stream:  # CloudFormation's StreamSpecification is the view type alone; the API's enables it
            optional["StreamSpecification"] = {
                "StreamEnabled": True,
                "StreamViewType": stream["StreamViewType"],
            }
        client.create_table(
            TableName=name, BillingMode=props.get("BillingMode", "PAY_PER_REQUEST"), **optional
        )
        ttl = props.get("TimeToLiveSpecification")
        if ttl:
            client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
        described = client.describe_table(TableName=name)["Table"]
        world.refs[logical_id] = name
        world.attributes[(logical_id, "Arn")] = described["TableArn"]
        if stream:  # the stream infra/events.py feeds to the functions that read it
            world.attributes[(logical_id, "StreamArn")] = described["LatestStreamArn"]


# CloudFormation's names of a CORS rule's properties where the S3 API names them differently.
_CORS_NAMES = {"MaxAge": "MaxAgeSeconds", "Id": "ID"}


def _create_buckets(session: boto3.Session, template: Mapping[str, Any], world: World) -> None:
    client = session.client("s3")
    for logical_id, resource in resources(template, "AWS::S3::Bucket").items():
        name = f"{LOCAL_PREFIX}-{logical_id}".lower()
        if world.region == "us-east-1":
            client.create_bucket(Bucket=name)
        else:
            client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": world.region})  # type: ignore[typeddict-item]
        versioning = resource.get("Properties", {}).get("VersioningConfiguration")
        if versioning:  # an object written again keeps its earlier versions, as in AWS
            status = versioning["Status"]
            client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": status})
        cors = resolve(resource.get("Properties", {}).get("CorsConfiguration"), world.lookup)
        if cors:
            rules = [{_CORS_NAMES.get(k, k): v for k, v in rule.items()} for rule in cors["CorsRules"]]
            client.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})  # type: ignore[typeddict-item]
        world.refs[logical_id] = name
        world.attributes[(logical_id, "Arn")] = f"arn:aws:s3:::{name}"
        world.attributes[(logical_id, "RegionalDomainName")] = f"{name}.s3.{world.region}.amazonaws.com"


def _create_queues(session: boto3.Session, template: Mapping[str, Any], world: World) -> None:
    client = session.client("sqs")
    # Dead-letter queues first: a queue's redrive policy names its DLQ's ARN.
    ordered = sorted(
        resources(template, "AWS::SQS::Queue").items(),
        key=lambda item: "RedrivePolicy" in item[1]["Properties"],
    )
    for logical_id, resource in ordered:
        props = resolve(resource.get("Properties", {}), world.lookup)
        attributes = {
            key: json.dumps(value) if isinstance(value, dict) else str(value)
            for key, value in props.items()
            if key
            in (
                "VisibilityTimeout",
                "MessageRetentionPeriod",
                "ReceiveMessageWaitTimeSeconds",
                "RedrivePolicy",
            )
        }
        name = f"{LOCAL_PREFIX}-{logical_id}"
        url = client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        world.refs[logical_id] = url
        world.attributes[(logical_id, "QueueName")] = name
        world.attributes[(logical_id, "Arn")] = f"arn:aws:sqs:{world.region}:{ACCOUNT_ID}:{name}"


def _create_keys(session: boto3.Session, template: Mapping[str, Any], world: World) -> None:
    client = session.client("kms")
    for logical_id, resource in resources(template, "AWS::KMS::Key").items():
        props = resource.get("Properties", {})
        key = client.create_key(Description=str(props.get("Description", logical_id)))["KeyMetadata"]
        world.refs[logical_id] = key["KeyId"]
        world.attributes[(logical_id, "Arn")] = key["Arn"]
        world.attributes[(logical_id, "KeyId")] = key["KeyId"]


_POOL_PROPERTIES = (
    "Policies",
    "UsernameAttributes",
    "UsernameConfiguration",
    "AdminCreateUserConfig",
    "AccountRecoverySetting",
    "Schema",
    "AutoVerifiedAttributes",
    "MfaConfiguration",
    "DeletionProtection",
)
_CLIENT_PROPERTIES = (
    "ClientName",
    "ExplicitAuthFlows",
    "PreventUserExistenceErrors",
    "GenerateSecret",
    "EnableTokenRevocation",
    "AccessTokenValidity",
    "IdTokenValidity",
    "RefreshTokenValidity",
    "TokenValidityUnits",
)


def _create_user_pools(session: boto3.Session, template: Mapping[str, Any], world: World) -> None:
    client = session.client("cognito-idp")
    for logical_id, resource in resources(template, "AWS::Cognito::UserPool").items():
        props = resolve(resource["Properties"], world.lookup)
        pool = client.create_user_pool(
            PoolName=str(props.get("UserPoolName", logical_id)), **_pick(props, *_POOL_PROPERTIES)
        )["UserPool"]
        world.refs[logical_id] = pool["Id"]
        world.attributes[(logical_id, "Arn")] = pool["Arn"]
        world.attributes[(logical_id, "ProviderURL")] = (
            f"cognito-idp.{world.region}.amazonaws.com/{pool['Id']}"
        )
    for logical_id, resource in resources(template, "AWS::Cognito::UserPoolClient").items():
        props = resolve(resource["Properties"], world.lookup)
        created = client.create_user_pool_client(
            UserPoolId=props["UserPoolId"], **_pick(props, *_CLIENT_PROPERTIES)
        )
        world.refs[logical_id] = created["UserPoolClient"]["ClientId"]


def _function_environment(template: Mapping[str, Any], world: World) -> dict[str, str]:
    shared = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    merged: dict[str, str] = {k: str(v) for k, v in resolve(shared, world.lookup).items()}
    for name, function in resources(template, "AWS::Serverless::Function").items():
        own = function["Properties"].get("Environment", {}).get("Variables", {})
        for key, value in resolve(own, world.lookup).items():
            if key in PER_FUNCTION_VARIABLES:
                continue
            if key in merged and merged[key] != str(value):
                raise ValueError(
                    f"{name} sets {key} differently from another function; the local stack needs one value"
                )
            merged[key] = str(value)
    return merged


# A rule that only the local stack has: moto's EventBridge keeps no event nobody's rule matches, so
# every event of the portal's buses is copied to this queue, read by infra/integrator_events.py (and
# seen by the fault matrix's world state, tests/faults.py: a lost event shows there).
LOCAL_EVENTS_QUEUE = f"{LOCAL_PREFIX}-local-events"
LOCAL_EVENTS_RULE = "local-copy-of-every-event"


def _create_event_buses(session: boto3.Session, template: Mapping[str, Any], world: World) -> None:
    from functions.common.events import SOURCE

    client = session.client("events")
    sqs = session.client("sqs")
    world.events_queue_url = sqs.create_queue(QueueName=LOCAL_EVENTS_QUEUE)["QueueUrl"]
    queue_arn = f"arn:aws:sqs:{world.region}:{ACCOUNT_ID}:{LOCAL_EVENTS_QUEUE}"
    for logical_id, resource in resources(template, "AWS::Events::EventBus").items():
        name = str(resolve(resource["Properties"], world.lookup)["Name"])
        arn = client.create_event_bus(Name=name)["EventBusArn"]
        world.refs[logical_id] = name
        world.attributes[(logical_id, "Arn")] = arn
        world.attributes[(logical_id, "Name")] = name
        client.put_rule(
            Name=LOCAL_EVENTS_RULE, EventBusName=name, EventPattern=json.dumps({"source": [SOURCE]})
        )
        client.put_targets(
            Rule=LOCAL_EVENTS_RULE, EventBusName=name, Targets=[{"Id": "local-events", "Arn": queue_arn}]
        )


def _create_mail_configuration_sets(
    session: boto3.Session, template: Mapping[str, Any], world: World
) -> None:
    """SES configuration sets (SES in moto takes the name and publishes no event: infra/bounces.py
    sends the notifications a bounce or a complaint would)."""
    client = session.client("ses")
    for logical_id, resource in resources(template, "AWS::SES::ConfigurationSet").items():
        name = str(resolve(resource["Properties"]["Name"], world.lookup))
        client.create_configuration_set(ConfigurationSet={"Name": name})
        world.refs[logical_id] = name


def build_world(session: boto3.Session, overrides: Mapping[str, str] | None = None) -> World:
    """Creates every table, bucket, queue, key, user pool and client, event bus; verifies the mail sender.

    `overrides` replaces template parameters (e.g. PortalUrl for the local address); a parameter
    without a default takes its LOCAL_PARAMETERS value unless overridden.
    """
    template = load_template()
    world = World(
        region=session.region_name or "eu-central-1",
        parameters={**parameter_defaults(template), **LOCAL_PARAMETERS, **(overrides or {})},
    )
    missing = sorted(set(template.get("Parameters", {})) - set(world.parameters))
    if missing:  # as CloudFormation refuses the stack
        raise ValueError(f"template.yaml's parameters {missing} have no default and no value")
    _create_tables(session, template, world)
    _create_buckets(session, template, world)
    _create_keys(session, template, world)
    _create_queues(session, template, world)
    _create_user_pools(session, template, world)
    _create_mail_configuration_sets(session, template, world)
    _create_event_buses(session, template, world)
    session.client("ses").verify_email_identity(EmailAddress=world.parameters["MailSender"])
    world.environment = _function_environment(template, world)
    return world
