from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.company_message_kind_type_0 import CompanyMessageKindType0
from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast






T = TypeVar("T", bound="CompanyMessage")



@_attrs_define
class CompanyMessage:
    """ The company's message on a request: a text, or a document (files of one kind), or both.

        Attributes:
            attachments (list[str] | Unset):
            text (str | Unset): Текст сообщения, до 5000 знаков; может быть пустым, если приложен файл Default: ''.
            kind (CompanyMessageKindType0 | Literal['act'] | Literal['admission_act'] | Literal['connection_act'] |
                Literal['connection_notice'] | Literal['contract'] | Literal['invoice'] | Literal['other'] |
                Literal['technical_conditions'] | None | Unset): Обязателен, если приложены файлы, и не указывается без них
            operator (None | str | Unset): Кто в компании написал, например «CRM: Петрова А. В.»; автором в истории портал
                всегда записывает ключ интеграции
     """

    attachments: list[str] | Unset = UNSET
    text: str | Unset = ''
    kind: CompanyMessageKindType0 | Literal['act'] | Literal['admission_act'] | Literal['connection_act'] | Literal['connection_notice'] | Literal['contract'] | Literal['invoice'] | Literal['other'] | Literal['technical_conditions'] | None | Unset = UNSET
    operator: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        attachments: list[str] | Unset = UNSET
        if not isinstance(self.attachments, Unset):
            attachments = self.attachments



        text = self.text

        kind: Literal['act'] | Literal['admission_act'] | Literal['connection_act'] | Literal['connection_notice'] | Literal['contract'] | Literal['invoice'] | Literal['other'] | Literal['technical_conditions'] | None | str | Unset
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

        def _parse_kind(data: object) -> CompanyMessageKindType0 | Literal['act'] | Literal['admission_act'] | Literal['connection_act'] | Literal['connection_notice'] | Literal['contract'] | Literal['invoice'] | Literal['other'] | Literal['technical_conditions'] | None | Unset:
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
            kind_технические_условия = cast(Literal['technical_conditions'] , data)
            if kind_технические_условия != 'technical_conditions':
                raise ValueError(f"kind_Технические условия must match const 'technical_conditions', got '{kind_технические_условия}'")
            return kind_технические_условия
            kind_проект_договора_условия_договора = cast(Literal['contract'] , data)
            if kind_проект_договора_условия_договора != 'contract':
                raise ValueError(f"kind_Проект договора / условия договора must match const 'contract', got '{kind_проект_договора_условия_договора}'")
            return kind_проект_договора_условия_договора
            kind_счёт = cast(Literal['invoice'] , data)
            if kind_счёт != 'invoice':
                raise ValueError(f"kind_Счёт must match const 'invoice', got '{kind_счёт}'")
            return kind_счёт
            kind_акт = cast(Literal['act'] , data)
            if kind_акт != 'act':
                raise ValueError(f"kind_Акт must match const 'act', got '{kind_акт}'")
            return kind_акт
            kind_другое = cast(Literal['other'] , data)
            if kind_другое != 'other':
                raise ValueError(f"kind_Другое must match const 'other', got '{kind_другое}'")
            return kind_другое
            kind_акт_об_осуществлении_технологического_присоединения = cast(Literal['connection_act'] , data)
            if kind_акт_об_осуществлении_технологического_присоединения != 'connection_act':
                raise ValueError(f"kind_Акт об осуществлении технологического присоединения must match const 'connection_act', got '{kind_акт_об_осуществлении_технологического_присоединения}'")
            return kind_акт_об_осуществлении_технологического_присоединения
            kind_уведомление_об_обеспечении_возможности_присоединения = cast(Literal['connection_notice'] , data)
            if kind_уведомление_об_обеспечении_возможности_присоединения != 'connection_notice':
                raise ValueError(f"kind_Уведомление об обеспечении возможности присоединения must match const 'connection_notice', got '{kind_уведомление_об_обеспечении_возможности_присоединения}'")
            return kind_уведомление_об_обеспечении_возможности_присоединения
            kind_акт_допуска_прибора_учёта_в_эксплуатацию = cast(Literal['admission_act'] , data)
            if kind_акт_допуска_прибора_учёта_в_эксплуатацию != 'admission_act':
                raise ValueError(f"kind_Акт допуска прибора учёта в эксплуатацию must match const 'admission_act', got '{kind_акт_допуска_прибора_учёта_в_эксплуатацию}'")
            return kind_акт_допуска_прибора_учёта_в_эксплуатацию
            return cast(CompanyMessageKindType0 | Literal['act'] | Literal['admission_act'] | Literal['connection_act'] | Literal['connection_notice'] | Literal['contract'] | Literal['invoice'] | Literal['other'] | Literal['technical_conditions'] | None | Unset, data)

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

