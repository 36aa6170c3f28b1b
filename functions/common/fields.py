"""Field types two or more domains validate the same way: email and phone.

Each refusal is a `PydanticCustomError` whose message is the Russian text the consumer reads.
The validating libraries are imported when a value is first checked, not with the models: they
cost a cold start some 50 ms, and most routes of the functions that declare these fields never
validate one (benchmarks/coldstart.py).
"""

from typing import Annotated

from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError


def _email(value: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise PydanticCustomError(
            "email_invalid", "Укажите адрес электронной почты в виде name@example.ru."
        ) from error
    return checked.normalized.lower()


def _phone(value: str) -> str:
    import phonenumbers

    message = "Укажите номер телефона с кодом города или оператора, например +7 912 345-67-89."
    try:
        number = phonenumbers.parse(value, "RU")  # a Russian number may be written without +7
    except phonenumbers.NumberParseException as error:
        raise PydanticCustomError("phone_invalid", message) from error
    if not phonenumbers.is_valid_number(number):
        raise PydanticCustomError("phone_invalid", message)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


Email = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=254), AfterValidator(_email)
]
"""A syntactically valid email, normalised and lower-cased (it is the login)."""

Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32), AfterValidator(_phone)
]
"""A valid phone number in E.164; Russian by default when written without a country code."""
