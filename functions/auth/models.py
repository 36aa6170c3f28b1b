"""Requests and answers of the accounts API."""

import re
import unicodedata
from datetime import datetime
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from functions.auth.policy import CURRENT_CONSENT_VERSION, consent_is_outdated
from functions.common.fields import NON_BLANK_TEXT, Email, Phone
from functions.common.labels import field_labels

MIN_PASSWORD_LENGTH = 6
MAX_PASSWORD_LENGTH = 98  # Cognito accepts fewer than 99 characters

# The version of the consent text shown next to the checkbox (web/index.html); stored with the consent.
CONSENT_TEXT_VERSION = CURRENT_CONSENT_VERSION

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


class _AuthModel(BaseModel):
    """Built when first used (`defer_build`), not at import: a cold start builds the models of the
    route it answers (Powertools builds them with the route's; with SnapStart every route's before
    the snapshot), and the mail worker only the registration its jobs carry (functions/auth/jobs.py)."""

    model_config = ConfigDict(defer_build=True)


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


def _current_consent_version(value: str) -> str:
    if value != CURRENT_CONSENT_VERSION:
        raise PydanticCustomError(
            "consent_version_outdated",
            "Текст согласия на обработку персональных данных обновился: обновите страницу, прочтите "
            "новый текст и отметьте согласие снова.",
        )
    return value


def _consent_is_required(schema: dict[str, Any]) -> None:
    # The field has a default (so that leaving it out gets its own message), yet only `true` passes.
    schema["required"] = sorted({*schema.get("required", []), "consent"})


class _Registration(_AuthModel):
    model_config = ConfigDict(
        str_strip_whitespace=True, extra="forbid", json_schema_extra=_consent_is_required
    )

    email: Email = Field(title="Электронная почта")
    phone: Phone = Field(title="Телефон")
    consent: bool = Field(
        default=False,
        validate_default=True,
        json_schema_extra={"const": True},
        title="Согласие на обработку персональных данных",
        description="Согласие на обработку персональных данных",
    )

    # The version the browser showed (the form's data-version); a client that sends none accepts the
    # current text. An older version is refused: the registrant must read the text in force.
    consent_version: Annotated[str, WithJsonSchema({"type": "string", "enum": [CURRENT_CONSENT_VERSION]})] = (
        Field(
            default=CURRENT_CONSENT_VERSION,
            title="Редакция текста согласия",
            description="Редакция текста согласия, который видел потребитель "
            "(`GET /api/policy`: `consent.version`)",
        )
    )

    @field_validator("consent_version")
    @classmethod
    def _current_text(cls, value: str) -> str:
        return _current_consent_version(value)

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


class RegistrationAccepted(_AuthModel):
    detail: str = (
        "Если адрес указан верно, в течение нескольких минут на него придёт письмо с паролем для входа."
    )


Password = Annotated[str, StringConstraints(min_length=1, max_length=256)]


@cache
def common_passwords() -> frozenset[str]:
    """zxcvbn's list of the 30,000 most frequent passwords of public leaks (lower case).

    Imported when a new password is first checked, not with the models: the list costs a cold start
    some 50 ms and only the password change and reset routes read it.
    """
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


# The Russian keyboard (ЙЦУКЕН) over the Latin one: «йцукен» is «qwerty» and «пароль» is «gfhjkm» typed
# on the same keys. The list holds the Latin-typed ones (gfhjkm, ghbdtn: «привет»), so a password is
# also checked as the keys it was typed with.
_RUSSIAN_KEYS = str.maketrans(
    "йцукенгшщзхъфывапролджэячсмитьбюё",
    "qwertyuiop[]asdfghjkl;'zxcvbnm,.`",
)


def is_common_password(password: str) -> bool:
    typed = password.lower()
    common = common_passwords()
    return typed in common or typed.translate(_RUSSIAN_KEYS) in common


def _not_common(value: str) -> str:
    if is_common_password(value):
        raise PydanticCustomError(
            "password_common",
            "Этот пароль слишком распространён и легко подбирается: придумайте другой, например "
            "из нескольких слов.",
        )
    return value


# The seed's rule (longer than 5 characters; Cognito's policy says the same) and none of the most
# common passwords (NIST SP 800-63B, 5.1.1.2: a new password is compared with known ones).
NewPassword = Annotated[
    str,
    StringConstraints(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH),
    AfterValidator(_not_common),
]


class LoginRequest(_AuthModel):
    model_config = ConfigDict(extra="forbid")

    email: Email = Field(title="Электронная почта")
    password: Password = Field(title="Пароль")


class RefreshRequest(_AuthModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8192)] = (
        Field(title="Токен обновления", json_schema_extra={"pattern": NON_BLANK_TEXT})
    )


