from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.account_deletion_started_state import AccountDeletionStartedState
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="AccountDeletionStarted")



@_attrs_define
class AccountDeletionStarted:
    """ Where the account stands once support asked for its deletion.

        Attributes:
            user_id (str): Потребитель (Cognito sub)
            state (AccountDeletionStartedState): deletion_requested — учётная запись удалена (войти нельзя), персональные
                данные будут стёрты не позже erase_by; erased — уже стёрты
            deleted_at (datetime.datetime | None): Когда учётная запись удалена (согласие отозвано): при повторе — время
                первого удаления
            deleted_by (None | str): Кто удалил: consumer — сам потребитель в «Профиле», integrator:<имя> — система компании
                по его обращению
            erase_by (datetime.datetime | None | Unset): Крайний срок стирания персональных данных (30 дней, 152-ФЗ ст. 21
                ч. 5); обычно стираются в течение суток
            erased_at (datetime.datetime | None | Unset): Когда персональные данные стёрты
     """

    user_id: str
    state: AccountDeletionStartedState
    deleted_at: datetime.datetime | None
    deleted_by: None | str
    erase_by: datetime.datetime | None | Unset = UNSET
    erased_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        state = self.state.value

        deleted_at: None | str
        if isinstance(self.deleted_at, datetime.datetime):
            deleted_at = self.deleted_at.isoformat()
        else:
            deleted_at = self.deleted_at

        deleted_by: None | str
        deleted_by = self.deleted_by

        erase_by: None | str | Unset
        if isinstance(self.erase_by, Unset):
            erase_by = UNSET
        elif isinstance(self.erase_by, datetime.datetime):
            erase_by = self.erase_by.isoformat()
        else:
            erase_by = self.erase_by

        erased_at: None | str | Unset
        if isinstance(self.erased_at, Unset):
            erased_at = UNSET
        elif isinstance(self.erased_at, datetime.datetime):
            erased_at = self.erased_at.isoformat()
        else:
            erased_at = self.erased_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "user_id": user_id,
            "state": state,
            "deleted_at": deleted_at,
            "deleted_by": deleted_by,
        })
        if erase_by is not UNSET:
            field_dict["erase_by"] = erase_by
        if erased_at is not UNSET:
            field_dict["erased_at"] = erased_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        state = AccountDeletionStartedState(d.pop("state"))




        def _parse_deleted_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deleted_at_type_0 = datetime.datetime.fromisoformat(data)



                return deleted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        deleted_at = _parse_deleted_at(d.pop("deleted_at"))


        def _parse_deleted_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        deleted_by = _parse_deleted_by(d.pop("deleted_by"))


        def _parse_erase_by(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                erase_by_type_0 = datetime.datetime.fromisoformat(data)



                return erase_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        erase_by = _parse_erase_by(d.pop("erase_by", UNSET))


        def _parse_erased_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                erased_at_type_0 = datetime.datetime.fromisoformat(data)



                return erased_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        erased_at = _parse_erased_at(d.pop("erased_at", UNSET))


        account_deletion_started = cls(
            user_id=user_id,
            state=state,
            deleted_at=deleted_at,
            deleted_by=deleted_by,
            erase_by=erase_by,
            erased_at=erased_at,
        )


        account_deletion_started.additional_properties = d
        return account_deletion_started

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
