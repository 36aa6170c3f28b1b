"""Field types two or more domains validate the same way, each defined here once: email, phone,
лицевой счёт, meter number, meter type, cadastral number, ИНН and ОГРН/ОГРНИП.

Each refusal is a `PydanticCustomError` whose message is the Russian text the consumer reads.
The validating libraries (email-validator, phonenumbers, python-stdnum) are imported when a value
is first checked, not with the models: each costs a cold start some 35–50 ms, and most routes of
the functions that declare these fields never validate one (benchmarks/coldstart.py).

The rules, decided once (docs/architecture.md, «Domain rules → Field types»); where two domains had
spelled a rule differently, which spelling won and why:

- **Meter number** (`MeterNumber`): what is printed on the meter's plate — ASCII digits, Latin and
  Cyrillic letters (Ё and ё too: «ЁЛКА-1» is Cyrillic), «-» and «/», 1 to 30 characters, spaces
  around dropped; it starts with a letter or a digit («-123» is a typo or a minus sign, and
  readings refused it already), and is kept upper-cased: «ce-301» and «CE-301» are one meter, for
  readings' «not lower than the previous reading» and for the meters of «Мои объекты». Readings'
  spelling won over the one requests had (no Ё, any first character, kept as typed): readings and
  objects key meters by the number, so theirs is the one stored data already follows (every stored
  meter number is upper-case; a request only keeps the number among its fields). The end is left
  free (a trailing «-» or «/» passes): readings and objects have always accepted it, so stored meters
  may end with one, and refusing it would lock such a meter out of its own history.
- **Meter type** (`MeterType`, `MeterTypeField`): single-, two- or three-tariff; anything else
  refused with the list of the three, never coerced.
- **Cadastral number** (`CadastralNumber`): as Росреестр writes it, e.g. 77:01:0001001:1234 — two,
  two, six or seven, and one to six ASCII digits separated by colons (objects and the connection
  application wrote the same pattern twice).
- **Лицевой счёт** (`AccountNumber`): 8 to 14 ASCII digits once spaces and dashes are dropped (why
  only that: functions/objects/models.py).
- **ИНН** (`Inn`) and **ОГРН/ОГРНИП** (`Ogrn`): ASCII digits, 10 or 12 and 13 or 15 of them, with the
  check digits verified by python-stdnum. Which length an applicant needs (an organisation 10 and 13,
  an entrepreneur 12 and 15) is a rule of the request type, not of the number
  (functions/requests/connection_rules.py); it names the length with the same words (`inn_rule`,
  `ogrn_rule`). The checks lived inside the connection application's rules before.
"""

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError


def _email(value: str) -> str:
    """The address as mail servers and Cognito take it: ASCII only, the domain in its ASCII form.

    SES sends to ASCII addresses only (an internationalised domain as punycode, never a non-ASCII
    mailbox name), and Cognito refuses a username with a non-ASCII mailbox or a non-Latin top-level
    domain: such an address is refused here, with a message, rather than accepted and never mailed.
    """
    from email_validator import EmailNotValidError, validate_email

    local, _, _ = value.rpartition("@")
    if not local.isascii():
        raise PydanticCustomError(
            "email_local_not_ascii",
            "Часть адреса до @ должна быть набрана латиницей: проверьте, нет ли в ней русских букв "
            "(например, «а», «о», «с», «і» вместо латинских).",
        )
    try:
        checked = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise PydanticCustomError(
            "email_invalid", "Укажите адрес электронной почты в виде name@example.ru."
        ) from error
    address = (checked.ascii_email or checked.normalized).lower()
    if not address.rpartition(".")[2].isalpha():
        raise PydanticCustomError(
            "email_domain_unsupported",
            "Адреса в доменах .рф, .рус и других доменах верхнего уровня не латиницей пока не "
            "поддерживаются: укажите другой адрес электронной почты.",
        )
    return address


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


# The shape the document states: an address (format: email) whose top-level domain is Latin letters
# (what `_email` insists on). That the domain is not an internationalised mailbox etc. is checked
# by email-validator; the operations say so in their description.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,63}$"

# OpenAPI: a text that is not only spaces (the API strips them and then finds it empty) and has no
# control character (functions/common/safe_json.py refuses one).
_TEXT = "[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]"
NON_BLANK_TEXT = f"^{_TEXT}*[^\\s\\u0000-\\u001f]{_TEXT}*$"


def load_validators() -> None:
    """Imports both validating libraries and checks one value each, so that `phonenumbers` has read
    Russia's numbering plan: what the first registration would load (SnapStart primes it,
    functions/common/snapstart.py)."""
    _email("priming@example.ru")
    _phone("+7 912 345-67-89")


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=254),
    AfterValidator(_email),
    Field(json_schema_extra={"format": "email", "pattern": EMAIL_PATTERN}),
]
"""A valid ASCII email (an internationalised domain as punycode), lower-cased: it is the login."""

Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32), AfterValidator(_phone)
]
"""A valid phone number in E.164; Russian by default when written without a country code."""

# A лицевой счёт (the account a guaranteeing supplier bills): see functions/objects/models.py for why
# its format is checked only this far.
ACCOUNT_RULE = "Лицевой счёт: от 8 до 14 цифр, как в квитанции (пробелы и дефисы можно не вводить)."
_ACCOUNT = re.compile(r"^[0-9]{8,14}$")
_ACCOUNT_SEPARATORS = re.compile(r"[\s\-]")


def _account_digits(value: object) -> object:
    return _ACCOUNT_SEPARATORS.sub("", value) if isinstance(value, str) else value


