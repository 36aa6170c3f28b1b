"""infra/moto_patches.py: the emulator's shortcuts change what it costs, never what it answers."""

import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from infra.world import World

ROOT = Path(__file__).resolve().parents[2]

# A fresh interpreter: the patch changes moto's modules for good, and the test must see it applied
# from nothing. It serves one world's worth of calls through moto's own dispatcher and counts the
# folder listings the dispatch makes.
SCRIPT = """
import os, sys
from moto import backends
from moto.core import responses
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.test import Client
from infra.moto_patches import cheaper_server_dispatch

before = sorted(backends.list_of_moto_modules())
cheaper_server_dispatch()
cheaper_server_dispatch()
client = Client(DomainDispatcherApplication(create_backend_app))
headers = {"Authorization": "AWS4-HMAC-SHA256 Credential=k/20260101/eu-central-1/sqs/aws4_request, "
           "SignedHeaders=host, Signature=x", "X-Amz-Target": "AmazonSQS.CreateQueue",
           "Content-Type": "application/x-amz-json-1.0"}
made = client.post("/", headers=headers, data='{"QueueName": "q"}')
package, listings, real_listdir = os.path.dirname(backends.__file__), [], os.listdir
os.listdir = lambda path=".": (listings.append(path) if path == package else None) or real_listdir(path)
headers["X-Amz-Target"] = "AmazonSQS.ListQueues"
listed = [client.post("/", headers=headers, data="{}") for _ in range(3)]
print(made.status_code, [answer.status_code for answer in listed], "q" in listed[-1].get_data(as_text=True))
print(sorted(backends.list_of_moto_modules()) == before, len(listings))
print(responses.method_names_from_class(dict) is responses.method_names_from_class(dict))
"""


def test_the_server_dispatch_lists_moto_s_modules_once_and_answers_as_before() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"},
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    answered, modules, methods = result.stdout.splitlines()
    assert answered == "200 [200, 200, 200] True"
    assert modules == "True 0"  # the same modules, and no listing of moto's folder per request
    assert methods == "True"


def test_a_cancelled_transaction_undoes_an_update_its_earlier_action_made(world: World) -> None:
    """The cheaper backups (the `world` fixture's moto is patched) roll back what DynamoDB rolls back:
    an update that passed its condition, in a transaction a later action cancels, leaves the item as
    it was — in a table with a sort key and in one without."""
    client = boto3.client("dynamodb")
    askue, profiles = world.refs["AskueTable"], world.refs["ProfilesTable"]
    client.put_item(TableName=askue, Item={"user_id": {"S": "u"}, "sk": {"S": "link"}, "state": {"S": "a"}})
    client.put_item(TableName=profiles, Item={"user_id": {"S": "u"}, "state": {"S": "a"}})
    client.put_item(TableName=askue, Item={"user_id": {"S": "u"}, "sk": {"S": "taken"}})
    changed = {"UpdateExpression": "SET #s = :b", "ExpressionAttributeNames": {"#s": "state"}}
    changed["ExpressionAttributeValues"] = {":b": {"S": "b"}}  # type: ignore[assignment]

    with pytest.raises(ClientError, match="TransactionCanceled"):
        client.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": askue,
                        "Key": {"user_id": {"S": "u"}, "sk": {"S": "link"}},
                        **changed,
                    }
                },
                {"Update": {"TableName": profiles, "Key": {"user_id": {"S": "u"}}, **changed}},
                {
                    "Put": {
                        "TableName": askue,
                        "Item": {"user_id": {"S": "u"}, "sk": {"S": "taken"}},
                        "ConditionExpression": "attribute_not_exists(sk)",
                    }
                },
            ]
        )

    link = client.get_item(TableName=askue, Key={"user_id": {"S": "u"}, "sk": {"S": "link"}})["Item"]
    profile = client.get_item(TableName=profiles, Key={"user_id": {"S": "u"}})["Item"]
    assert (link["state"], profile["state"]) == ({"S": "a"}, {"S": "a"})
