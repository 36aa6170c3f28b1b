from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast
import datetime






T = TypeVar("T", bound="StageMarkRequest")



@_attrs_define
class StageMarkRequest:
    """ A stage of a connection done.

        Attributes:
            stage (Literal['actual_connection'] | Literal['applicant_works_done'] | Literal['closing_document'] |
                Literal['grid_works_done'] | Literal['invoice_paid'] | Literal['missing_data_requested'] |
                Literal['missing_data_supplied'] | Literal['offer_placed'] | Literal['registered']): Код этапа из
                procedure.stages[].code заявки
            completed_on (datetime.date | None | Unset): День выполнения этапа; по умолчанию сегодня (Москва)
            message (None | str | Unset): Комментарий для потребителя
            operator (None | str | Unset):
     """

    stage: Literal['actual_connection'] | Literal['applicant_works_done'] | Literal['closing_document'] | Literal['grid_works_done'] | Literal['invoice_paid'] | Literal['missing_data_requested'] | Literal['missing_data_supplied'] | Literal['offer_placed'] | Literal['registered']
    completed_on: datetime.date | None | Unset = UNSET
    message: None | str | Unset = UNSET
    operator: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        stage: Literal['actual_connection'] | Literal['applicant_works_done'] | Literal['closing_document'] | Literal['grid_works_done'] | Literal['invoice_paid'] | Literal['missing_data_requested'] | Literal['missing_data_supplied'] | Literal['offer_placed'] | Literal['registered']
        stage = self.stage

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
        def _parse_stage(data: object) -> Literal['actual_connection'] | Literal['applicant_works_done'] | Literal['closing_document'] | Literal['grid_works_done'] | Literal['invoice_paid'] | Literal['missing_data_requested'] | Literal['missing_data_supplied'] | Literal['offer_placed'] | Literal['registered']:
            stage_заявка_зарегистрирована = cast(Literal['registered'] , data)
            if stage_заявка_зарегистрирована != 'registered':
                raise ValueError(f"stage_Заявка зарегистрирована must match const 'registered', got '{stage_заявка_зарегистрирована}'")
            return stage_заявка_зарегистрирована
            stage_запрошены_недостающие_сведения = cast(Literal['missing_data_requested'] , data)
            if stage_запрошены_недостающие_сведения != 'missing_data_requested':
                raise ValueError(f"stage_Запрошены недостающие сведения must match const 'missing_data_requested', got '{stage_запрошены_недостающие_сведения}'")
            return stage_запрошены_недостающие_сведения
            stage_недостающие_сведения_представлены = cast(Literal['missing_data_supplied'] , data)
            if stage_недостающие_сведения_представлены != 'missing_data_supplied':
                raise ValueError(f"stage_Недостающие сведения представлены must match const 'missing_data_supplied', got '{stage_недостающие_сведения_представлены}'")
            return stage_недостающие_сведения_представлены
            stage_условия_договора_счёт_и_технические_условия_размещены_в_личном_кабинете = cast(Literal['offer_placed'] , data)
            if stage_условия_договора_счёт_и_технические_условия_размещены_в_личном_кабинете != 'offer_placed':
                raise ValueError(f"stage_Условия договора, счёт и технические условия размещены в личном кабинете must match const 'offer_placed', got '{stage_условия_договора_счёт_и_технические_условия_размещены_в_личном_кабинете}'")
            return stage_условия_договора_счёт_и_технические_условия_размещены_в_личном_кабинете
            stage_счёт_оплачен_договор_заключён = cast(Literal['invoice_paid'] , data)
            if stage_счёт_оплачен_договор_заключён != 'invoice_paid':
                raise ValueError(f"stage_Счёт оплачен — договор заключён must match const 'invoice_paid', got '{stage_счёт_оплачен_договор_заключён}'")
            return stage_счёт_оплачен_договор_заключён
            stage_мероприятия_сетевой_организации_по_техническим_условиям_выполнены = cast(Literal['grid_works_done'] , data)
            if stage_мероприятия_сетевой_организации_по_техническим_условиям_выполнены != 'grid_works_done':
                raise ValueError(f"stage_Мероприятия сетевой организации по техническим условиям выполнены must match const 'grid_works_done', got '{stage_мероприятия_сетевой_организации_по_техническим_условиям_выполнены}'")
            return stage_мероприятия_сетевой_организации_по_техническим_условиям_выполнены
            stage_мероприятия_заявителя_по_техническим_условиям_выполнены = cast(Literal['applicant_works_done'] , data)
            if stage_мероприятия_заявителя_по_техническим_условиям_выполнены != 'applicant_works_done':
                raise ValueError(f"stage_Мероприятия заявителя по техническим условиям выполнены must match const 'applicant_works_done', got '{stage_мероприятия_заявителя_по_техническим_условиям_выполнены}'")
            return stage_мероприятия_заявителя_по_техническим_условиям_выполнены
            stage_фактическое_присоединение_и_подача_напряжения = cast(Literal['actual_connection'] , data)
            if stage_фактическое_присоединение_и_подача_напряжения != 'actual_connection':
                raise ValueError(f"stage_Фактическое присоединение и подача напряжения must match const 'actual_connection', got '{stage_фактическое_присоединение_и_подача_напряжения}'")
            return stage_фактическое_присоединение_и_подача_напряжения
            stage_документ_о_технологическом_присоединении_составлен = cast(Literal['closing_document'] , data)
            if stage_документ_о_технологическом_присоединении_составлен != 'closing_document':
                raise ValueError(f"stage_Документ о технологическом присоединении составлен must match const 'closing_document', got '{stage_документ_о_технологическом_присоединении_составлен}'")
            return stage_документ_о_технологическом_присоединении_составлен

        stage = _parse_stage(d.pop("stage"))


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

