from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.integration_object_account_state import IntegrationObjectAccountState
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.object_meter import ObjectMeter





T = TypeVar("T", bound="IntegrationObject")



@_attrs_define
class IntegrationObject:
    """ An object as an integrator sees it: with its owner.

        Attributes:
            id (str):
            name (str):
            address (str): Адрес, как его ввёл потребитель
            account_number (str):
            cadastral_number (None | str):
            meters (list[ObjectMeter]):
            account_state (IntegrationObjectAccountState): pending — лицевой счёт ещё не подтверждён сетевой компанией;
                confirmed — подтверждён
            account_confirmed_at (datetime.datetime | None): Когда сетевая компания подтвердила лицевой счёт
            created_at (datetime.datetime):
            user_id (str): Потребитель (Cognito sub)
            settlement (None | str | Unset): Населённый пункт
            street (None | str | Unset): Улица
            house (None | str | Unset): Дом
            account_confirmed_by (None | str | Unset): Кто подтвердил лицевой счёт: ключ интеграции (api-key:<id>);
                повторное подтверждение сохраняет первое время и первого подтвердившего
     """

    id: str
    name: str
    address: str
    account_number: str
    cadastral_number: None | str
    meters: list[ObjectMeter]
    account_state: IntegrationObjectAccountState
    account_confirmed_at: datetime.datetime | None
    created_at: datetime.datetime
    user_id: str
    settlement: None | str | Unset = UNSET
    street: None | str | Unset = UNSET
    house: None | str | Unset = UNSET
    account_confirmed_by: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.object_meter import ObjectMeter # noqa: PLC0415
        id = self.id

        name = self.name

        address = self.address

        account_number = self.account_number

        cadastral_number: None | str
        cadastral_number = self.cadastral_number

        meters = []
        for meters_item_data in self.meters:
            meters_item = meters_item_data.to_dict()
            meters.append(meters_item)



        account_state = self.account_state.value

        account_confirmed_at: None | str
        if isinstance(self.account_confirmed_at, datetime.datetime):
            account_confirmed_at = self.account_confirmed_at.isoformat()
        else:
            account_confirmed_at = self.account_confirmed_at

        created_at = self.created_at.isoformat()

        user_id = self.user_id

        settlement: None | str | Unset
        if isinstance(self.settlement, Unset):
            settlement = UNSET
        else:
            settlement = self.settlement

        street: None | str | Unset
        if isinstance(self.street, Unset):
            street = UNSET
        else:
            street = self.street

        house: None | str | Unset
        if isinstance(self.house, Unset):
            house = UNSET
        else:
            house = self.house

        account_confirmed_by: None | str | Unset
        if isinstance(self.account_confirmed_by, Unset):
            account_confirmed_by = UNSET
        else:
            account_confirmed_by = self.account_confirmed_by


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "name": name,
            "address": address,
            "account_number": account_number,
            "cadastral_number": cadastral_number,
            "meters": meters,
            "account_state": account_state,
            "account_confirmed_at": account_confirmed_at,
            "created_at": created_at,
            "user_id": user_id,
        })
        if settlement is not UNSET:
            field_dict["settlement"] = settlement
        if street is not UNSET:
            field_dict["street"] = street
        if house is not UNSET:
            field_dict["house"] = house
        if account_confirmed_by is not UNSET:
            field_dict["account_confirmed_by"] = account_confirmed_by

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.object_meter import ObjectMeter # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        address = d.pop("address")

        account_number = d.pop("account_number")

        def _parse_cadastral_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cadastral_number = _parse_cadastral_number(d.pop("cadastral_number"))


        meters = []
        _meters = d.pop("meters")
        for meters_item_data in (_meters):
            meters_item = ObjectMeter.from_dict(meters_item_data)



            meters.append(meters_item)


        account_state = IntegrationObjectAccountState(d.pop("account_state"))




        def _parse_account_confirmed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                account_confirmed_at_type_0 = datetime.datetime.fromisoformat(data)



                return account_confirmed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        account_confirmed_at = _parse_account_confirmed_at(d.pop("account_confirmed_at"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        user_id = d.pop("user_id")

        def _parse_settlement(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        settlement = _parse_settlement(d.pop("settlement", UNSET))


        def _parse_street(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        street = _parse_street(d.pop("street", UNSET))


        def _parse_house(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        house = _parse_house(d.pop("house", UNSET))


        def _parse_account_confirmed_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        account_confirmed_by = _parse_account_confirmed_by(d.pop("account_confirmed_by", UNSET))


        integration_object = cls(
            id=id,
            name=name,
            address=address,
            account_number=account_number,
            cadastral_number=cadastral_number,
            meters=meters,
            account_state=account_state,
            account_confirmed_at=account_confirmed_at,
            created_at=created_at,
            user_id=user_id,
            settlement=settlement,
            street=street,
            house=house,
            account_confirmed_by=account_confirmed_by,
        )


        integration_object.additional_properties = d
        return integration_object

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
