from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.procedure_stage import ProcedureStage





T = TypeVar("T", bound="ConnectionProcedure")



@_attrs_define
class ConnectionProcedure:
    """ The procedure ПП № 861 gives this application, derived from the applicant's answers.

        Attributes:
            code (str):
            clause (str):
            title (str):
            why (str): Почему применяется этот порядок
            documents (list[str]): Что приложить к заявке (ПП № 861, п. 10)
            stages (list[ProcedureStage]):
            next_stage (None | str | Unset): Код следующего этапа; null — всё выполнено
     """

    code: str
    clause: str
    title: str
    why: str
    documents: list[str]
    stages: list[ProcedureStage]
    next_stage: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.procedure_stage import ProcedureStage # noqa: PLC0415
        code = self.code

        clause = self.clause

        title = self.title

        why = self.why

        documents = self.documents



        stages = []
        for stages_item_data in self.stages:
            stages_item = stages_item_data.to_dict()
            stages.append(stages_item)



        next_stage: None | str | Unset
        if isinstance(self.next_stage, Unset):
            next_stage = UNSET
        else:
            next_stage = self.next_stage


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "clause": clause,
            "title": title,
            "why": why,
            "documents": documents,
            "stages": stages,
        })
        if next_stage is not UNSET:
            field_dict["next_stage"] = next_stage

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.procedure_stage import ProcedureStage # noqa: PLC0415
        d = dict(src_dict)
        code = d.pop("code")

        clause = d.pop("clause")

        title = d.pop("title")

        why = d.pop("why")

        documents = cast(list[str], d.pop("documents"))


        stages = []
        _stages = d.pop("stages")
        for stages_item_data in (_stages):
            stages_item = ProcedureStage.from_dict(stages_item_data)



            stages.append(stages_item)


        def _parse_next_stage(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_stage = _parse_next_stage(d.pop("next_stage", UNSET))


        connection_procedure = cls(
            code=code,
            clause=clause,
            title=title,
            why=why,
            documents=documents,
            stages=stages,
            next_stage=next_stage,
        )


        connection_procedure.additional_properties = d
        return connection_procedure

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
