from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.profile_output_category import ProfileOutputCategory
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="ProfileOutput")



@_attrs_define
class ProfileOutput:
    """ 
        Attributes:
            user_id (str):
            category (ProfileOutputCategory):
            email (str):
            phone (str):
            consent_given_at (datetime.datetime):
            consent_text_version (str):
            registered_at (datetime.datetime):
            full_name (None | str | Unset):
            org_name (None | str | Unset):
            consent_text_sha256 (None | str | Unset):
            consent_required (bool | Unset): true — потребитель принял более старую редакцию текста согласия, чем
                действующая (`GET /api/policy`: `consent.version`): кабинет показывает новый текст и просит принять его (`POST
                /api/profile/consent`) или удалить учётную запись (отзыв согласия) Default: False.
            mail_undeliverable_since (datetime.datetime | None | Unset): С какого времени письма на email не доставляются
                (адрес отвергает почту или пожаловался на письмо); null — доставляются. Пока это так, портал на адрес не пишет
            outage_mails (bool | Unset): Присылать ли письма об отключениях электроэнергии на объектах потребителя Default:
                True.
     """

    user_id: str
    category: ProfileOutputCategory
    email: str
    phone: str
    consent_given_at: datetime.datetime
    consent_text_version: str
    registered_at: datetime.datetime
    full_name: None | str | Unset = UNSET
    org_name: None | str | Unset = UNSET
    consent_text_sha256: None | str | Unset = UNSET
    consent_required: bool | Unset = False
    mail_undeliverable_since: datetime.datetime | None | Unset = UNSET
    outage_mails: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        category = self.category.value

        email = self.email

        phone = self.phone

        consent_given_at = self.consent_given_at.isoformat()

        consent_text_version = self.consent_text_version

        registered_at = self.registered_at.isoformat()

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

        consent_text_sha256: None | str | Unset
        if isinstance(self.consent_text_sha256, Unset):
            consent_text_sha256 = UNSET
        else:
            consent_text_sha256 = self.consent_text_sha256

        consent_required = self.consent_required

        mail_undeliverable_since: None | str | Unset
        if isinstance(self.mail_undeliverable_since, Unset):
            mail_undeliverable_since = UNSET
        elif isinstance(self.mail_undeliverable_since, datetime.datetime):
            mail_undeliverable_since = self.mail_undeliverable_since.isoformat()
        else:
            mail_undeliverable_since = self.mail_undeliverable_since

        outage_mails = self.outage_mails


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "user_id": user_id,
            "category": category,
            "email": email,
            "phone": phone,
            "consent_given_at": consent_given_at,
            "consent_text_version": consent_text_version,
            "registered_at": registered_at,
        })
        if full_name is not UNSET:
            field_dict["full_name"] = full_name
        if org_name is not UNSET:
            field_dict["org_name"] = org_name
        if consent_text_sha256 is not UNSET:
            field_dict["consent_text_sha256"] = consent_text_sha256
        if consent_required is not UNSET:
            field_dict["consent_required"] = consent_required
        if mail_undeliverable_since is not UNSET:
            field_dict["mail_undeliverable_since"] = mail_undeliverable_since
        if outage_mails is not UNSET:
            field_dict["outage_mails"] = outage_mails

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        category = ProfileOutputCategory(d.pop("category"))




        email = d.pop("email")

        phone = d.pop("phone")

        consent_given_at = datetime.datetime.fromisoformat(d.pop("consent_given_at"))




        consent_text_version = d.pop("consent_text_version")

        registered_at = datetime.datetime.fromisoformat(d.pop("registered_at"))




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


        def _parse_consent_text_sha256(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        consent_text_sha256 = _parse_consent_text_sha256(d.pop("consent_text_sha256", UNSET))


        consent_required = d.pop("consent_required", UNSET)

        def _parse_mail_undeliverable_since(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                mail_undeliverable_since_type_0 = datetime.datetime.fromisoformat(data)



                return mail_undeliverable_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        mail_undeliverable_since = _parse_mail_undeliverable_since(d.pop("mail_undeliverable_since", UNSET))


        outage_mails = d.pop("outage_mails", UNSET)

        profile_output = cls(
            user_id=user_id,
            category=category,
            email=email,
            phone=phone,
            consent_given_at=consent_given_at,
            consent_text_version=consent_text_version,
            registered_at=registered_at,
            full_name=full_name,
            org_name=org_name,
            consent_text_sha256=consent_text_sha256,
            consent_required=consent_required,
            mail_undeliverable_since=mail_undeliverable_since,
            outage_mails=outage_mails,
        )


        profile_output.additional_properties = d
        return profile_output

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
