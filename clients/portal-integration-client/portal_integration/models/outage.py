from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.outage_kind import OutageKind
from ..models.outage_status import OutageStatus
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.outage_street import OutageStreet





T = TypeVar("T", bound="Outage")



@_attrs_define
class Outage:
    """ An outage as anyone reads it.

        Attributes:
            id (str):
            kind (OutageKind):
            status (OutageStatus):
            starts_at (datetime.datetime):
            ends_at (datetime.datetime): Окончание; для аварийного — ожидаемое восстановление
            reason (str):
            addresses (list[OutageStreet]):
            version (int): 1 при публикации, затем +1 за каждое изменение
            published_at (datetime.datetime):
            changed_at (datetime.datetime):
     """

    id: str
    kind: OutageKind
    status: OutageStatus
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    reason: str
    addresses: list[OutageStreet]
    version: int
    published_at: datetime.datetime
    changed_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.outage_street import OutageStreet # noqa: PLC0415
        id = self.id

        kind = self.kind.value

        status = self.status.value

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        reason = self.reason

        addresses = []
        for addresses_item_data in self.addresses:
            addresses_item = addresses_item_data.to_dict()
            addresses.append(addresses_item)



        version = self.version

        published_at = self.published_at.isoformat()

        changed_at = self.changed_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "kind": kind,
            "status": status,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "reason": reason,
            "addresses": addresses,
            "version": version,
            "published_at": published_at,
            "changed_at": changed_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.outage_street import OutageStreet # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        kind = OutageKind(d.pop("kind"))




        status = OutageStatus(d.pop("status"))




        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))




        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))




        reason = d.pop("reason")

        addresses = []
        _addresses = d.pop("addresses")
        for addresses_item_data in (_addresses):
            addresses_item = OutageStreet.from_dict(addresses_item_data)



            addresses.append(addresses_item)


        version = d.pop("version")

        published_at = datetime.datetime.fromisoformat(d.pop("published_at"))




        changed_at = datetime.datetime.fromisoformat(d.pop("changed_at"))




        outage = cls(
            id=id,
            kind=kind,
            status=status,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
            addresses=addresses,
            version=version,
            published_at=published_at,
            changed_at=changed_at,
        )


        outage.additional_properties = d
        return outage

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
