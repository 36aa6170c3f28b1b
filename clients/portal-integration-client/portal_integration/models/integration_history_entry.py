from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.request_status import RequestStatus
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="IntegrationHistoryEntry")



@_attrs_define
class IntegrationHistoryEntry:
    """ 
        Attributes:
            status (RequestStatus):
            status_title (str):
            at (datetime.datetime):
            changed_by (str): Кто изменил; записывает портал, не клиент API: consumer — потребитель (подача заявки),
                integrator:<имя> — система компании (интегратор <имя>; в записях до именных ключей — api-key:<id ключа>), portal
                — сам портал (аннулирование заявки на присоединение по истечении срока)
            comment (None | str | Unset):
            stage (None | str | Unset): Код этапа присоединения, отмеченного этой записью
            operator (None | str | Unset): Сотрудник или система компании, которых назвал клиент API (поле operator
                изменения)
     """

    status: RequestStatus
    status_title: str
    at: datetime.datetime
    changed_by: str
    comment: None | str | Unset = UNSET
    stage: None | str | Unset = UNSET
    operator: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        status_title = self.status_title

        at = self.at.isoformat()

        changed_by = self.changed_by

        comment: None | str | Unset
        if isinstance(self.comment, Unset):
            comment = UNSET
        else:
            comment = self.comment

        stage: None | str | Unset
        if isinstance(self.stage, Unset):
            stage = UNSET
        else:
            stage = self.stage

        operator: None | str | Unset
        if isinstance(self.operator, Unset):
            operator = UNSET
        else:
            operator = self.operator


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "status": status,
            "status_title": status_title,
            "at": at,
            "changed_by": changed_by,
        })
        if comment is not UNSET:
            field_dict["comment"] = comment
        if stage is not UNSET:
            field_dict["stage"] = stage
        if operator is not UNSET:
            field_dict["operator"] = operator

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = RequestStatus(d.pop("status"))




        status_title = d.pop("status_title")

        at = datetime.datetime.fromisoformat(d.pop("at"))




        changed_by = d.pop("changed_by")

        def _parse_comment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        comment = _parse_comment(d.pop("comment", UNSET))


        def _parse_stage(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        stage = _parse_stage(d.pop("stage", UNSET))


        def _parse_operator(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        operator = _parse_operator(d.pop("operator", UNSET))


        integration_history_entry = cls(
            status=status,
            status_title=status_title,
            at=at,
            changed_by=changed_by,
            comment=comment,
            stage=stage,
            operator=operator,
        )


        integration_history_entry.additional_properties = d
        return integration_history_entry

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
