from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.meter_type import MeterType
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ObjectMeter")



@_attrs_define
class ObjectMeter:
    """ A meter installed at the object.

        Attributes:
            meter_type (MeterType):
            meter_number (str): Номер прибора учёта: буквы, цифры, «-» и «/», до 30 символов; хранится заглавными буквами
            digits (int | None | Unset): Цифр до запятой на счётном механизме
     """

    meter_type: MeterType
    meter_number: str
    digits: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        meter_type = self.meter_type.value

        meter_number = self.meter_number

        digits: int | None | Unset
        if isinstance(self.digits, Unset):
            digits = UNSET
        else:
            digits = self.digits


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "meter_type": meter_type,
            "meter_number": meter_number,
        })
        if digits is not UNSET:
            field_dict["digits"] = digits

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        meter_type = MeterType(d.pop("meter_type"))




        meter_number = d.pop("meter_number")

        def _parse_digits(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        digits = _parse_digits(d.pop("digits", UNSET))


        object_meter = cls(
            meter_type=meter_type,
            meter_number=meter_number,
            digits=digits,
        )

        return object_meter

