from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.stage_mark_request_stage import StageMarkRequestStage
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="StageMarkRequest")



@_attrs_define
class StageMarkRequest:
    """ A stage of a connection done.

        Attributes:
            stage (StageMarkRequestStage):
            completed_on (datetime.date | None | Unset): День выполнения этапа; по умолчанию сегодня (Москва)
            message (None | str | Unset): Комментарий для потребителя
            operator (None | str | Unset):
     """

    stage: StageMarkRequestStage
    completed_on: datetime.date | None | Unset = UNSET
    message: None | str | Unset = UNSET
    operator: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        stage = self.stage.value

        completed_on: None | str | Unset
        if isinstance(self.completed_on, Unset):
            completed_on = UNSET
        elif isinstance(self.completed_on, datetime.date):
            completed_on = self.completed_on.isoformat()
        else:
            completed_on = self.completed_on

        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

        operator: None | str | Unset
        if isinstance(self.operator, Unset):
            operator = UNSET
        else:
            operator = self.operator


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "stage": stage,
        })
        if completed_on is not UNSET:
            field_dict["completed_on"] = completed_on
        if message is not UNSET:
            field_dict["message"] = message
        if operator is not UNSET:
            field_dict["operator"] = operator

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        stage = StageMarkRequestStage(d.pop("stage"))




        def _parse_completed_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_on_type_0 = datetime.date.fromisoformat(data)



                return completed_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        completed_on = _parse_completed_on(d.pop("completed_on", UNSET))


        def _parse_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        message = _parse_message(d.pop("message", UNSET))


        def _parse_operator(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        operator = _parse_operator(d.pop("operator", UNSET))


        stage_mark_request = cls(
            stage=stage,
            completed_on=completed_on,
            message=message,
            operator=operator,
        )

        return stage_mark_request

