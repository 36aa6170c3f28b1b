from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="OutageAddress")



@_attrs_define
class OutageAddress:
    """ A street (or a settlement without streets) and its houses the outage affects.

        Attributes:
            settlement (str): Например, «г. Бор», «д. Берёзки»
            street (None | str | Unset): Не указывается для населённого пункта без улиц
            houses (list[str] | str | Unset): Номера и диапазоны домов: «1-15, 17, 21а» или ["1-15", "17", "21а"]; пусто —
                вся улица Default: ''.
     """

    settlement: str
    street: None | str | Unset = UNSET
    houses: list[str] | str | Unset = ''





    def to_dict(self) -> dict[str, Any]:
        settlement = self.settlement

        street: None | str | Unset
        if isinstance(self.street, Unset):
            street = UNSET
        else:
            street = self.street

        houses: list[str] | str | Unset
        if isinstance(self.houses, Unset):
            houses = UNSET
        elif isinstance(self.houses, list):
            houses = self.houses


        else:
            houses = self.houses


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "settlement": settlement,
        })
        if street is not UNSET:
            field_dict["street"] = street
        if houses is not UNSET:
            field_dict["houses"] = houses

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        settlement = d.pop("settlement")

        def _parse_street(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        street = _parse_street(d.pop("street", UNSET))


        def _parse_houses(data: object) -> list[str] | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                houses_type_1 = cast(list[str], data)

                return houses_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | str | Unset, data)

        houses = _parse_houses(d.pop("houses", UNSET))


        outage_address = cls(
            settlement=settlement,
            street=street,
            houses=houses,
        )

        return outage_address

