"""The consumer's card for the company's CRM: who the consumer is, and, once erased, «данные удалены»
with nothing else — never a 500."""

from typing import Any

import boto3

from functions.integration import handler as integration
from infra.world import World
from tests.unit.conftest import api_event, call
from tests.unit.test_accounts import IVAN, mailed_password, register


def card(user_id: str) -> tuple[int, Any]:
    return call(
        integration,
        api_event(
            "GET",
            f"/api/integration/consumers/{user_id}",
            path_parameters={"user_id": user_id},
            integrator="crm",
        ),
    )


def sub_of(world: World, email: str) -> str:
    user = boto3.client("cognito-idp").admin_get_user(UserPoolId=world.refs["UserPool"], Username=email)
    return next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")


def test_the_card_says_who_the_consumer_is(world: World) -> None:
    register(IVAN)
    mailed_password("ivan.petrov@example.ru")
    user_id = sub_of(world, "ivan.petrov@example.ru")

    status, shown = card(user_id)

    assert status == 200, shown
    assert shown["state"] == "active"
    assert shown["email"] == "ivan.petrov@example.ru"
    assert shown["category"] == IVAN["category"]
    assert shown["full_name"] == IVAN.get("full_name")
    assert shown["phone"]
    assert shown["inn"] is None


def test_an_erased_consumer_reads_as_data_deleted_and_an_unknown_one_is_404(world: World) -> None:
    table = boto3.resource("dynamodb").Table(world.refs["ProfilesTable"])
    table.put_item(Item={"user_id": "erased-1", "erased_at": "2026-11-27T00:00:00+00:00", "deleted_at": "x"})

    erased = card("erased-1")
    unknown = card("nobody")

    assert erased == (
        200,
        {
            "user_id": "erased-1",
            "state": "erased",
            "detail": "данные удалены",
            "category": None,
            "full_name": None,
            "org_name": None,
            "phone": None,
            "email": None,
            "inn": None,
            "registered_at": None,
        },
    )
    assert unknown[0] == 404 and unknown[1]["code"] == "not-found"


def test_a_deleted_account_is_told_to_integrators_in_the_feed_and_its_card_says_so(world: World) -> None:
    from tests.unit.conftest import relay_outbox
    from tests.unit.test_account_deletion import EMAIL, delete
    from tests.unit.test_accounts import claims_of

    register(IVAN)
    password = mailed_password(EMAIL)
    user_id = sub_of(world, EMAIL)
    assert delete(claims_of(EMAIL, password), password) == (204, None)
    relay_outbox(world)

    _, page = call(integration, api_event("GET", "/api/integration/changes", integrator="crm"))
    deleted = [c for c in page["items"] if c["type"] == "portal.account.deleted.v1"]

    assert [c["detail"]["user_id"] for c in deleted] == [user_id]
    assert deleted[0]["detail"]["erase_by"] > deleted[0]["detail"]["deleted_at"]
    assert card(user_id)[1]["state"] == "deletion_requested"
