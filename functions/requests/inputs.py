"""What callers send to the requests API, besides a new request itself (registry.py): uploads, status
changes, messages, withdrawals; who may be named as the company's operator; the Russian labels of
every input field in validation messages."""

import re
import unicodedata
from collections.abc import Mapping
from typing import Annotated

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from functions.common.fields import HexId
from functions.common.integrators import INTEGRATOR_ACTOR_PREFIX
from functions.common.labels import field_labels
from functions.requests.registry import MAX_ATTACHMENTS, REQUEST_MODELS, Attachments
from functions.requests.type_fields import LongText, one_of
from functions.requests.vocabulary import DOCUMENT_KIND_TITLES, DocumentKind, RequestStatus

MAX_FILE_BYTES = 10 * 1024 * 1024

# Accepted attachments: the content type and the file name endings that go with it.
FILE_TYPES: Mapping[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/tiff": (".tif", ".tiff"),
}
FILE_TYPES_TEXT = "PDF, JPEG, PNG или TIFF"


class UploadRequest(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    content_type: str = Field(title="Тип файла", json_schema_extra={"enum": list(FILE_TYPES)})
    filename: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(title="Имя файла")
    size: int = Field(title="Размер файла", gt=0, json_schema_extra={"maximum": MAX_FILE_BYTES})

    @field_validator("content_type")
    @classmethod
    def _accepted_type(cls, value: str) -> str:
        value = value.lower()
        if value not in FILE_TYPES:
            raise PydanticCustomError("file_type_refused", f"Можно приложить только файлы {FILE_TYPES_TEXT}.")
        return value

    @field_validator("filename")
    @classmethod
    def _name_matches_type(cls, value: str, info: ValidationInfo) -> str:
        endings = FILE_TYPES.get(info.data.get("content_type", ""))
        if endings and not value.lower().endswith(endings):
            raise PydanticCustomError(
                "file_name_mismatch",
                f"Имя файла должно оканчиваться на {' или '.join(endings)}, как положено файлу этого типа.",
            )
        return value

    @field_validator("size")
    @classmethod
    def _small_enough(cls, value: int) -> int:
        if value > MAX_FILE_BYTES:
            raise PydanticCustomError(
                "file_too_big", "Файл больше 10 МБ: уменьшите его или разделите на части."
            )
        return value


# ---------------------------------------------------------------- who changed a request

# The actors of a request's history, set by the portal only: the consumer (who files it) and the
# company's systems, each by its integrator's name (`integrator:crm`, functions/common/integrators.py;
# entries written before integrators had names say `api-key:<API Gateway's key id>`). A client of
# the integration API may name its operator (kept apart, in `operator`), never the actor.
CONSUMER_ACTOR = "consumer"
API_KEY_ACTOR_PREFIX = "api-key:"
UNKNOWN_KEY_ACTOR = f"{INTEGRATOR_ACTOR_PREFIX}unknown"
# The portal itself: the daily deadlines function's annulment of a connection (connection_deadlines.py).
PORTAL_ACTOR = "portal"
# Cyrillic letters that look like Latin ones: «соnsumer» typed with them is still «consumer».
_LOOKALIKES = str.maketrans("асеікмнорстухАВСЕІКМНОРСТХ", "aceikmhopctyxABCEIKMHOPCTX")
_RESERVED_NAMES = frozenset({CONSUMER_ACTOR, "потребитель", PORTAL_ACTOR, "портал"})


def is_reserved_actor(name: str) -> bool:
    """Whether `name` is, or passes for, a value the portal sets itself (consumer, integrator:…)."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    squeezed = re.sub(r"[\W_]+", "", folded)  # "c o n s u m e r", "api_key-1"
    return any(
        word in _RESERVED_NAMES or word.startswith(("apikey", "integrator"))
        for word in (squeezed, squeezed.translate(_LOOKALIKES))
    )


def _operator_name(value: str) -> str:
    if is_reserved_actor(value):
        raise PydanticCustomError(
            "operator_reserved",
            "Укажите сотрудника или систему компании, например «CRM: Петрова А. В.»: «consumer», "
            "«потребитель» и «integrator:…» портал записывает в историю сам.",
        )
    return value


OperatorName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_operator_name),
]


def _comment(value: str) -> str:
    return re.sub(r"[ \t]+", " ", value).strip()


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: RequestStatus = Field(title="Статус")
    comment: Annotated[str, StringConstraints(max_length=2000), AfterValidator(_comment)] | None = Field(
        default=None, title="Комментарий"
    )
    operator: OperatorName | None = Field(
        default=None,
        validation_alias=AliasChoices("operator", "changed_by"),
        title="Сотрудник",
        description="Кто в компании сделал изменение, для истории, например «CRM: Петрова А. В.». "
        "Изменившим заявку (changed_by) история всегда называет систему компании (integrator:<имя>); "
        "«consumer», «потребитель» и «integrator:…» здесь не принимаются. Прежнее имя поля, changed_by, "
        "тоже принимается.",
    )
    outage_id: HexId | None = Field(
        default=None,
        title="Отключение",
        description="id отключения (GET /api/outages/{id}), о котором эта заявка, например сообщение об "
        "отсутствии электроэнергии: потребитель видит в заявке его ожидаемое время восстановления",
    )
    expected_status: RequestStatus | None = Field(
        default=None,
        title="Ожидаемый текущий статус",
        description="Статус, в котором система видела заявку, когда решила её перевести: если заявка уже "
        "в другом статусе (её перевела другая система), перевод не выполняется и ответ — 412. Перевод в "
        "статус, который у заявки уже есть, отвечает 200 без новой записи в истории.",
    )


# ---------------------------------------------------------------- the conversation on a request

MAX_MESSAGE_LENGTH = 5000


def _message_text(value: object) -> object:
    """A message's text, refused in words of its own: «text» of the requests API is the request's."""
    if not isinstance(value, str):
        raise PydanticCustomError("message_text_type", "Текст сообщения должен быть строкой.")
    value = value.strip()
    if len(value) > MAX_MESSAGE_LENGTH:
        raise PydanticCustomError(
            "message_text_too_long", f"Сообщение длиннее {MAX_MESSAGE_LENGTH} знаков: сократите его."
        )
    return value


MessageText = Annotated[str, BeforeValidator(_message_text), StringConstraints(max_length=MAX_MESSAGE_LENGTH)]


class NewMessage(BaseModel):
    """The consumer's message on their request: a text, files, or both."""

    model_config = ConfigDict(extra="forbid")

    attachments: Attachments = Field(default_factory=list, title="Файлы")
    text: MessageText = Field(
        default="",
        validate_default=True,
        description="Текст сообщения, до 5000 знаков; может быть пустым, если приложен файл",
    )

    @field_validator("text")
    @classmethod
    def _says_something(cls, value: str, info: ValidationInfo) -> str:
        if not value and "attachments" in info.data and not info.data["attachments"]:
            raise PydanticCustomError("message_empty", "Напишите сообщение или приложите файл.")
        return value


class CompanyMessage(NewMessage):
    """The company's message on a request: a text, or a document (files of one kind), or both."""

    kind: DocumentKind | None = Field(
        default=None,
        validate_default=True,
        title="Вид документа",
        description="Обязателен, если приложены файлы, и не указывается без них",
        json_schema_extra=one_of(DOCUMENT_KIND_TITLES),
    )
    operator: OperatorName | None = Field(
        default=None,
        title="Сотрудник",
        description="Кто в компании написал, например «CRM: Петрова А. В.»; автором в истории портал "
        "всегда записывает ключ интеграции",
    )

    @field_validator("kind")
    @classmethod
    def _kind_goes_with_files(cls, value: str | None, info: ValidationInfo) -> str | None:
        if "attachments" not in info.data:
            return value
        if info.data["attachments"] and value is None:
            raise PydanticCustomError(
                "kind_missing", "Укажите вид документа: файлы без вида не отправляются."
            )
        if not info.data["attachments"] and value is not None:
            raise PydanticCustomError("kind_without_files", "Вид документа указывают вместе с файлами.")
        return value


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: LongText = Field(title="Причина отзыва")


# ---------------------------------------------------------------- labels for validation messages

# Errors name a field without its type (fields.x): a name must mean one thing in every type.
LABELS = field_labels(
    *REQUEST_MODELS.values(),
    UploadRequest,
    StatusChange,
    CompanyMessage,
    Withdrawal,
    also={
        "cursor": "Курсор",
        "limit": "Размер страницы",
        "since": "Начиная с",
        "unanswered": "Ждут ответа",
        "Idempotency-Key": "Idempotency-Key",
        **{f"attachments.{index}": f"Файл {index + 1}" for index in range(MAX_ATTACHMENTS + 5)},
    },
)
