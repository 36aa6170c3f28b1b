from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.upload_request_content_type import UploadRequestContentType






T = TypeVar("T", bound="UploadRequest")



@_attrs_define
class UploadRequest:
    """ 
        Attributes:
            content_type (UploadRequestContentType):
            filename (str):
            size (int):
     """

    content_type: UploadRequestContentType
    filename: str
    size: int





    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type.value

        filename = self.filename

        size = self.size


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "content_type": content_type,
            "filename": filename,
            "size": size,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        content_type = UploadRequestContentType(d.pop("content_type"))




        filename = d.pop("filename")

        size = d.pop("size")

        upload_request = cls(
            content_type=content_type,
            filename=filename,
            size=size,
        )

        return upload_request

