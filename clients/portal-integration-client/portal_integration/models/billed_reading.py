from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.billed_reading_values import BilledReadingValues





T = TypeVar("T", bound="BilledReading")



@_attrs_define
class BilledReading:
    """ 
        Attributes:
            sequence (int): Номер изменения в ленте (GET /api/integration/changes)
            reading_id (str):
            user_id (str): Потребитель (Cognito sub)
            meter_number (str):
            meter_type (str): single_tariff, two_tariff или three_tariff
            source (str): manual — введено потребителем; askue — получено из АСКУЭ
            values (BilledReadingValues): Показания по тарифам (t1; t1, t2; t1, t2, t3), кВт·ч, строкой
            taken_at (datetime.datetime):
            billing_period (str): Расчётный период (ГГГГ-ММ)
            object_id (None | str): Объект, к которому относится прибор учёта; null — прибор не указан ни на одном объекте
            account_number (None | str): Лицевой счёт объекта
            account_confirmed (bool): Лицевой счёт сверен с биллингом
            object_name (None | str | Unset):
     """

    sequence: int
    reading_id: str
    user_id: str
    meter_number: str
    meter_type: str
    source: str
    values: BilledReadingValues
    taken_at: datetime.datetime
    billing_period: str
    object_id: None | str
    account_number: None | str
    account_confirmed: bool
    object_name: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.billed_reading_values import BilledReadingValues # noqa: PLC0415
        sequence = self.sequence

        reading_id = self.reading_id

        user_id = self.user_id

        meter_number = self.meter_number

        meter_type = self.meter_type

        source = self.source

        values = self.values.to_dict()

        taken_at = self.taken_at.isoformat()

        billing_period = self.billing_period

        object_id: None | str
        object_id = self.object_id

        account_number: None | str
        account_number = self.account_number

        account_confirmed = self.account_confirmed

        object_name: None | str | Unset
        if isinstance(self.object_name, Unset):
            object_name = UNSET
        else:
            object_name = self.object_name


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "sequence": sequence,
            "reading_id": reading_id,
            "user_id": user_id,
            "meter_number": meter_number,
            "meter_type": meter_type,
            "source": source,
            "values": values,
            "taken_at": taken_at,
            "billing_period": billing_period,
            "object_id": object_id,
            "account_number": account_number,
            "account_confirmed": account_confirmed,
        })
        if object_name is not UNSET:
            field_dict["object_name"] = object_name

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.billed_reading_values import BilledReadingValues # noqa: PLC0415
        d = dict(src_dict)
        sequence = d.pop("sequence")

        reading_id = d.pop("reading_id")

        user_id = d.pop("user_id")

        meter_number = d.pop("meter_number")

        meter_type = d.pop("meter_type")

        source = d.pop("source")

        values = BilledReadingValues.from_dict(d.pop("values"))




        taken_at = datetime.datetime.fromisoformat(d.pop("taken_at"))




        billing_period = d.pop("billing_period")

        def _parse_object_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        object_id = _parse_object_id(d.pop("object_id"))


        def _parse_account_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        account_number = _parse_account_number(d.pop("account_number"))


        account_confirmed = d.pop("account_confirmed")

        def _parse_object_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        object_name = _parse_object_name(d.pop("object_name", UNSET))


        billed_reading = cls(
            sequence=sequence,
            reading_id=reading_id,
            user_id=user_id,
            meter_number=meter_number,
            meter_type=meter_type,
            source=source,
            values=values,
            taken_at=taken_at,
            billing_period=billing_period,
            object_id=object_id,
            account_number=account_number,
            account_confirmed=account_confirmed,
            object_name=object_name,
        )


        billed_reading.additional_properties = d
        return billed_reading

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
