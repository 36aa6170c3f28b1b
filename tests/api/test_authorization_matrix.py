"""Who may call what, generated from the routes of template.yaml, through the local gateway.

1. Refusals: every consumer route × every wrong credential (none, garbage, a forged signature, an
   expired token, another client's or another pool's token, an access token instead of the ID
   token, the integration key instead of a token) gets API Gateway's UNAUTHORIZED answer exactly as
   template.yaml words it; every integration route × (no key, a wrong key, a consumer's token) gets
   what API Gateway answers its integrator authorizer: UNAUTHORIZED without an x-api-key header,
   ACCESS_DENIED for a key that is no integrator's. Public routes ignore credentials. A route added
   to the template is in the matrix without anyone adding it here.
2. Isolation: a second consumer, with a valid token of their own, never sees, changes or pages
   through the first consumer's data — every consumer route has its check, and a new consumer route
   fails `test_every_consumer_route_has_an_isolation_check` until it gets one.
"""

import gzip
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import jwt
import moto
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from infra.template import Route, gateway_responses, load_template, routes
from tests.stack import LocalStack, same_answer

PROBLEM = "application/problem+json"
TEMPLATE = load_template()
ROUTES = routes(TEMPLATE)
REFUSALS = gateway_responses(TEMPLATE)
CONSUMER_ROUTES = [r for r in ROUTES if r.auth == "cognito"]
INTEGRATION_ROUTES = [r for r in ROUTES if r.auth == "api_key"]
PUBLIC_ROUTES = [r for r in ROUTES if r.auth == "none"]
SOME_ID = "01M8FEWQFNR64E9FA3R9R3PCS9"

DEMO_ASKUE = {"login": "demo", "password": "demo-askue-1"}
THEFT = {
    "type": "grid_theft",
    "text": "Ночью срезали провод на линии вдоль дороги.",
    "fields": {
        "incident": "theft",
        "location": "д. Берёзки, ВЛ-0,4 кВ, опоры 3–7",
        "occurred_on": "2026-01-15",
        "objects": "Провод СИП 4×16, около 80 м",
    },
}
OWNERS_OBJECT = {
    "name": "Дача",
    "address": "СНТ «Ромашка», участок 12",
    "account_number": "770011223344",
    "meters": [{"meter_type": "single_tariff", "meter_number": "MX-OBJ-1"}],
}
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _label(route: Route) -> str:
    return f"{route.method} {route.path}"


# ---------------------------------------------------------------- consumers


@dataclass
class Consumer:
    stack: LocalStack
    email: str
    password: str
    tokens: dict[str, Any]

    @classmethod
    def register(cls, stack: LocalStack) -> "Consumer":
        email = f"matrix-{uuid.uuid4().hex[:10]}@example.ru"
        body = {
            "category": "individual",
            "full_name": "Кузнецова Анна Сергеевна",
            "email": email,
            "phone": "+7 912 000-55-66",
            "consent": True,
        }
        assert requests.post(f"{stack.url}/api/auth/register", json=body, timeout=10).status_code == 202
        password = stack.mailed_password(email)
        return cls(stack, email, password, cls._log_in(stack, email, password))

    @staticmethod
    def _log_in(stack: LocalStack, email: str, password: str) -> dict[str, Any]:
        response = requests.post(
            f"{stack.url}/api/auth/login", json={"email": email, "password": password}, timeout=10
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.tokens['id_token']}", **kwargs.pop("headers", {})}
        return requests.request(method, f"{self.stack.url}{path}", headers=headers, timeout=30, **kwargs)

    def get(self, path: str, **params: Any) -> requests.Response:
        response = self.call("GET", path, params=params)
        return response

    def can_still_log_in(self) -> bool:
        response = requests.post(
            f"{self.stack.url}/api/auth/login",
            json={"email": self.email, "password": self.password},
            timeout=10,
        )
        return response.status_code == 200

    def upload(self, name: str = "Заявление.pdf") -> str:
        form = self.call(
            "POST",
            "/api/requests/uploads",
            json={"filename": name, "content_type": "application/pdf", "size": len(PDF)},
        )
        assert form.status_code == 200, form.text
        answer = form.json()
        posted = requests.post(
            answer["url"], data=answer["fields"], files={"file": (name, PDF, "application/pdf")}, timeout=10
        )
        assert posted.status_code in (200, 201, 204), posted.text
        return str(answer["key"])

    def file_request(self, attachments: list[str]) -> requests.Response:
        return self.call(
            "POST",
            "/api/requests",
            json={**THEFT, "attachments": attachments},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )


