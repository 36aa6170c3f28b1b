from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.upload_form_fields import UploadFormFields





T = TypeVar("T", bound="UploadForm")



@_attrs_define
class UploadForm:
    """ A presigned POST: the browser sends `fields` and then the file (as `file`) to `url`.

        Attributes:
            url (str):
            fields (UploadFormFields):
            key (str): Ключ файла: его передают в attachments при создании заявки
            expires_in (int): Форма действует столько секунд
            max_size (int):
     """

    url: str
    fields: UploadFormFields
    key: str
    expires_in: int
    max_size: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.upload_form_fields import UploadFormFields # noqa: PLC0415
        url = self.url

        fields = self.fields.to_dict()

        key = self.key

        expires_in = self.expires_in

        max_size = self.max_size


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "url": url,
            "fields": fields,
            "key": key,
            "expires_in": expires_in,
            "max_size": max_size,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.upload_form_fields import UploadFormFields # noqa: PLC0415
        d = dict(src_dict)
        url = d.pop("url")

        fields = UploadFormFields.from_dict(d.pop("fields"))




        key = d.pop("key")

        expires_in = d.pop("expires_in")

        max_size = d.pop("max_size")

        upload_form = cls(
            url=url,
            fields=fields,
            key=key,
            expires_in=expires_in,
            max_size=max_size,
        )


        upload_form.additional_properties = d
        return upload_form

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
