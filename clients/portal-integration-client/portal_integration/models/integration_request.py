from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.request_status import RequestStatus
from ..models.request_type import RequestType
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.attachment_link import AttachmentLink
  from ..models.connection_procedure import ConnectionProcedure
  from ..models.field_row import FieldRow
  from ..models.integration_history_entry import IntegrationHistoryEntry
  from ..models.integration_request_fields import IntegrationRequestFields





T = TypeVar("T", bound="IntegrationRequest")



@_attrs_define
class IntegrationRequest:
    """ A request as the company's systems see it: with the consumer's id and email (none once the
    consumer's account is erased).

        Attributes:
            id (str):
            number (str):
            type_ (RequestType):
            type_title (str):
            status (RequestStatus):
            status_title (str):
            created_at (datetime.datetime):
            review_deadline (datetime.date):
            text (str):
            fields (IntegrationRequestFields):
            field_rows (list[FieldRow]):
            attachments (list[AttachmentLink]):
            history (list[IntegrationHistoryEntry]):
            updated_at (datetime.datetime):
            user_id (str):
            email (None | str): Электронная почта потребителя; null — потребитель удалил учётную запись, и его персональные
                данные стёрты (152-ФЗ): заявка хранится без них, письма по ней не отправляются
            status_changed_at (datetime.datetime): Когда заявка перешла в текущий статус
            procedure (ConnectionProcedure | None | Unset): Порядок и этапы технологического присоединения; только у такой
                заявки
            outage_id (None | str | Unset): Отключение, с которым сетевая компания связала заявку (GET /api/outages/{id}:
                его время и ожидаемое восстановление)
            awaiting_answer_since (datetime.datetime | None | Unset): Когда потребитель написал сообщение, на которое
                компания ещё не ответила (самое раннее из неотвеченных); null — неотвеченных сообщений нет
            personal_data_erased (bool | Unset): true — данные удалены: потребитель удалил учётную запись, и из заявки
                стёрты email, текст, сведения, называющие человека (ФИО, паспорт, ИНН, адреса, номера), его файлы и сообщения
                (152-ФЗ ст. 21 ч. 5); номер, тип, статус, сроки, история и выбранные значения (мощность, напряжение, причина)
                остаются Default: False.
     """

    id: str
    number: str
    type_: RequestType
    type_title: str
    status: RequestStatus
    status_title: str
    created_at: datetime.datetime
    review_deadline: datetime.date
    text: str
    fields: IntegrationRequestFields
    field_rows: list[FieldRow]
    attachments: list[AttachmentLink]
    history: list[IntegrationHistoryEntry]
    updated_at: datetime.datetime
    user_id: str
    email: None | str
    status_changed_at: datetime.datetime
    procedure: ConnectionProcedure | None | Unset = UNSET
    outage_id: None | str | Unset = UNSET
    awaiting_answer_since: datetime.datetime | None | Unset = UNSET
    personal_data_erased: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.attachment_link import AttachmentLink # noqa: PLC0415
        from ..models.connection_procedure import ConnectionProcedure # noqa: PLC0415
        from ..models.field_row import FieldRow # noqa: PLC0415
        from ..models.integration_history_entry import IntegrationHistoryEntry # noqa: PLC0415
        from ..models.integration_request_fields import IntegrationRequestFields # noqa: PLC0415
        id = self.id

        number = self.number

        type_ = self.type_.value

        type_title = self.type_title

        status = self.status.value

        status_title = self.status_title

        created_at = self.created_at.isoformat()

        review_deadline = self.review_deadline.isoformat()

        text = self.text

        fields = self.fields.to_dict()

        field_rows = []
        for field_rows_item_data in self.field_rows:
            field_rows_item = field_rows_item_data.to_dict()
            field_rows.append(field_rows_item)



        attachments = []
        for attachments_item_data in self.attachments:
            attachments_item = attachments_item_data.to_dict()
            attachments.append(attachments_item)



        history = []
        for history_item_data in self.history:
            history_item = history_item_data.to_dict()
            history.append(history_item)



        updated_at = self.updated_at.isoformat()

        user_id = self.user_id

        email: None | str
        email = self.email

        status_changed_at = self.status_changed_at.isoformat()

        procedure: dict[str, Any] | None | Unset
        if isinstance(self.procedure, Unset):
            procedure = UNSET
        elif isinstance(self.procedure, ConnectionProcedure):
            procedure = self.procedure.to_dict()
        else:
            procedure = self.procedure

        outage_id: None | str | Unset
        if isinstance(self.outage_id, Unset):
            outage_id = UNSET
        else:
            outage_id = self.outage_id

        awaiting_answer_since: None | str | Unset
        if isinstance(self.awaiting_answer_since, Unset):
            awaiting_answer_since = UNSET
        elif isinstance(self.awaiting_answer_since, datetime.datetime):
            awaiting_answer_since = self.awaiting_answer_since.isoformat()
        else:
            awaiting_answer_since = self.awaiting_answer_since

        personal_data_erased = self.personal_data_erased


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "number": number,
            "type": type_,
            "type_title": type_title,
            "status": status,
            "status_title": status_title,
            "created_at": created_at,
            "review_deadline": review_deadline,
            "text": text,
            "fields": fields,
            "field_rows": field_rows,
            "attachments": attachments,
            "history": history,
            "updated_at": updated_at,
            "user_id": user_id,
            "email": email,
            "status_changed_at": status_changed_at,
        })
        if procedure is not UNSET:
            field_dict["procedure"] = procedure
        if outage_id is not UNSET:
            field_dict["outage_id"] = outage_id
        if awaiting_answer_since is not UNSET:
            field_dict["awaiting_answer_since"] = awaiting_answer_since
        if personal_data_erased is not UNSET:
            field_dict["personal_data_erased"] = personal_data_erased

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attachment_link import AttachmentLink # noqa: PLC0415
        from ..models.connection_procedure import ConnectionProcedure # noqa: PLC0415
        from ..models.field_row import FieldRow # noqa: PLC0415
        from ..models.integration_history_entry import IntegrationHistoryEntry # noqa: PLC0415
        from ..models.integration_request_fields import IntegrationRequestFields # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        number = d.pop("number")

        type_ = RequestType(d.pop("type"))




        type_title = d.pop("type_title")

        status = RequestStatus(d.pop("status"))




        status_title = d.pop("status_title")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        review_deadline = datetime.date.fromisoformat(d.pop("review_deadline"))




        text = d.pop("text")

        fields = IntegrationRequestFields.from_dict(d.pop("fields"))




        field_rows = []
        _field_rows = d.pop("field_rows")
        for field_rows_item_data in (_field_rows):
            field_rows_item = FieldRow.from_dict(field_rows_item_data)



            field_rows.append(field_rows_item)


        attachments = []
        _attachments = d.pop("attachments")
        for attachments_item_data in (_attachments):
            attachments_item = AttachmentLink.from_dict(attachments_item_data)



            attachments.append(attachments_item)


        history = []
        _history = d.pop("history")
        for history_item_data in (_history):
            history_item = IntegrationHistoryEntry.from_dict(history_item_data)



            history.append(history_item)


        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        user_id = d.pop("user_id")

        def _parse_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        email = _parse_email(d.pop("email"))


        status_changed_at = datetime.datetime.fromisoformat(d.pop("status_changed_at"))




        def _parse_procedure(data: object) -> ConnectionProcedure | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                procedure_type_0 = ConnectionProcedure.from_dict(data)



                return procedure_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConnectionProcedure | None | Unset, data)

        procedure = _parse_procedure(d.pop("procedure", UNSET))


        def _parse_outage_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        outage_id = _parse_outage_id(d.pop("outage_id", UNSET))


        def _parse_awaiting_answer_since(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                awaiting_answer_since_type_0 = datetime.datetime.fromisoformat(data)



                return awaiting_answer_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        awaiting_answer_since = _parse_awaiting_answer_since(d.pop("awaiting_answer_since", UNSET))


        personal_data_erased = d.pop("personal_data_erased", UNSET)

        integration_request = cls(
            id=id,
            number=number,
            type_=type_,
            type_title=type_title,
            status=status,
            status_title=status_title,
            created_at=created_at,
            review_deadline=review_deadline,
            text=text,
            fields=fields,
            field_rows=field_rows,
            attachments=attachments,
            history=history,
            updated_at=updated_at,
            user_id=user_id,
            email=email,
            status_changed_at=status_changed_at,
            procedure=procedure,
            outage_id=outage_id,
            awaiting_answer_since=awaiting_answer_since,
            personal_data_erased=personal_data_erased,
        )


        integration_request.additional_properties = d
        return integration_request

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