@dataclass
class Scene:
    """The first consumer (`owner`) with data in every domain, and a second one (`other`)."""

    owner: Consumer
    other: Consumer
    request_ids: list[str]
    requests_cursor: str
    upload_key: str
    meter: str
    readings_cursor: str
    thread: list[dict[str, Any]]  # the owner's conversation on request_ids[0]
    spare_upload: str  # an upload of the owner's not attached to anything
    object_id: str


@pytest.fixture(scope="module")
def scene(stack: LocalStack) -> Scene:
    owner, other = Consumer.register(stack), Consumer.register(stack)
    upload_key = owner.upload()
    request_ids = []
    for attachments in ([upload_key], [], []):
        filed = owner.file_request(attachments)
        assert filed.status_code == 201, filed.text
        request_ids.append(filed.json()["id"])
    first_page = owner.get("/api/requests", limit=1).json()
    answer = {"text": "Фото прилагаю.", "attachments": [owner.upload("Фото.pdf")]}
    posted = owner.call(
        "POST",
        f"/api/requests/{request_ids[0]}/messages",
        json=answer,
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert posted.status_code == 201, posted.text
    _company_document(stack, request_ids[0])
    thread = owner.get(f"/api/requests/{request_ids[0]}/messages").json()["items"]
    assert [m["author"] for m in thread] == ["consumer", "company"]
    meter = f"MX-{uuid.uuid4().hex[:6].upper()}"
    for value in range(21):  # a readings page is 20: the owner gets a next_cursor
        reading = {"meter_type": "single_tariff", "meter_number": meter, "values": {"t1": str(100 + value)}}
        assert owner.call("POST", "/api/readings", json=reading).status_code == 201
    readings_page = owner.get("/api/readings").json()
    fetched = owner.call("POST", "/api/askue/fetch", json={**DEMO_ASKUE, "remember": True})
    assert fetched.status_code == 200, fetched.text
    added = owner.call("POST", "/api/objects", json=OWNERS_OBJECT)
    assert added.status_code == 201, added.text
    return Scene(
        owner=owner,
        other=other,
        request_ids=request_ids,
        requests_cursor=first_page["cursor"],
        upload_key=upload_key,
        meter=meter,
        readings_cursor=readings_page["next_cursor"],
        thread=thread,
        spare_upload=owner.upload("Запасной.pdf"),
        object_id=added.json()["id"],
    )


def _company_document(stack: LocalStack, request_id: str) -> None:
    """The company sends «Договор» on the owner's request through the integration API."""
    key = {"x-api-key": stack.api_key}
    form = requests.post(
        f"{stack.url}/api/integration/uploads",
        json={"filename": "Договор.pdf", "content_type": "application/pdf", "size": len(PDF)},
        headers=key,
        timeout=10,
    ).json()
    posted = requests.post(
        form["url"], data=form["fields"], files={"file": ("Договор.pdf", PDF, "application/pdf")}, timeout=10
    )
    assert posted.ok, posted.text
    sent = requests.post(
        f"{stack.url}/api/integration/requests/{request_id}/messages",
        json={"text": "Договор во вложении.", "attachments": [form["key"]], "kind": "contract"},
        headers={**key, "Idempotency-Key": str(uuid.uuid4())},
        timeout=10,
    )
    assert sent.status_code == 201, sent.text


# ---------------------------------------------------------------- 1. refusals


def _moto_private_key() -> Any:
    path = Path(moto.__file__).parent / "cognitoidp" / "resources" / "jwks-private.json.gz"
    return jwt.PyJWK(json.loads(gzip.decompress(path.read_bytes()))).key


def _signed(claims: dict[str, Any], key: Any) -> str:
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})


