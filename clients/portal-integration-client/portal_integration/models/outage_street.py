from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="OutageStreet")



@_attrs_define
class OutageStreet:
    """ 
        Attributes:
            settlement (str):
            street (None | str):
            houses (str): Дома, как их указала сетевая компания; пусто — вся улица
     """

    settlement: str
    street: None | str
    houses: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        settlement = self.settlement

        street: None | str
        street = self.street

        houses = self.houses


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "settlement": settlement,
            "street": street,
            "houses": houses,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        settlement = d.pop("settlement")

        def _parse_street(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        street = _parse_street(d.pop("street"))


        houses = d.pop("houses")

        outage_street = cls(
            settlement=settlement,
            street=street,
            houses=houses,
        )


        outage_street.additional_properties = d
        return outage_street

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
