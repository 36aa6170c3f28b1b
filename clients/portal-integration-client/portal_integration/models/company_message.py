from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.company_message_kind_type_0 import CompanyMessageKindType0
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="CompanyMessage")



@_attrs_define
class CompanyMessage:
    """ The company's message on a request: a text, or a document (files of one kind), or both.

        Attributes:
            attachments (list[str] | Unset):
            text (str | Unset): Текст сообщения, до 5000 знаков; может быть пустым, если приложен файл Default: ''.
            kind (CompanyMessageKindType0 | None | Unset): Обязателен, если приложены файлы, и не указывается без них
            operator (None | str | Unset): Кто в компании написал, например «CRM: Петрова А. В.»; автором в истории портал
                всегда записывает ключ интеграции
     """

    attachments: list[str] | Unset = UNSET
    text: str | Unset = ''
    kind: CompanyMessageKindType0 | None | Unset = UNSET
    operator: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        attachments: list[str] | Unset = UNSET
        if not isinstance(self.attachments, Unset):
            attachments = self.attachments



        text = self.text

        kind: None | str | Unset
        if isinstance(self.kind, Unset):
            kind = UNSET
        elif isinstance(self.kind, CompanyMessageKindType0):
            kind = self.kind.value
        else:
            kind = self.kind

        operator: None | str | Unset
        if isinstance(self.operator, Unset):
            operator = UNSET
        else:
            operator = self.operator


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if attachments is not UNSET:
            field_dict["attachments"] = attachments
        if text is not UNSET:
            field_dict["text"] = text
        if kind is not UNSET:
            field_dict["kind"] = kind
        if operator is not UNSET:
            field_dict["operator"] = operator

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attachments = cast(list[str], d.pop("attachments", UNSET))


        text = d.pop("text", UNSET)

        def _parse_kind(data: object) -> CompanyMessageKindType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                kind_type_0 = CompanyMessageKindType0(data)



                return kind_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CompanyMessageKindType0 | None | Unset, data)

        kind = _parse_kind(d.pop("kind", UNSET))


        def _parse_operator(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        operator = _parse_operator(d.pop("operator", UNSET))


        company_message = cls(
            attachments=attachments,
            text=text,
            kind=kind,
            operator=operator,
        )

        return company_message

