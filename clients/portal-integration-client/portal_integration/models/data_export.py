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
  from ..models.data_export_askue_snapshots_item import DataExportAskueSnapshotsItem
  from ..models.data_export_meters_item import DataExportMetersItem
  from ..models.data_export_objects_item import DataExportObjectsItem
  from ..models.data_export_readings_item import DataExportReadingsItem
  from ..models.data_export_requests_item import DataExportRequestsItem
  from ..models.exported_askue_link import ExportedAskueLink
  from ..models.profile_output import ProfileOutput





T = TypeVar("T", bound="DataExport")



@_attrs_define
class DataExport:
    """ Everything the portal keeps about the consumer (the ASKUE password excepted).

        Attributes:
            exported_at (datetime.datetime):
            profile (ProfileOutput):
            requests (list[DataExportRequestsItem]): Заявки с полями, текстом, историей рассмотрения, перепиской и файлами
                (ссылки для скачивания действуют час), старые первыми
            readings (list[DataExportReadingsItem]): Показания приборов учёта (все), новые первыми
            askue_link (ExportedAskueLink | None): Подключение АСКУЭ (без пароля) или null
            objects (list[DataExportObjectsItem] | Unset): «Мои объекты»: адреса, лицевые счета, кадастровые номера, приборы
                учёта
            meters (list[DataExportMetersItem] | Unset): Приборы учёта, по которым передавались показания, с последними
                показаниями
            askue_snapshots (list[DataExportAskueSnapshotsItem] | Unset): Данные, полученные из АСКУЭ (логин, показания,
                профили), новые первыми
     """

    exported_at: datetime.datetime
    profile: ProfileOutput
    requests: list[DataExportRequestsItem]
    readings: list[DataExportReadingsItem]
    askue_link: ExportedAskueLink | None
    objects: list[DataExportObjectsItem] | Unset = UNSET
    meters: list[DataExportMetersItem] | Unset = UNSET
    askue_snapshots: list[DataExportAskueSnapshotsItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.data_export_askue_snapshots_item import DataExportAskueSnapshotsItem # noqa: PLC0415
        from ..models.data_export_meters_item import DataExportMetersItem # noqa: PLC0415
        from ..models.data_export_objects_item import DataExportObjectsItem # noqa: PLC0415
        from ..models.data_export_readings_item import DataExportReadingsItem # noqa: PLC0415
        from ..models.data_export_requests_item import DataExportRequestsItem # noqa: PLC0415
        from ..models.exported_askue_link import ExportedAskueLink # noqa: PLC0415
        from ..models.profile_output import ProfileOutput # noqa: PLC0415
        exported_at = self.exported_at.isoformat()

        profile = self.profile.to_dict()

        requests = []
        for requests_item_data in self.requests:
            requests_item = requests_item_data.to_dict()
            requests.append(requests_item)



        readings = []
        for readings_item_data in self.readings:
            readings_item = readings_item_data.to_dict()
            readings.append(readings_item)



        askue_link: dict[str, Any] | None
        if isinstance(self.askue_link, ExportedAskueLink):
            askue_link = self.askue_link.to_dict()
        else:
            askue_link = self.askue_link

        objects: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.objects, Unset):
            objects = []
            for objects_item_data in self.objects:
                objects_item = objects_item_data.to_dict()
                objects.append(objects_item)



        meters: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.meters, Unset):
            meters = []
            for meters_item_data in self.meters:
                meters_item = meters_item_data.to_dict()
                meters.append(meters_item)



        askue_snapshots: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.askue_snapshots, Unset):
            askue_snapshots = []
            for askue_snapshots_item_data in self.askue_snapshots:
                askue_snapshots_item = askue_snapshots_item_data.to_dict()
                askue_snapshots.append(askue_snapshots_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "exported_at": exported_at,
            "profile": profile,
            "requests": requests,
            "readings": readings,
            "askue_link": askue_link,
        })
        if objects is not UNSET:
            field_dict["objects"] = objects
        if meters is not UNSET:
            field_dict["meters"] = meters
        if askue_snapshots is not UNSET:
            field_dict["askue_snapshots"] = askue_snapshots

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.data_export_askue_snapshots_item import DataExportAskueSnapshotsItem # noqa: PLC0415
        from ..models.data_export_meters_item import DataExportMetersItem # noqa: PLC0415
        from ..models.data_export_objects_item import DataExportObjectsItem # noqa: PLC0415
        from ..models.data_export_readings_item import DataExportReadingsItem # noqa: PLC0415
        from ..models.data_export_requests_item import DataExportRequestsItem # noqa: PLC0415
        from ..models.exported_askue_link import ExportedAskueLink # noqa: PLC0415
        from ..models.profile_output import ProfileOutput # noqa: PLC0415
        d = dict(src_dict)
        exported_at = datetime.datetime.fromisoformat(d.pop("exported_at"))




        profile = ProfileOutput.from_dict(d.pop("profile"))




        requests = []
        _requests = d.pop("requests")
        for requests_item_data in (_requests):
            requests_item = DataExportRequestsItem.from_dict(requests_item_data)



            requests.append(requests_item)


        readings = []
        _readings = d.pop("readings")
        for readings_item_data in (_readings):
            readings_item = DataExportReadingsItem.from_dict(readings_item_data)



            readings.append(readings_item)


        def _parse_askue_link(data: object) -> ExportedAskueLink | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                askue_link_type_0 = ExportedAskueLink.from_dict(data)



                return askue_link_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExportedAskueLink | None, data)

        askue_link = _parse_askue_link(d.pop("askue_link"))


        _objects = d.pop("objects", UNSET)
        objects: list[DataExportObjectsItem] | Unset = UNSET
        if _objects is not UNSET:
            objects = []
            for objects_item_data in _objects:
                objects_item = DataExportObjectsItem.from_dict(objects_item_data)



                objects.append(objects_item)


        _meters = d.pop("meters", UNSET)
        meters: list[DataExportMetersItem] | Unset = UNSET
        if _meters is not UNSET:
            meters = []
            for meters_item_data in _meters:
                meters_item = DataExportMetersItem.from_dict(meters_item_data)



                meters.append(meters_item)


        _askue_snapshots = d.pop("askue_snapshots", UNSET)
        askue_snapshots: list[DataExportAskueSnapshotsItem] | Unset = UNSET
        if _askue_snapshots is not UNSET:
            askue_snapshots = []
            for askue_snapshots_item_data in _askue_snapshots:
                askue_snapshots_item = DataExportAskueSnapshotsItem.from_dict(askue_snapshots_item_data)



                askue_snapshots.append(askue_snapshots_item)


        data_export = cls(
            exported_at=exported_at,
            profile=profile,
            requests=requests,
            readings=readings,
            askue_link=askue_link,
            objects=objects,
            meters=meters,
            askue_snapshots=askue_snapshots,
        )


        data_export.additional_properties = d
        return data_export

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
