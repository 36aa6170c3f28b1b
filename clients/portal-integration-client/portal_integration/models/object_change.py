from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ObjectChange")



@_attrs_define
class ObjectChange:
    """ What the company changes on an object: its лицевой счёт's confirmation, and which of its
    meters the company's intelligent metering system (ИСУ) reads — those take no manual readings.

        Attributes:
            confirmed (bool | None | Unset): true — лицевой счёт сверен с биллингом; false — снять подтверждение
            isu_meters (list[str] | None | Unset): Номера приборов учёта объекта, показания которых сетевая компания
                получает интеллектуальной системой учёта: ручной ввод показаний для них не принимается. Заменяет прежний список
                объекта; [] — ни один
     """

    confirmed: bool | None | Unset = UNSET
    isu_meters: list[str] | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        confirmed: bool | None | Unset
        if isinstance(self.confirmed, Unset):
            confirmed = UNSET
        else:
            confirmed = self.confirmed

        isu_meters: list[str] | None | Unset
        if isinstance(self.isu_meters, Unset):
            isu_meters = UNSET
        elif isinstance(self.isu_meters, list):
            isu_meters = self.isu_meters


        else:
            isu_meters = self.isu_meters


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if confirmed is not UNSET:
            field_dict["confirmed"] = confirmed
        if isu_meters is not UNSET:
            field_dict["isu_meters"] = isu_meters

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_confirmed(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        confirmed = _parse_confirmed(d.pop("confirmed", UNSET))


        def _parse_isu_meters(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                isu_meters_type_0 = cast(list[str], data)

                return isu_meters_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        isu_meters = _parse_isu_meters(d.pop("isu_meters", UNSET))


        object_change = cls(
            confirmed=confirmed,
            isu_meters=isu_meters,
        )

        return object_change

