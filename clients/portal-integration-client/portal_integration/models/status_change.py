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
                Изменившим заявку (changed_by) история всегда называет систему компании (integrator:<имя>); «consumer»,
                «потребитель» и «integrator:…» здесь не принимаются. Прежнее имя поля, changed_by, тоже принимается.
            outage_id (None | str | Unset): id отключения (GET /api/outages/{id}), о котором эта заявка, например сообщение
                об отсутствии электроэнергии: потребитель видит в заявке его ожидаемое время восстановления
            expected_status (None | RequestStatus | Unset): Статус, в котором система видела заявку, когда решила её
                перевести: если заявка уже в другом статусе (её перевела другая система), перевод не выполняется и ответ — 412.
                Перевод в статус, который у заявки уже есть, отвечает 200 без новой записи в истории.
     """

    status: RequestStatus
    comment: None | str | Unset = UNSET
    operator: None | str | Unset = UNSET
    outage_id: None | str | Unset = UNSET
    expected_status: None | RequestStatus | Unset = UNSET





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

        outage_id: None | str | Unset
        if isinstance(self.outage_id, Unset):
            outage_id = UNSET
        else:
            outage_id = self.outage_id

        expected_status: None | str | Unset
        if isinstance(self.expected_status, Unset):
            expected_status = UNSET
        elif isinstance(self.expected_status, RequestStatus):
            expected_status = self.expected_status.value
        else:
            expected_status = self.expected_status


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "status": status,
        })
        if comment is not UNSET:
            field_dict["comment"] = comment
        if operator is not UNSET:
            field_dict["operator"] = operator
        if outage_id is not UNSET:
            field_dict["outage_id"] = outage_id
        if expected_status is not UNSET:
            field_dict["expected_status"] = expected_status

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


        def _parse_outage_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        outage_id = _parse_outage_id(d.pop("outage_id", UNSET))


        def _parse_expected_status(data: object) -> None | RequestStatus | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expected_status_type_0 = RequestStatus(data)



                return expected_status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RequestStatus | Unset, data)

        expected_status = _parse_expected_status(d.pop("expected_status", UNSET))


        status_change = cls(
            status=status,
            comment=comment,
            operator=operator,
            outage_id=outage_id,
            expected_status=expected_status,
        )

        return status_change