class TokensOutput(_AuthModel):
    id_token: str
    access_token: str
    refresh_token: str | None = None
    expires_in: int = Field(description="Срок действия id_token и access_token, секунд")


class PasswordChange(_AuthModel):
    model_config = ConfigDict(extra="forbid")

    old_password: Password = Field(title="Старый пароль")
    new_password: NewPassword = Field(title="Новый пароль")
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


RESET_CODE_DIGITS = 6


class ForgottenPassword(_AuthModel):
    """The address to mail a reset code to (if it is registered)."""

    model_config = ConfigDict(extra="forbid")

    email: Email = Field(title="Электронная почта")


class ResetCodeRequested(_AuthModel):
    detail: str = (
        "Если этот адрес зарегистрирован, в течение нескольких минут на него придёт письмо с кодом "
        "для смены пароля. Код действует 15 минут."
    )


class PasswordReset(_AuthModel):
    """A new password set with the code mailed after «Забыли пароль?»."""

    model_config = ConfigDict(extra="forbid")

    email: Email = Field(title="Электронная почта")
    # Checked by `_six_digits` (a Russian message of its own); the document states the same pattern.
    code: Annotated[
        str, WithJsonSchema({"type": "string", "pattern": rf"^[0-9]{{{RESET_CODE_DIGITS}}}$"})
    ] = Field(title="Код из письма", description=f"{RESET_CODE_DIGITS} цифр из письма с кодом")
    new_password: NewPassword = Field(title="Новый пароль")
    new_password_repeat: Password = Field(title="Повтор нового пароля")

    @field_validator("code")
    @classmethod
    def _six_digits(cls, value: str) -> str:
        if not value.isascii() or not value.isdigit() or len(value) != RESET_CODE_DIGITS:
            raise PydanticCustomError(
                "reset_code_format", f"Код из письма состоит из {RESET_CODE_DIGITS} цифр: проверьте его."
            )
        return value

    @field_validator("new_password_repeat")
    @classmethod
    def _repeats_new(cls, value: str, info: ValidationInfo) -> str:
        if "new_password" in info.data and info.data["new_password"] != value:
            raise PydanticCustomError(
                "password_repeat_mismatch", "Повтор не совпадает с новым паролем: введите его ещё раз."
            )
        return value


class ProfileOutput(_AuthModel):
    user_id: str
    category: Literal["individual", "legal"]
    full_name: str | None = None
    org_name: str | None = None
    email: str
    phone: str
    consent_given_at: datetime
    consent_text_version: str
    # The SHA-256 of the consent text shown (functions/auth/policy.py); absent for profiles made
    # before it was kept.
    consent_text_sha256: str | None = None
    registered_at: datetime
    consent_required: bool = Field(
        default=False,
        description="true — потребитель принял более старую редакцию текста согласия, чем действующая "
        "(`GET /api/policy`: `consent.version`): кабинет показывает новый текст и просит принять его "
        "(`POST /api/profile/consent`) или удалить учётную запись (отзыв согласия)",
    )
    mail_undeliverable_since: datetime | None = Field(
        default=None,
        description="С какого времени письма на email не доставляются (адрес отвергает почту или "
        "пожаловался на письмо); null — доставляются. Пока это так, портал на адрес не пишет",
    )
    outage_mails: bool = Field(
        default=True,
        description="Присылать ли письма об отключениях электроэнергии на объектах потребителя",
    )

    @model_validator(mode="after")
    def _derive_consent_required(self) -> "ProfileOutput":
        # Derived from the accepted version, never stored (ProfileStore leaves it out).
        object.__setattr__(self, "consent_required", consent_is_outdated(self.consent_text_version))
        return self


class PolicySection(_AuthModel):
    title: str
    paragraphs: list[str]


class ConsentText(_AuthModel):
    version: str = Field(description="Редакция; её передаёт регистрация в `consent_version`")
    text: str
    sha256: str = Field(description="SHA-256 текста (UTF-8, пробелы схлопнуты), хранится с согласием")


class PolicyOutput(_AuthModel):
    """«Политика обработки персональных данных» and the consent text in force."""

    version: str
    operator_name: str
    operator_address: str
    operator_inn: str = Field(description="ИНН оператора")
    personal_data_officer: str = Field(
        description="Лицо, ответственное за организацию обработки персональных данных (152-ФЗ, ст. 22.1)"
    )
    personal_data_officer_contact: str = Field(description="Контакт ответственного лица")
    storage_place: str = Field(description="Где хранятся данные: страна, город и регион AWS")
    sections: list[PolicySection]
    consent: ConsentText


