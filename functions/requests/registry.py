"""The models of the request types: what `POST /api/requests` validates and documents.

The request types are `REQUEST_KINDS` (vocabulary.py): one entry per type (code, Russian title, the
name of its fields model, default review days, description), in the order the site shows them.
Everything else derives from them: the `RequestType` enum, one model per type (`fields` typed by its
model) and their union discriminated by `type` (what the API validates and documents),
`TYPE_TITLES`, `FIELDS_OF`, the labels of validation messages (inputs.py), `/api/requests/types` and
the review days (settings.py). Stored records and workers import only vocabulary.py: these models are
built by the functions that validate or document requests.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    create_model,
)
from pydantic_core import PydanticCustomError

from functions.requests import connection_fields, type_fields
from functions.requests.type_fields import TypeFields
from functions.requests.vocabulary import KIND_OF, RequestKind, RequestType

MAX_ATTACHMENTS = 5

# ---------------------------------------------------------------- the request types


def _fields_model(kind: RequestKind) -> type[TypeFields]:
    """The fields model `kind.fields` names; an entry naming none stops every import of the registry."""
    model = getattr(type_fields, kind.fields, None) or getattr(connection_fields, kind.fields, None)
    if not (isinstance(model, type) and issubclass(model, TypeFields)):
        raise ImportError(f"{kind.code}: no TypeFields model named {kind.fields!r} in type_fields.py")
    return model


RequestText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
UploadKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]


def _distinct(keys: list[str]) -> list[str]:
    if len(set(keys)) != len(keys):
        raise PydanticCustomError("attachments_repeated", "Один и тот же файл приложен дважды.")
    return keys


Attachments = Annotated[list[UploadKey], Field(max_length=MAX_ATTACHMENTS), AfterValidator(_distinct)]


class NewRequestBase(BaseModel):
    """What every request has; each type's model fixes `type` to its code and `fields` to its model."""

    model_config = ConfigDict(extra="forbid")

    text: RequestText = Field(title="Текст заявки")
    attachments: Attachments = Field(default_factory=list, title="Файлы")
    type: str
    fields: TypeFields


def _request_model(kind: RequestKind) -> type[NewRequestBase]:
    """The request of one type, named like `ConnectionRequest` and titled in Russian in OpenAPI."""
    tag: Any = Literal[kind.code]  # `type` is exactly this code: the union's discriminator
    return create_model(
        "".join(word.title() for word in kind.code.split("_")) + "Request",
        __base__=NewRequestBase,
        __module__=__name__,
        __doc__=kind.description,
        __cls_kwargs__={"title": kind.title},
        type=(tag, Field(title="Тип заявки")),
        fields=(_fields_model(kind), Field(title="Дополнительные поля")),
    )


REQUEST_MODELS: Mapping[RequestType, type[NewRequestBase]] = {
    code: _request_model(kind) for code, kind in KIND_OF.items()
}
FIELDS_OF: Mapping[RequestType, type[TypeFields]] = {
    code: _fields_model(kind) for code, kind in KIND_OF.items()
}

if TYPE_CHECKING:
    NewRequest = NewRequestBase  # what the code reads of any request
else:
    # What the API validates and documents: one of the types' models, chosen by `type` (a `oneOf`
    # with a discriminator). `Union[...]` because `|` cannot join a tuple made at run time.
    NewRequest = Annotated[Union[tuple(REQUEST_MODELS.values())], Field(discriminator="type")]  # noqa: UP007
