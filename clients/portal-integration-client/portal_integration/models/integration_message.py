from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.integration_message_kind_type_0 import IntegrationMessageKindType0
from ..models.message_author import MessageAuthor
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.attachment_link import AttachmentLink





T = TypeVar("T", bound="IntegrationMessage")



@_attrs_define
class IntegrationMessage:
    """ 
        Attributes:
            id (str):
            author (MessageAuthor):
            author_title (str):
            text (str):
            attachments (list[AttachmentLink]):
            at (datetime.datetime):
            changed_by (str): Кто написал; записывает портал: consumer — потребитель, integrator:<имя> — система компании (в
                записях до именных ключей — api-key:<id ключа>)
            kind (IntegrationMessageKindType0 | None | Unset):
            kind_title (None | str | Unset): Вид документа по-русски
            operator (None | str | Unset):
     """

    id: str
    author: MessageAuthor
    author_title: str
    text: str
    attachments: list[AttachmentLink]
    at: datetime.datetime
    changed_by: str
    kind: IntegrationMessageKindType0 | None | Unset = UNSET
    kind_title: None | str | Unset = UNSET
    operator: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.attachment_link import AttachmentLink # noqa: PLC0415
        id = self.id

        author = self.author.value

        author_title = self.author_title

        text = self.text

        attachments = []
        for attachments_item_data in self.attachments:
            attachments_item = attachments_item_data.to_dict()
            attachments.append(attachments_item)



        at = self.at.isoformat()

        changed_by = self.changed_by

        kind: None | str | Unset
        if isinstance(self.kind, Unset):
            kind = UNSET
        elif isinstance(self.kind, IntegrationMessageKindType0):
            kind = self.kind.value
        else:
            kind = self.kind

        kind_title: None | str | Unset
        if isinstance(self.kind_title, Unset):
            kind_title = UNSET
        else:
            kind_title = self.kind_title

        operator: None | str | Unset
        if isinstance(self.operator, Unset):
            operator = UNSET
        else:
            operator = self.operator


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "author": author,
            "author_title": author_title,
            "text": text,
            "attachments": attachments,
            "at": at,
            "changed_by": changed_by,
        })
        if kind is not UNSET:
            field_dict["kind"] = kind
        if kind_title is not UNSET:
            field_dict["kind_title"] = kind_title
        if operator is not UNSET:
            field_dict["operator"] = operator

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attachment_link import AttachmentLink # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        author = MessageAuthor(d.pop("author"))




        author_title = d.pop("author_title")

        text = d.pop("text")

        attachments = []
        _attachments = d.pop("attachments")
        for attachments_item_data in (_attachments):
            attachments_item = AttachmentLink.from_dict(attachments_item_data)



            attachments.append(attachments_item)


        at = datetime.datetime.fromisoformat(d.pop("at"))




        changed_by = d.pop("changed_by")

        def _parse_kind(data: object) -> IntegrationMessageKindType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                kind_type_0 = IntegrationMessageKindType0(data)



                return kind_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(IntegrationMessageKindType0 | None | Unset, data)

        kind = _parse_kind(d.pop("kind", UNSET))


        def _parse_kind_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        kind_title = _parse_kind_title(d.pop("kind_title", UNSET))


        def _parse_operator(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        operator = _parse_operator(d.pop("operator", UNSET))


        integration_message = cls(
            id=id,
            author=author,
            author_title=author_title,
            text=text,
            attachments=attachments,
            at=at,
            changed_by=changed_by,
            kind=kind,
            kind_title=kind_title,
            operator=operator,
        )


        integration_message.additional_properties = d
        return integration_message

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
