from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.request_status import RequestStatus
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="StatusChange")



@_attrs_define
class StatusChange:
    """ 
        Attributes:
            status (RequestStatus):
            comment (None | str | Unset):
            operator (None | str | Unset): Кто в компании сделал изменение, для истории, например «CRM: Петрова А. В.».
                Изменившим заявку (changed_by) история всегда называет ключ интеграции (api-key:<id>); «consumer», «потребитель»
                и «api-key:…» здесь не принимаются. Прежнее имя поля, changed_by, тоже принимается.
     """

    status: RequestStatus
    comment: None | str | Unset = UNSET
    operator: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        comment: None | str | Unset
        if isinstance(self.comment, Unset):
            comment = UNSET
        else:
            comment = self.comment

        operator: None | str | Unset
        if isinstance(self.operator, Unset):
            operator = UNSET
        else:
            operator = self.operator


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "status": status,
        })
        if comment is not UNSET:
            field_dict["comment"] = comment
        if operator is not UNSET:
            field_dict["operator"] = operator

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = RequestStatus(d.pop("status"))




        def _parse_comment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        comment = _parse_comment(d.pop("comment", UNSET))


        def _parse_operator(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        operator = _parse_operator(d.pop("operator", UNSET))


        status_change = cls(
            status=status,
            comment=comment,
            operator=operator,
        )

        return status_change

