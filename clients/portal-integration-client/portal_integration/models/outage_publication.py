from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.outage_kind import OutageKind
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.outage_address import OutageAddress





T = TypeVar("T", bound="OutagePublication")



@_attrs_define
class OutagePublication:
    """ What the company publishes.

        Attributes:
            kind (OutageKind):
            starts_at (datetime.datetime): С часовым поясом
            ends_at (datetime.datetime): Для аварийного — ожидаемое время восстановления электроснабжения
            reason (str): Например, «Ремонт ВЛ-0,4 кВ»
            addresses (list[OutageAddress]): Улицы и дома
     """

    kind: OutageKind
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    reason: str
    addresses: list[OutageAddress]





    def to_dict(self) -> dict[str, Any]:
        from ..models.outage_address import OutageAddress # noqa: PLC0415
        kind = self.kind.value

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        reason = self.reason

        addresses = []
        for addresses_item_data in self.addresses:
            addresses_item = addresses_item_data.to_dict()
            addresses.append(addresses_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "kind": kind,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "reason": reason,
            "addresses": addresses,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.outage_address import OutageAddress # noqa: PLC0415
        d = dict(src_dict)
        kind = OutageKind(d.pop("kind"))




        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))




        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))




        reason = d.pop("reason")

        addresses = []
        _addresses = d.pop("addresses")
        for addresses_item_data in (_addresses):
            addresses_item = OutageAddress.from_dict(addresses_item_data)



            addresses.append(addresses_item)


        outage_publication = cls(
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
            addresses=addresses,
        )

        return outage_publication