def _another_pools_token(stack: LocalStack) -> str:
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=stack.moto_url,
        region_name="eu-central-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    pool = cognito.create_user_pool(PoolName="another", UsernameAttributes=["email"])["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="c")["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="x@example.ru", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(
        UserPoolId=pool, Username="x@example.ru", Password="Pass-word-1!", Permanent=True
    )
    result = cognito.initiate_auth(
        ClientId=client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "x@example.ru", "PASSWORD": "Pass-word-1!"},
    )
    return str(result["AuthenticationResult"]["IdToken"])


CONSUMER_REFUSALS = [
    "no token",
    "not a JWT",
    "forged signature",
    "expired",
    "another app client",
    "another user pool",
    "access token instead of ID token",
    "integration key instead of a token",
    "token without Bearer",
]
INTEGRATION_REFUSALS = ["no key", "wrong key", "consumer token instead of the key", "key in the query"]


@pytest.fixture(scope="module")
def credentials(stack: LocalStack, scene: Scene) -> dict[str, dict[str, str]]:
    """Headers (and, for one, a query) for each wrong way to call; the consumer's own ones last."""
    real = jwt.decode(scene.owner.tokens["id_token"], options={"verify_signature": False})
    now = int(time.time())
    moto_key = _moto_private_key()
    stranger_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    return {
        "no token": {},
        "not a JWT": bearer("not-a-token"),
        "forged signature": bearer(_signed(real, stranger_key)),
        "expired": bearer(_signed({**real, "iat": now - 7200, "exp": now - 3600}, moto_key)),
        "another app client": bearer(_signed({**real, "aud": "another-client"}, moto_key)),
        "another user pool": bearer(_another_pools_token(stack)),
        "access token instead of ID token": bearer(scene.owner.tokens["access_token"]),
        "integration key instead of a token": {"x-api-key": stack.api_key},
        "token without Bearer": {"Authorization": "Basic " + scene.owner.tokens["id_token"]},
        "no key": {},
        "wrong key": {"x-api-key": stack.api_key + "-guess"},
        "consumer token instead of the key": bearer(scene.owner.tokens["id_token"]),
        "key in the query": {},
        "the consumer's own token": bearer(scene.owner.tokens["id_token"]),
    }


def _path(route: Route) -> str:
    return route.path.replace("{id}", SOME_ID)


def _assert_gateway_refusal(response: requests.Response, response_type: str) -> None:
    expected = REFUSALS[response_type]
    assert response.status_code == expected.status, response.text
    assert response.headers["Content-Type"] == PROBLEM
    said = json.loads(expected.body)
    # API Gateway fills the problem's request_id ($context.requestId); each request has its own.
    assert said.pop("request_id") == "$context.requestId"
    assert same_answer(response) == said
    for name, value in expected.headers.items():
        assert response.headers[name] == value


@pytest.mark.parametrize("how", CONSUMER_REFUSALS)
@pytest.mark.parametrize("route", CONSUMER_ROUTES, ids=_label)
def test_consumer_route_refuses_a_wrong_credential_with_401(
    stack: LocalStack, credentials: dict[str, dict[str, str]], route: Route, how: str
) -> None:
    response = requests.request(
        route.method, f"{stack.url}{_path(route)}", headers=credentials[how], json={}, timeout=10
    )

    _assert_gateway_refusal(response, "UNAUTHORIZED")
    assert response.json()["title"] == "Требуется вход"


# What API Gateway answers each: a TOKEN authorizer's missing header is its own 401; a key the
# integrator authorizer denies is ACCESS_DENIED (403).
INTEGRATION_REFUSAL_TYPES = {
    "no key": "UNAUTHORIZED",
    "wrong key": "ACCESS_DENIED",
    "consumer token instead of the key": "UNAUTHORIZED",
    "key in the query": "UNAUTHORIZED",
}


@pytest.mark.parametrize("how", INTEGRATION_REFUSALS)
@pytest.mark.parametrize("route", INTEGRATION_ROUTES, ids=_label)
def test_integration_route_refuses_without_an_integrator_s_key(
    stack: LocalStack, credentials: dict[str, dict[str, str]], route: Route, how: str
) -> None:
    params = {"api_key": stack.api_key, "x-api-key": stack.api_key} if how == "key in the query" else {}

    response = requests.request(
        route.method,
        f"{stack.url}{_path(route)}",
        headers=credentials[how],
        params=params,
        json={},
        timeout=10,
    )

    _assert_gateway_refusal(response, INTEGRATION_REFUSAL_TYPES[how])
    assert "x-api-key" in response.json()["detail"]