def _account(value: str) -> str:
    if not _ACCOUNT.match(value):
        raise PydanticCustomError("account_number_invalid", ACCOUNT_RULE)
    return value


AccountNumber = Annotated[
    str,
    BeforeValidator(_account_digits),
    StringConstraints(max_length=40),
    AfterValidator(_account),
    Field(description="Лицевой счёт: 8–14 цифр (пробелы и дефисы между группами отбрасываются)"),
]

# ---------------------------------------------------------------- meter number

METER_NUMBER_MAX_LENGTH = 30
_PLATE_CHARACTER = "0-9A-Za-zА-ЯЁа-яё"  # what a meter's plate prints besides «-» and «/»
# The characters of a meter number, as a character class other modules may build on (the ASKUE
# connector finds a number in a meter's name with it: functions/askue/readings.py).
METER_NUMBER_FIRST = f"[{_PLATE_CHARACTER}]"
METER_NUMBER_NEXT = f"[{_PLATE_CHARACTER}/-]"
METER_NUMBER_PATTERN = f"^{METER_NUMBER_FIRST}{METER_NUMBER_NEXT}*$"
_METER_NUMBER = re.compile(METER_NUMBER_PATTERN)
METER_NUMBER_RULE = (
    "Номер прибора учёта: буквы, цифры, дефис и косая черта (/), без пробелов, не длиннее 30 символов, "
    "начинается с буквы или цифры, например 01234567 или СЕ-301/12."
)


def _meter_number(value: str) -> str:
    if not _METER_NUMBER.fullmatch(value):
        raise PydanticCustomError("meter_number_invalid", METER_NUMBER_RULE)
    # One meter, one number: "ce-301" and "CE-301" are the same meter.
    return value.upper()


MeterNumber = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=METER_NUMBER_MAX_LENGTH),
    AfterValidator(_meter_number),
    Field(
        description="Номер прибора учёта: буквы, цифры, «-» и «/», до 30 символов; хранится заглавными "
        "буквами",
        examples=["01234567"],
        json_schema_extra={"pattern": METER_NUMBER_PATTERN},
    ),
]
"""A meter's number as printed on its plate, upper-cased."""

# ---------------------------------------------------------------- meter type


class MeterType(StrEnum):
    SINGLE_TARIFF = "single_tariff"
    TWO_TARIFF = "two_tariff"
    THREE_TARIFF = "three_tariff"


_METER_TYPES = frozenset(m.value for m in MeterType)


def _known_meter_type(value: object) -> object:
    if isinstance(value, str) and value in _METER_TYPES:
        return value
    raise PydanticCustomError(
        "meter_type_invalid",
        "Выберите тип прибора учёта: однотарифный, двухтарифный (день/ночь) или трёхтарифный "
        "(пик/ночь/полупик).",
    )


MeterTypeField = Annotated[MeterType, BeforeValidator(_known_meter_type)]
"""A meter type as a consumer sends it: one of the three values, refused in Russian otherwise."""

# ---------------------------------------------------------------- cadastral number

CADASTRAL_PATTERN = r"^[0-9]{2}:[0-9]{2}:[0-9]{6,7}:[0-9]{1,6}$"
CadastralNumber = Annotated[str, StringConstraints(strip_whitespace=True, pattern=CADASTRAL_PATTERN)]
"""A cadastral number of a land plot or a building, e.g. 77:01:0001001:1234."""

# ---------------------------------------------------------------- ИНН, ОГРН and ОГРНИП

INN_PATTERN = r"^[0-9]{10}(?:[0-9]{2})?$"
OGRN_PATTERN = r"^[0-9]{13}(?:[0-9]{2})?$"


def inn_rule(digits: int) -> str:
    """What an ИНН of `digits` digits must be, as the consumer reads it."""
    return f"ИНН: {digits} цифр с верными контрольными цифрами — проверьте по свидетельству."


def ogrn_rule(digits: int) -> str:
    """What an ОГРН (13 digits) or ОГРНИП (15) must be, as the consumer reads it."""
    name = "ОГРНИП" if digits == 15 else "ОГРН"
    return f"{name}: {digits} цифр с верной контрольной цифрой — проверьте по выписке из реестра."


def _inn(value: str) -> str:
    from stdnum.ru import inn

    if not inn.is_valid(value):
        raise PydanticCustomError("inn_invalid", inn_rule(len(value)))
    return value


def _ogrn(value: str) -> str:
    from stdnum.ru import ogrn

    if not ogrn.is_valid(value):
        raise PydanticCustomError("ogrn_invalid", ogrn_rule(len(value)))
    return value


def load_requisite_validators() -> None:
    """Imports python-stdnum's ИНН and ОГРН checks and checks one value each: what the first
    connection application would load (SnapStart primes it, functions/common/snapstart.py)."""
    _inn("7707083893")
    _ogrn("1027700132195")


Inn = Annotated[str, StringConstraints(strip_whitespace=True, pattern=INN_PATTERN), AfterValidator(_inn)]
"""An ИНН: 10 digits (an organisation) or 12 (a person, an entrepreneur), check digits verified."""

Ogrn = Annotated[str, StringConstraints(strip_whitespace=True, pattern=OGRN_PATTERN), AfterValidator(_ogrn)]
"""An ОГРН (13 digits, ЕГРЮЛ) or ОГРНИП (15, ЕГРИП), its check digit verified."""

# An id the portal makes itself (uuid4, 32 lower-case hex digits): an object of «Мои объекты», an
# outbox entry. Never typed by a person: a wrong one is the portal's bug or a forged answer.
HexId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
