from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.billed_reading import BilledReading





T = TypeVar("T", bound="ReadingsPage")



@_attrs_define
class ReadingsPage:
    """ 
        Attributes:
            items (list[BilledReading]):
            next_after (int): Курсор следующего запроса (after)
            has_more (bool): true — лента прочитана не до конца: запросите следующую страницу
     """

    items: list[BilledReading]
    next_after: int
    has_more: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.billed_reading import BilledReading # noqa: PLC0415
        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)



        next_after = self.next_after

        has_more = self.has_more


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "items": items,
            "next_after": next_after,
            "has_more": has_more,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.billed_reading import BilledReading # noqa: PLC0415
        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in (_items):
            items_item = BilledReading.from_dict(items_item_data)



            items.append(items_item)


        next_after = d.pop("next_after")

        has_more = d.pop("has_more")

        readings_page = cls(
            items=items,
            next_after=next_after,
            has_more=has_more,
        )


        readings_page.additional_properties = d
        return readings_page

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
