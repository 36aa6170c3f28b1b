from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="AccountConfirmation")



@_attrs_define
class AccountConfirmation:
    """ 
        Attributes:
            confirmed (bool): true — лицевой счёт сверен с биллингом; false — снять подтверждение
     """

    confirmed: bool





    def to_dict(self) -> dict[str, Any]:
        confirmed = self.confirmed


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "confirmed": confirmed,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        confirmed = d.pop("confirmed")

        account_confirmation = cls(
            confirmed=confirmed,
        )

        return account_confirmation

