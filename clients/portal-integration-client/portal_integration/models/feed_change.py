from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.feed_change_detail import FeedChangeDetail





T = TypeVar("T", bound="FeedChange")



@_attrs_define
class FeedChange:
    """ One change: the event the portal published of it, with its number in the feed.

        Attributes:
            sequence (int): Номер изменения в ленте: 1, 2, 3… без пропусков
            event_id (str): id события (как в EventBridge): по нему отбрасывают повторы
            type_ (str): Тип события (detail-type, docs/events.md), например portal.request.filed.v1
            detail (FeedChangeDetail): Событие, как его публикует шина (docs/events.md)
            recorded_at (datetime.datetime): Когда изменение записано в ленту
     """

    sequence: int
    event_id: str
    type_: str
    detail: FeedChangeDetail
    recorded_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.feed_change_detail import FeedChangeDetail # noqa: PLC0415
        sequence = self.sequence

        event_id = self.event_id

        type_ = self.type_

        detail = self.detail.to_dict()

        recorded_at = self.recorded_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "sequence": sequence,
            "event_id": event_id,
            "type": type_,
            "detail": detail,
            "recorded_at": recorded_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.feed_change_detail import FeedChangeDetail # noqa: PLC0415
        d = dict(src_dict)
        sequence = d.pop("sequence")

        event_id = d.pop("event_id")

        type_ = d.pop("type")

        detail = FeedChangeDetail.from_dict(d.pop("detail"))




        recorded_at = datetime.datetime.fromisoformat(d.pop("recorded_at"))




        feed_change = cls(
            sequence=sequence,
            event_id=event_id,
            type_=type_,
            detail=detail,
            recorded_at=recorded_at,
        )


        feed_change.additional_properties = d
        return feed_change

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
