from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.consumer_card_category_type_0 import ConsumerCardCategoryType0
from ..models.consumer_card_state import ConsumerCardState
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="ConsumerCard")



@_attrs_define
class ConsumerCard:
    """ 
        Attributes:
            user_id (str): Потребитель (Cognito sub)
            state (ConsumerCardState): active — учётная запись действует; deletion_requested — потребитель удалил учётную
                запись, данные будут стёрты; erased — персональные данные стёрты (все поля ниже — null)
            detail (None | str | Unset): «данные удалены» у стёртой учётной записи
            category (ConsumerCardCategoryType0 | None | Unset): individual — физическое лицо; legal — юридическое лицо или
                ИП
            full_name (None | str | Unset): ФИО (физическое лицо)
            org_name (None | str | Unset): Наименование организации (юридическое лицо)
            phone (None | str | Unset):
            email (None | str | Unset): Текущий адрес электронной почты (логин)
            inn (None | str | Unset): ИНН: при регистрации портал его не запрашивает, поэтому null; ИНН заявителя есть в
                сведениях его заявок на технологическое присоединение
            registered_at (datetime.datetime | None | Unset):
     """

    user_id: str
    state: ConsumerCardState
    detail: None | str | Unset = UNSET
    category: ConsumerCardCategoryType0 | None | Unset = UNSET
    full_name: None | str | Unset = UNSET
    org_name: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    email: None | str | Unset = UNSET
    inn: None | str | Unset = UNSET
    registered_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        state = self.state.value

        detail: None | str | Unset
        if isinstance(self.detail, Unset):
            detail = UNSET
        else:
            detail = self.detail

        category: None | str | Unset
        if isinstance(self.category, Unset):
            category = UNSET
        elif isinstance(self.category, ConsumerCardCategoryType0):
            category = self.category.value
        else:
            category = self.category

        full_name: None | str | Unset
        if isinstance(self.full_name, Unset):
            full_name = UNSET
        else:
            full_name = self.full_name

        org_name: None | str | Unset
        if isinstance(self.org_name, Unset):
            org_name = UNSET
        else:
            org_name = self.org_name

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        inn: None | str | Unset
        if isinstance(self.inn, Unset):
            inn = UNSET
        else:
            inn = self.inn

        registered_at: None | str | Unset
        if isinstance(self.registered_at, Unset):
            registered_at = UNSET
        elif isinstance(self.registered_at, datetime.datetime):
            registered_at = self.registered_at.isoformat()
        else:
            registered_at = self.registered_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "user_id": user_id,
            "state": state,
        })
        if detail is not UNSET:
            field_dict["detail"] = detail
        if category is not UNSET:
            field_dict["category"] = category
        if full_name is not UNSET:
            field_dict["full_name"] = full_name
        if org_name is not UNSET:
            field_dict["org_name"] = org_name
        if phone is not UNSET:
            field_dict["phone"] = phone
        if email is not UNSET:
            field_dict["email"] = email
        if inn is not UNSET:
            field_dict["inn"] = inn
        if registered_at is not UNSET:
            field_dict["registered_at"] = registered_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        state = ConsumerCardState(d.pop("state"))




        def _parse_detail(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        detail = _parse_detail(d.pop("detail", UNSET))


        def _parse_category(data: object) -> ConsumerCardCategoryType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                category_type_0 = ConsumerCardCategoryType0(data)



                return category_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConsumerCardCategoryType0 | None | Unset, data)

        category = _parse_category(d.pop("category", UNSET))


        def _parse_full_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        full_name = _parse_full_name(d.pop("full_name", UNSET))


        def _parse_org_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        org_name = _parse_org_name(d.pop("org_name", UNSET))


        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))


        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))


        def _parse_inn(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        inn = _parse_inn(d.pop("inn", UNSET))


        def _parse_registered_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                registered_at_type_0 = datetime.datetime.fromisoformat(data)



                return registered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        registered_at = _parse_registered_at(d.pop("registered_at", UNSET))


        consumer_card = cls(
            user_id=user_id,
            state=state,
            detail=detail,
            category=category,
            full_name=full_name,
            org_name=org_name,
            phone=phone,
            email=email,
            inn=inn,
            registered_at=registered_at,
        )


        consumer_card.additional_properties = d
        return consumer_card

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