@pytest.mark.parametrize("how", ["forged signature", "expired", "integration key instead of a token"])
@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=_label)
def test_public_route_ignores_credentials_it_does_not_need(
    stack: LocalStack, credentials: dict[str, dict[str, str]], route: Route, how: str
) -> None:
    anonymous = requests.request(route.method, f"{stack.url}{_path(route)}", json={}, timeout=30)
    with_credentials = requests.request(
        route.method, f"{stack.url}{_path(route)}", headers=credentials[how], json={}, timeout=30
    )

    assert anonymous.status_code not in (401, 403), anonymous.text
    assert with_credentials.status_code == anonymous.status_code
    assert with_credentials.headers["Content-Type"] == anonymous.headers["Content-Type"]


def test_the_matrix_covers_every_route_of_the_template() -> None:
    assert {r.auth for r in ROUTES} == {"cognito", "api_key", "none"}
    assert len(CONSUMER_ROUTES) + len(INTEGRATION_ROUTES) + len(PUBLIC_ROUTES) == len(ROUTES)
    assert len(CONSUMER_ROUTES) >= 15
    assert len(INTEGRATION_ROUTES) >= 3


# ---------------------------------------------------------------- 2. isolation


def _profile(scene: Scene) -> None:
    profile = scene.other.get("/api/profile").json()
    assert profile["email"] == scene.other.email != scene.owner.email


def _logout(scene: Scene) -> None:
    another = Consumer.register(scene.owner.stack)
    assert another.call("POST", "/api/auth/logout").status_code == 204
    refreshed = requests.post(
        f"{scene.owner.stack.url}/api/auth/refresh",
        json={"refresh_token": scene.owner.tokens["refresh_token"]},
        timeout=10,
    )
    assert refreshed.status_code == 200, "another consumer's logout ended the owner's session"


