"""The one Idempotency-Key helper of the requests (functions/requests/idempotency.py), without AWS: the
key's check, the claim's scope and hashes (the same as the claims already written), the refusal of
another payload and the earlier answer read back. The routes' behaviour is tested through their
handlers (test_requests.py, test_request_conversation.py, test_races.py)."""

import hashlib

import pytest

from functions.common.errors import Conflict, InvalidInput
from functions.requests import idempotency
from functions.requests.inputs import CompanyMessage, NewMessage
from functions.requests.records import ClaimKind, EarlierClaim
from functions.requests.registry import REQUEST_MODELS

SUB = "0b1c2d3e-0000-4000-8000-000000000001"
REQUEST = REQUEST_MODELS["grid_theft"].model_validate(
    {
        "type": "grid_theft",
        "text": "Срезан провод.",
        "fields": {
            "incident": "theft",
            "location": "ВЛ-0,4 кВ у д. Берёзки, опоры 12–15",
            "occurred_on": "2026-11-26",
            "objects": "Провод СИП 4×16, около 120 м",
            "police_notified": True,
        },
    }
)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_filing_s_claim_is_the_consumer_s_key_hash_and_the_request_s_hash() -> None:
    claim = idempotency.claim(idempotency.FILING, SUB, "form-fill-0001", REQUEST)

    assert claim.kind is ClaimKind.FILING
    assert claim.scope == SUB
    assert claim.key_hash == sha256("form-fill-0001")
    assert claim.payload == sha256(REQUEST.model_dump_json(exclude_none=True))


def test_a_message_s_payload_hash_names_its_model() -> None:
    """A consumer's and a company's message with the same JSON are different payloads (as the claims
    written before this helper say)."""
    consumer = idempotency.claim(idempotency.MESSAGE, SUB, "message-0001", NewMessage(text="Добрый день"))
    company = idempotency.claim(
        idempotency.MESSAGE, "integrator:crm", "message-0001", CompanyMessage(text="Добрый день")
    )

    assert consumer.kind is company.kind is ClaimKind.MESSAGE
    assert consumer.payload == sha256('NewMessage:{"attachments":[],"text":"Добрый день"}')
    assert company.payload == sha256('CompanyMessage:{"attachments":[],"text":"Добрый день"}')
    assert (consumer.scope, company.scope) == (SUB, "integrator:crm")


@pytest.mark.parametrize(
    ("purpose", "made_for"),
    [
        (idempotency.FILING, "одну на каждую новую заявку"),
        (idempotency.MESSAGE, "одну на каждое новое сообщение"),
    ],
)
@pytest.mark.parametrize("key", [None, "", "short", "has spaces in it", "é" * 10, "x" * 129])
def test_a_missing_or_malformed_key_is_refused_on_its_header(
    purpose: idempotency.Purpose, made_for: str, key: str | None
) -> None:
    with pytest.raises(InvalidInput) as refused:
        idempotency.claim(purpose, SUB, key, NewMessage(text="Добрый день"))

    [error] = refused.value.errors
    assert error.field == "Idempotency-Key"
    assert error.message.startswith("Передайте заголовок Idempotency-Key")
    assert made_for in error.message


def test_a_repeat_gets_what_the_claim_made_read_back() -> None:
    claim = idempotency.claim(idempotency.FILING, SUB, "form-fill-0002", REQUEST)
    earlier = EarlierClaim(payload=claim.payload, user_id=SUB, request_id="01ARZ3NDEKTSV4RRFFQ69G5FAV")
    asked: list[EarlierClaim] = []

    def read(found: EarlierClaim) -> str:
        asked.append(found)
        return "the request"

    assert idempotency.answer_again(idempotency.FILING, claim, earlier, read) == "the request"
    assert asked == [earlier]


def test_the_same_key_with_another_payload_is_refused_without_reading_anything() -> None:
    claim = idempotency.claim(idempotency.MESSAGE, SUB, "message-0002", NewMessage(text="Другой текст"))
    earlier = EarlierClaim(payload=sha256("something else"), user_id=SUB, request_id="R", message_id="M")

    with pytest.raises(InvalidInput) as refused:
        idempotency.answer_again(idempotency.MESSAGE, claim, earlier, lambda _: pytest.fail("read"))

    [error] = refused.value.errors
    assert error.field == "Idempotency-Key"
    assert error.message.startswith("С этим Idempotency-Key уже отправлено другое сообщение")


def test_a_first_call_still_being_written_is_a_conflict_to_retry() -> None:
    claim = idempotency.claim(idempotency.FILING, SUB, "form-fill-0003", REQUEST)
    earlier = EarlierClaim(payload=claim.payload, user_id=SUB, request_id="R")

    with pytest.raises(Conflict) as conflict:
        idempotency.answer_again(idempotency.FILING, claim, earlier, lambda _: None)

    assert conflict.value.title == "Заявка уже регистрируется"
