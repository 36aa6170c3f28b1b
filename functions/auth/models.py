"""Requests and answers of the accounts API."""

import re
import unicodedata
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from functions.common.fields import Email, Phone
from functions.common.labels import field_labels

MIN_PASSWORD_LENGTH = 6
MAX_PASSWORD_LENGTH = 98  # Cognito accepts fewer than 99 characters

# The version of the consent text shown next to the checkbox (web/index.html); stored with the consent.
CONSENT_TEXT_VERSION = "2026-11-01"

# A letter of any alphabet, with the combining marks that may follow it (a decomposed «й»).
_LETTER = r"(?:[^\W\d_][\u0300-\u036f]*)"
_APOSTROPHES = "'\u2019\u02bc"
# A word (Анна-Мария, О'Нил) or initials, a dot only after a single letter (И. / И.И. / И.И).
_NAME_PART = rf"(?:{_LETTER}+(?:[-\u2010{_APOSTROPHES}]{_LETTER}+)*|(?:{_LETTER}\.)+(?:{_LETTER})?)"
_PERSON_NAME = re.compile(rf"{_NAME_PART}(?: {_NAME_PART})+")

# What a mail client or a browser would make a link of: a scheme, www., an address, a domain with a
# Latin top-level domain (evil.ru, EVIL.COM), or one of the Cyrillic top-level domains.
_CYRILLIC_TLDS = "рф|рус|москва|моск|дети|онлайн|сайт|орг|ком|бел|укр|срб|мкд|қаз|мон"
_LINK = re.compile(rf"://|www\.|@|[\w-]+\.[a-z]{{2,}}\b|\w\.(?:{_CYRILLIC_TLDS})(?!\w)", re.IGNORECASE)

# Letters, digits, spaces and the punctuation names of organisations are written with.
_ORG_PUNCTUATION = "-\u2013\u2014'\u2019\u2018\"«»„“”.,№()&+"
_ORG_NAME = re.compile(rf"(?:{_LETTER}|\d|[ {re.escape(_ORG_PUNCTUATION)}])+")


def _one_line(value: str) -> str:
    """NFC (a decomposed letter becomes one character) and single spaces."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def has_link(value: str) -> bool:
    """Whether `value` holds something a mail client or a browser could turn into a link."""
    return _LINK.search(value) is not None


def _person_name(value: str) -> str:
    value = _one_line(value)
    if has_link(value):
        raise PydanticCustomError(
            "full_name_link",
            "ФИО не должно содержать ссылок и адресов сайтов: укажите только фамилию, имя и отчество.",
        )
    if not _PERSON_NAME.fullmatch(value):
        raise PydanticCustomError(
            "full_name_invalid",
            "Укажите фамилию, имя и отчество (если есть) буквами, например «Иванов Иван Иванович» "
            "или «Иванов И.И.»: допустимы буквы, пробелы, дефис и апостроф, точка — только после инициала.",
        )
    return value


PersonName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_person_name),
    Field(
        title="ФИО",
        description="Фамилия, имя и отчество: буквы любого алфавита, пробелы, дефис, апостроф; "
        "точка — только после инициала («Иванов И.И.», «Анна-Мария О'Нил»). Без ссылок.",
    ),
]


def _org_name(value: str) -> str:
    value = _one_line(value)
    if has_link(value):
        raise PydanticCustomError(
            "org_name_link", "Название организации не должно содержать ссылок и адресов сайтов."
        )
    if not _ORG_NAME.fullmatch(value):
        raise PydanticCustomError(
            "org_name_characters",
            "Название организации может содержать только буквы, цифры, пробелы и знаки "
            "- – — ' \" « » „ “ ” . , № ( ) & +: уберите остальные символы.",
        )
    if len(value) < 2 or not any(c.isalpha() for c in value):
        raise PydanticCustomError(
            "org_name_invalid", "Укажите название организации полностью, например «ООО «Энергосбыт»»."
        )
    return value


OrgName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(_org_name),
    Field(
        title="Название организации",
        description="Буквы, цифры, пробелы и знаки - – — ' \" « » „ “ ” . , № ( ) & +, "
        "например «ООО «Ромашка»», «ТСЖ № 5». Без ссылок и адресов сайтов.",
    ),
]


class _Registration(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    email: Email = Field(title="Электронная почта")
    phone: Phone = Field(title="Телефон")
    consent: bool = Field(
        default=False,
        validate_default=True,
        title="Согласие на обработку персональных данных",
        description="Согласие на обработку персональных данных",
    )

    @field_validator("consent")
    @classmethod
    def _consent_given(cls, value: bool) -> bool:
        if not value:
            raise PydanticCustomError(
                "consent_required",
                "Отметьте согласие на обработку персональных данных: без него регистрация невозможна.",
            )
        return value


class IndividualRegistration(_Registration):
    """A person (физическое лицо), named by ФИО."""

    category: Literal["individual"] = Field(title="Категория")
    full_name: PersonName


class LegalRegistration(_Registration):
    """An organisation (юридическое лицо), named by its name."""

    category: Literal["legal"] = Field(title="Категория")
    org_name: OrgName


Registration = Annotated[IndividualRegistration | LegalRegistration, Field(discriminator="category")]
REGISTRATION_CATEGORIES = frozenset({"individual", "legal"})


class RegistrationAccepted(BaseModel):
    detail: str = (
        "Если адрес указан верно, в течение нескольких минут на него придёт письмо с паролем для входа."
    )


Password = Annotated[str, StringConstraints(min_length=1, max_length=256)]


class LoginRequest(BaseModel):
    email: Email = Field(title="Электронная почта")
    password: Password = Field(title="Пароль")


class RefreshRequest(BaseModel):
    refresh_token: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8192)] = (
        Field(title="Токен обновления")
    )


class TokensOutput(BaseModel):
    id_token: str
    access_token: str
    refresh_token: str | None = None
    expires_in: int = Field(description="Срок действия id_token и access_token, секунд")


class PasswordChange(BaseModel):
    old_password: Password = Field(title="Старый пароль")
    new_password: Annotated[
        str, StringConstraints(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)
    ] = Field(title="Новый пароль")
    new_password_repeat: Password = Field(title="Повтор нового пароля")

    @field_validator("new_password")
    @classmethod
    def _differs_from_old(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("old_password") == value:
            raise PydanticCustomError("password_unchanged", "Новый пароль должен отличаться от старого.")
        return value

    @field_validator("new_password_repeat")
    @classmethod
    def _repeats_new(cls, value: str, info: ValidationInfo) -> str:
        if "new_password" in info.data and info.data["new_password"] != value:
            raise PydanticCustomError(
                "password_repeat_mismatch", "Повтор не совпадает с новым паролем: введите его ещё раз."
            )
        return value


LABELS = field_labels(IndividualRegistration, LegalRegistration, LoginRequest, RefreshRequest, PasswordChange)


class ProfileOutput(BaseModel):
    user_id: str
    category: Literal["individual", "legal"]
    full_name: str | None = None
    org_name: str | None = None
    email: str
    phone: str
    consent_given_at: datetime
    consent_text_version: str
    registered_at: datetime