class ConsentAcceptance(_AuthModel):
    """The consumer accepts the consent text in force (after logging in, when it is newer than theirs)."""

    model_config = ConfigDict(extra="forbid")

    accepted: bool = Field(
        default=False,
        validate_default=True,
        json_schema_extra={"const": True},
        title="Согласие на обработку персональных данных",
    )
    consent_version: Annotated[str, WithJsonSchema({"type": "string", "enum": [CURRENT_CONSENT_VERSION]})] = (
        Field(
            title="Редакция текста согласия",
            description="Редакция текста, который видел потребитель (`GET /api/policy`: `consent.version`)",
        )
    )

    @field_validator("consent_version")
    @classmethod
    def _current_text(cls, value: str) -> str:
        return _current_consent_version(value)

    @field_validator("accepted")
    @classmethod
    def _accepted(cls, value: bool) -> bool:
        if not value:
            raise PydanticCustomError(
                "consent_required",
                "Отметьте согласие на обработку персональных данных или удалите учётную запись в разделе "
                "«Профиль»: без согласия личный кабинет не работает.",
            )
        return value


class ProfileChange(_AuthModel):
    """What the consumer may change themselves: the phone, and the ФИО or the organisation's name
    (whichever their category has). Every field is optional; at least one is given."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    phone: Phone | None = Field(default=None, title="Телефон")
    full_name: PersonName | None = Field(default=None, title="ФИО")
    org_name: OrgName | None = Field(default=None, title="Название организации")
    outage_mails: bool | None = Field(
        default=None,
        title="Письма об отключениях",
        description="false — не присылать письма об отключениях электроэнергии на объектах; true — присылать",
    )

    def changed(self) -> dict[str, str | bool]:
        return {name: value for name, value in self.model_dump().items() if value is not None}


class ExportedAskueLink(_AuthModel):
    login: str
    state: Literal["active", "credentials_rejected"]
    linked_at: datetime


class DataExport(_AuthModel):
    """Everything the portal keeps about the consumer (the ASKUE password excepted)."""

    exported_at: datetime
    profile: ProfileOutput
    requests: list[dict[str, Any]] = Field(
        description="Заявки с полями, текстом, историей рассмотрения, перепиской и файлами (ссылки для "
        "скачивания действуют час), старые первыми"
    )
    objects: list[dict[str, Any]] = Field(
        default=[], description="«Мои объекты»: адреса, лицевые счета, кадастровые номера, приборы учёта"
    )
    meters: list[dict[str, Any]] = Field(
        default=[], description="Приборы учёта, по которым передавались показания, с последними показаниями"
    )
    readings: list[dict[str, Any]] = Field(description="Показания приборов учёта (все), новые первыми")
    askue_link: ExportedAskueLink | None = Field(description="Подключение АСКУЭ (без пароля) или null")
    askue_snapshots: list[dict[str, Any]] = Field(
        default=[], description="Данные, полученные из АСКУЭ (логин, показания, профили), новые первыми"
    )


class AccountDeletion(_AuthModel):
    """The consumer's password: deleting the account is confirmed by it."""

    model_config = ConfigDict(extra="forbid")

    password: Password = Field(title="Пароль")


class EmailChange(_AuthModel):
    """The new login: a code is mailed to it; the current password confirms that the owner asks."""

    model_config = ConfigDict(extra="forbid")

    new_email: Email = Field(title="Новый адрес электронной почты")
    password: Password = Field(title="Пароль")


class EmailCodeRequested(_AuthModel):
    detail: str = (
        "На новый адрес в течение нескольких минут придёт письмо с кодом подтверждения. "
        "Код действует 15 минут."
    )


class EmailChangeConfirmation(_AuthModel):
    """The code mailed to the new address."""

    model_config = ConfigDict(extra="forbid")

    code: Annotated[
        str, WithJsonSchema({"type": "string", "pattern": rf"^[0-9]{{{RESET_CODE_DIGITS}}}$"})
    ] = Field(title="Код из письма", description=f"{RESET_CODE_DIGITS} цифр из письма с кодом")

    @field_validator("code")
    @classmethod
    def _six_digits(cls, value: str) -> str:
        if not value.isascii() or not value.isdigit() or len(value) != RESET_CODE_DIGITS:
            raise PydanticCustomError(
                "reset_code_format", f"Код из письма состоит из {RESET_CODE_DIGITS} цифр: проверьте его."
            )
        return value


LABELS = field_labels(
    IndividualRegistration,
    LegalRegistration,
    LoginRequest,
    RefreshRequest,
    PasswordChange,
    ForgottenPassword,
    PasswordReset,
    ProfileChange,
    ConsentAcceptance,
    AccountDeletion,
    EmailChange,
    EmailChangeConfirmation,
)