def _accept_consent(scene: Scene) -> None:
    another = Consumer.register(scene.owner.stack)
    version = requests.get(f"{scene.owner.stack.url}/api/policy", timeout=10).json()["consent"]["version"]
    before = scene.owner.get("/api/profile").json()
    accepted = another.call(
        "POST", "/api/profile/consent", json={"accepted": True, "consent_version": version}
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["email"] == another.email
    after = scene.owner.get("/api/profile").json()
    assert after["consent_given_at"] == before["consent_given_at"], "another's acceptance touched the owner"


def _change_profile(scene: Scene) -> None:
    another = Consumer.register(scene.owner.stack)
    changed = another.call("PATCH", "/api/profile", json={"phone": "+7 903 111-22-33"})
    assert changed.status_code == 200
    assert changed.json()["email"] == another.email
    assert scene.owner.get("/api/profile").json()["phone"] != "+79031112233"


def _export_profile(scene: Scene) -> None:
    exported = scene.other.get("/api/profile/export").json()
    assert exported["profile"]["email"] == scene.other.email
    assert scene.owner.email not in json.dumps(exported, ensure_ascii=False)
    assert exported["requests"] == [] and exported["readings"] == []


def _delete_account(scene: Scene) -> None:
    another = Consumer.register(scene.owner.stack)
    refused = another.call("DELETE", "/api/profile", json={"password": scene.owner.password})
    assert refused.status_code == 422
    assert another.call("DELETE", "/api/profile", json={"password": another.password}).status_code == 204
    assert scene.owner.can_still_log_in()
    assert scene.owner.get("/api/profile").status_code == 200


def _password(scene: Scene) -> None:
    change = {
        "old_password": scene.owner.password,
        "new_password": "чужой пароль 1",
        "new_password_repeat": "чужой пароль 1",
    }
    refused = scene.other.call("POST", "/api/profile/password", json=change)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "old_password"
    assert scene.owner.can_still_log_in()


def _request_email_change(scene: Scene) -> None:
    # The owner's password asks nothing for another account; asking for the owner's address as a new
    # one gets the neutral 202 (its owner is told by mail), and changes nothing of the owner's.
    wrong = scene.other.call(
        "POST", "/api/profile/email", json={"new_email": "moved@example.ru", "password": scene.owner.password}
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "password"
    asked = scene.other.call(
        "POST", "/api/profile/email", json={"new_email": scene.owner.email, "password": scene.other.password}
    )
    assert asked.status_code == 202
    assert scene.owner.can_still_log_in()
    assert scene.owner.get("/api/profile").json()["email"] == scene.owner.email


def _confirm_email_change(scene: Scene) -> None:
    refused = scene.other.call("POST", "/api/profile/email/confirm", json={"code": "123456"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "code"
    assert scene.owner.can_still_log_in()
    assert scene.owner.get("/api/profile").json()["email"] == scene.owner.email


def _request_types(scene: Scene) -> None:
    # The same request types for everyone: no consumer's data in them.
    assert scene.other.get("/api/requests/types").json() == scene.owner.get("/api/requests/types").json()


def _uploads(scene: Scene) -> None:
    key = scene.other.upload("Моё.pdf")
    owners_prefix = scene.upload_key.rsplit("/", 2)[0]
    assert not key.startswith(owners_prefix + "/")


def _file_request(scene: Scene) -> None:
    refused = scene.other.file_request([scene.upload_key])
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "attachments.0"


def _list_requests(scene: Scene) -> None:
    listed = scene.other.get("/api/requests").json()
    assert not {item["id"] for item in listed["items"]} & set(scene.request_ids)
    paged = scene.other.get("/api/requests", cursor=scene.requests_cursor, limit=1)
    assert paged.status_code == 422
    assert paged.headers["Content-Type"] == PROBLEM
    assert paged.json()["errors"][0]["field"] == "cursor"


def _request_detail(scene: Scene) -> None:
    unknown = scene.other.get(f"/api/requests/{SOME_ID}")
    for request_id in scene.request_ids:
        theirs = scene.other.get(f"/api/requests/{request_id}")
        assert theirs.status_code == unknown.status_code == 404
        assert same_answer(theirs) == same_answer(unknown)


def _owners_thread_unchanged(scene: Scene) -> None:
    now = scene.owner.get(f"/api/requests/{scene.request_ids[0]}/messages").json()["items"]
    assert [m["id"] for m in now] == [m["id"] for m in scene.thread]


def _read_thread(scene: Scene) -> None:
    # Another consumer's thread (and its documents' download links) is an empty thread, exactly as
    # an unknown request's: nothing tells it from a request without messages.
    unknown = scene.other.get(f"/api/requests/{SOME_ID}/messages")
    for request_id in scene.request_ids:
        theirs = scene.other.get(f"/api/requests/{request_id}/messages")
        assert theirs.status_code == unknown.status_code == 200
        assert same_answer(theirs) == same_answer(unknown) == {"items": [], "cursor": None}
    owners_cursor = scene.owner.get(f"/api/requests/{scene.request_ids[0]}/messages", limit=1).json()[
        "cursor"
    ]
    paged = scene.other.get(f"/api/requests/{scene.request_ids[0]}/messages", cursor=owners_cursor)
    assert paged.status_code == 422
    assert paged.json()["errors"][0]["field"] == "cursor"


def _write_thread(scene: Scene) -> None:
    unknown = scene.other.call(
        "POST",
        f"/api/requests/{SOME_ID}/messages",
        json={"text": "Чужое."},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    theirs = scene.other.call(
        "POST",
        f"/api/requests/{scene.request_ids[0]}/messages",
        json={"text": "Чужое."},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert theirs.status_code == unknown.status_code == 404
    assert same_answer(theirs) == same_answer(unknown)
    # Nor may the owner's upload go into another's message on their own request.
    own = scene.other.file_request([])
    stolen = scene.other.call(
        "POST",
        f"/api/requests/{own.json()['id']}/messages",
        json={"attachments": [scene.spare_upload]},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert stolen.status_code == 422, stolen.text
    assert stolen.json()["errors"][0]["field"] == "attachments.0"
    _owners_thread_unchanged(scene)


def _withdraw(scene: Scene) -> None:
    unknown = scene.other.call("POST", f"/api/requests/{SOME_ID}/withdraw", json={"reason": "Чужая."})
    for request_id in scene.request_ids:
        theirs = scene.other.call("POST", f"/api/requests/{request_id}/withdraw", json={"reason": "Чужая."})
        assert theirs.status_code == unknown.status_code == 404
        assert same_answer(theirs) == same_answer(unknown)
        assert scene.owner.get(f"/api/requests/{request_id}").json()["status"] == "registered"


def _submit_reading(scene: Scene) -> None:
    # The same meter number is the other consumer's own meter: lower than the owner's is fine, and
    # the owner's history and last value do not change.
    lower = {"meter_type": "single_tariff", "meter_number": scene.meter, "values": {"t1": "1"}}
    assert scene.other.call("POST", "/api/readings", json=lower).status_code == 201
    meters = {m["meter_number"]: m for m in scene.owner.get("/api/readings/meters").json()["items"]}
    assert meters[scene.meter]["last_values"] == {"t1": "120.00"}
    owners = scene.owner.get("/api/readings", meter_number=scene.meter).json()["items"]
    assert all(r["values"]["t1"] != "1.00" for r in owners)


def _list_readings(scene: Scene) -> None:
    mine = scene.other.get("/api/readings").json()["items"]
    assert all(r["values"]["t1"] == "1.00" for r in mine)  # only what _submit_reading may have sent
    paged = scene.other.get("/api/readings", cursor=scene.readings_cursor)
    assert paged.status_code == 422
    assert paged.json()["errors"][0]["field"] == "cursor"


def _export_readings(scene: Scene) -> None:
    rows = scene.other.get("/api/readings/export").content.decode("utf-8-sig").splitlines()[1:]
    assert not [row for row in rows if "120,00" in row or "100,00" in row]


def _list_meters(scene: Scene) -> None:
    for meter in scene.other.get("/api/readings/meters").json()["items"]:
        assert meter["last_values"] != {"t1": "120.00"}


def _monthly_consumption(scene: Scene) -> None:
    def used(client: Consumer) -> list[str | None]:
        meters = client.get("/api/readings/monthly").json()["meters"]
        ours = [m for m in meters if m["meter_number"] == scene.meter]
        return [month["consumption"].get("t1") for meter in ours for month in meter["months"]]

    assert "20.00" in used(scene.owner)  # the owner's 21 readings, one more each time
    assert "20.00" not in used(scene.other)


def _list_objects(scene: Scene) -> None:
    assert scene.object_id not in {o["id"] for o in scene.other.get("/api/objects").json()["items"]}
    assert [o["id"] for o in scene.owner.get("/api/objects").json()["items"]] == [scene.object_id]


def _add_object(scene: Scene) -> None:
    # The same account and meter at the other consumer's own object: theirs, the owner's unchanged.
    theirs = scene.other.call("POST", "/api/objects", json=OWNERS_OBJECT)
    assert theirs.status_code == 201
    assert theirs.json()["id"] != scene.object_id
    assert [o["id"] for o in scene.owner.get("/api/objects").json()["items"]] == [scene.object_id]


def _change_object(scene: Scene) -> None:
    # The owner's object id, by another consumer: not theirs (404), the owner's unchanged.
    path = f"/api/objects/{scene.object_id}"
    assert scene.other.call("PATCH", path, json={**OWNERS_OBJECT, "name": "Чужой"}).status_code == 404
    assert [o["name"] for o in scene.owner.get("/api/objects").json()["items"]] == [OWNERS_OBJECT["name"]]


def _remove_object(scene: Scene) -> None:
    assert scene.other.call("DELETE", f"/api/objects/{scene.object_id}").status_code == 404
    assert [o["id"] for o in scene.owner.get("/api/objects").json()["items"]] == [scene.object_id]


def _owners_latest_reading(scene: Scene) -> dict[str, Any]:
    latest = scene.owner.get("/api/readings", meter_number=scene.meter).json()["items"][0]
    return dict(latest)


def _correct_reading(scene: Scene) -> None:
    latest = _owners_latest_reading(scene)
    fixed = scene.other.call("PATCH", f"/api/readings/{latest['id']}", json={"values": {"t1": "999"}})
    assert fixed.status_code == 404
    assert _owners_latest_reading(scene) == latest


def _withdraw_reading(scene: Scene) -> None:
    latest = _owners_latest_reading(scene)
    assert scene.other.call("DELETE", f"/api/readings/{latest['id']}").status_code == 404
    assert _owners_latest_reading(scene) == latest


def _askue_fetch(scene: Scene) -> None:
    # Fetching reads ASKUE with the caller's credentials only; a failed fetch leaves the owner's link.
    wrong = scene.other.call(
        "POST", "/api/askue/fetch", json={**DEMO_ASKUE, "password": "x", "remember": True}
    )
    assert wrong.status_code == 422
    assert scene.owner.get("/api/askue/latest").json()["link"]["state"] == "active"


def _askue_latest(scene: Scene) -> None:
    latest = scene.other.get("/api/askue/latest").json()
    assert latest["rows"] == []
    assert latest["link"]["state"] == "none"
    assert scene.owner.get("/api/askue/latest").json()["rows"]


def _askue_forget(scene: Scene) -> None:
    assert scene.other.call("DELETE", "/api/askue/link").status_code == 204
    assert scene.owner.get("/api/askue/latest").json()["link"]["state"] == "active"


def _my_outages(scene: Scene) -> None:
    # An outage at the other consumer's object (a street of its own) is the other's, not the owner's.
    street = f"Лесная-{uuid.uuid4().hex[:8]}"
    home = {**OWNERS_OBJECT, "settlement": "г. Бор", "street": street, "house": "7"}
    assert scene.other.call("POST", "/api/objects", json=home).status_code == 201
    starts = time.time() + 3600
    published = requests.post(
        f"{scene.owner.stack.url}/api/integration/outages",
        json={
            "kind": "planned",
            "starts_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(starts)),
            "ends_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(starts + 3600)),
            "reason": "Ремонт ВЛ-0,4 кВ",
            "addresses": [{"settlement": "Бор", "street": street, "houses": "1-9"}],
        },
        headers={"x-api-key": scene.owner.stack.api_key, "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    assert published.status_code == 201, published.text
    outage_id = published.json()["id"]
    for _ in range(60):  # the fan-out reaches the consumer's page a moment later
        if outage_id in {m["outage"]["id"] for m in scene.other.get("/api/outages/mine").json()["items"]}:
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the outage never reached its consumer")
    assert outage_id not in {m["outage"]["id"] for m in scene.owner.get("/api/outages/mine").json()["items"]}


ISOLATION: dict[str, Callable[[Scene], None]] = {
    "GET /api/profile": _profile,
    "POST /api/auth/logout": _logout,
    "POST /api/profile/password": _password,
    "PATCH /api/profile": _change_profile,
    "POST /api/profile/consent": _accept_consent,
    "GET /api/profile/export": _export_profile,
    "DELETE /api/profile": _delete_account,
    "POST /api/profile/email": _request_email_change,
    "POST /api/profile/email/confirm": _confirm_email_change,
    "GET /api/requests/types": _request_types,
    "POST /api/requests/uploads": _uploads,
    "POST /api/requests": _file_request,
    "GET /api/requests": _list_requests,
    "GET /api/requests/{id}": _request_detail,
    "GET /api/requests/{id}/messages": _read_thread,
    "POST /api/requests/{id}/messages": _write_thread,
    "POST /api/requests/{id}/withdraw": _withdraw,
    "POST /api/readings": _submit_reading,
    "GET /api/readings": _list_readings,
    "GET /api/readings/export": _export_readings,
    "GET /api/readings/meters": _list_meters,
    "GET /api/readings/monthly": _monthly_consumption,
    "GET /api/objects": _list_objects,
    "POST /api/objects": _add_object,
    "PATCH /api/objects/{id}": _change_object,
    "DELETE /api/objects/{id}": _remove_object,
    "PATCH /api/readings/{id}": _correct_reading,
    "DELETE /api/readings/{id}": _withdraw_reading,
    "POST /api/askue/fetch": _askue_fetch,
    "GET /api/askue/latest": _askue_latest,
    "DELETE /api/askue/link": _askue_forget,
    "GET /api/outages/mine": _my_outages,
}


def test_every_consumer_route_has_an_isolation_check() -> None:
    assert set(ISOLATION) == {_label(r) for r in CONSUMER_ROUTES}


@pytest.mark.parametrize("route", sorted(ISOLATION))
def test_another_consumer_never_gets_the_first_consumers_data(scene: Scene, route: str) -> None:
    ISOLATION[route](scene)
