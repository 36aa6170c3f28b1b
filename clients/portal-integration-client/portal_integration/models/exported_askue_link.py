from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.exported_askue_link_state import ExportedAskueLinkState
from typing import cast
import datetime






T = TypeVar("T", bound="ExportedAskueLink")



@_attrs_define
class ExportedAskueLink:
    """ 
        Attributes:
            login (str):
            state (ExportedAskueLinkState):
            linked_at (datetime.datetime):
     """

    login: str
    state: ExportedAskueLinkState
    linked_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        login = self.login

        state = self.state.value

        linked_at = self.linked_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "login": login,
            "state": state,
            "linked_at": linked_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        login = d.pop("login")

        state = ExportedAskueLinkState(d.pop("state"))




        linked_at = datetime.datetime.fromisoformat(d.pop("linked_at"))




        exported_askue_link = cls(
            login=login,
            state=state,
            linked_at=linked_at,
        )


        exported_askue_link.additional_properties = d
        return exported_askue_link

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
