from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="ProcedureStage")



@_attrs_define
class ProcedureStage:
    """ A stage of a technological connection (ПП № 861; ПП № 24, п. 19 «л»).

        Attributes:
            code (str):
            title (str):
            by (str): Кто выполняет: company — сетевая организация, applicant — заявитель
            rule (str): Откуда срок, со ссылкой на пункт Правил
            due_on (datetime.date | None | Unset): Крайний срок по Правилам; null — срок ещё не начал течь или не установлен
            completed_on (datetime.date | None | Unset):
            completed_at (datetime.datetime | None | Unset):
            overdue (bool | Unset): Срок прошёл, а этап не выполнен Default: False.
     """

    code: str
    title: str
    by: str
    rule: str
    due_on: datetime.date | None | Unset = UNSET
    completed_on: datetime.date | None | Unset = UNSET
    completed_at: datetime.datetime | None | Unset = UNSET
    overdue: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        code = self.code

        title = self.title

        by = self.by

        rule = self.rule

        due_on: None | str | Unset
        if isinstance(self.due_on, Unset):
            due_on = UNSET
        elif isinstance(self.due_on, datetime.date):
            due_on = self.due_on.isoformat()
        else:
            due_on = self.due_on

        completed_on: None | str | Unset
        if isinstance(self.completed_on, Unset):
            completed_on = UNSET
        elif isinstance(self.completed_on, datetime.date):
            completed_on = self.completed_on.isoformat()
        else:
            completed_on = self.completed_on

        completed_at: None | str | Unset
        if isinstance(self.completed_at, Unset):
            completed_at = UNSET
        elif isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        overdue = self.overdue


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "title": title,
            "by": by,
            "rule": rule,
        })
        if due_on is not UNSET:
            field_dict["due_on"] = due_on
        if completed_on is not UNSET:
            field_dict["completed_on"] = completed_on
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if overdue is not UNSET:
            field_dict["overdue"] = overdue

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        title = d.pop("title")

        by = d.pop("by")

        rule = d.pop("rule")

        def _parse_due_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                due_on_type_0 = datetime.date.fromisoformat(data)



                return due_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        due_on = _parse_due_on(d.pop("due_on", UNSET))


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


        def _parse_completed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)



                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        completed_at = _parse_completed_at(d.pop("completed_at", UNSET))


        overdue = d.pop("overdue", UNSET)

        procedure_stage = cls(
            code=code,
            title=title,
            by=by,
            rule=rule,
            due_on=due_on,
            completed_on=completed_on,
            completed_at=completed_at,
            overdue=overdue,
        )


        procedure_stage.additional_properties = d
        return procedure_stage

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
