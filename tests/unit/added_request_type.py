"""Run by test_requests.py (test_a_new_request_type_is_one_registry_entry_and_its_fields_model) in a
fresh interpreter whose `functions` package is a copy with one request type added to REQUEST_KINDS
and nothing else changed. It drives the real handlers against moto, as the unit tests do, builds the
OpenAPI document from the copy (what `make openapi` would commit), and writes what it saw to the JSON
file named by its argument.

Usage: PYTHONPATH=<copy>:<repository> python tests/unit/added_request_type.py <code> <out.json>
"""

import json
import os
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from infra.moto_patches import atomic_dynamodb_requests, cognito_sign_out_by_user
from infra.world import build_world
from tests.unit.conftest import REGION, api_event, call

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
CONSUMER = {"sub": "0b1c2d3e-0000-4000-8000-000000000007", "email": "ivan@example.ru"}


def main(code: str, out: Path) -> None:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        os.environ.pop(name, None)
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
    )
    atomic_dynamodb_requests()
    cognito_sign_out_by_user()
    with mock_aws():
        world = build_world(boto3.Session(region_name=REGION), overrides={"PortalUrl": "http://portal.test"})
        os.environ.update(world.environment)  # RequestReviewDays as the template has it: without `code`

        from functions.common import clock
        from functions.docs import document as docs
        from functions.requests import filing, registry
        from functions.requests import handler as requests_api

        clock.now = filing.now = lambda: NOW

        def file(fields: dict[str, Any]) -> tuple[int, Any]:
            body = {"type": code, "text": "Не горят фонари.", "fields": fields}
            headers = {"Idempotency-Key": uuid.uuid4().hex}
            return call(
                requests_api, api_event("POST", "/api/requests", body, claims=CONSUMER, headers=headers)
            )

        _, types = call(requests_api, api_event("GET", "/api/requests/types", claims=CONSUMER))
        refused = file({"pole_address": "ул. Садовая, опора 12", "lamps_out": 0})
        created = file({"pole_address": "ул. Садовая, опора 12", "lamps_out": 3})
        request_id = created[1]["id"]
        _, detail = call(
            requests_api,
            api_event(
                "GET", f"/api/requests/{request_id}", claims=CONSUMER, path_parameters={"id": request_id}
            ),
        )
        document = json.loads(docs.openapi_document())  # what `make openapi` would commit
        seen = {
            "models_file": registry.__file__,
            "docs_file": docs.__file__,
            "types": types["types"],
            "refused": refused,
            "created": created,
            "detail": detail,
            "new_request_body": document["paths"]["/api/requests"]["post"]["requestBody"],
            "schemas": document["components"]["schemas"],
        }
    out.write_text(json.dumps(seen, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
