"""A request as the company's systems see it (the integration API): with the consumer's id and email,
who changed it, and the whole conversation."""

from datetime import datetime

from pydantic import (
    BaseModel,
    Field,
)

from functions.common.integrators import INTEGRATOR_ACTOR_PREFIX
from functions.requests.inputs import API_KEY_ACTOR_PREFIX, CONSUMER_ACTOR, PORTAL_ACTOR
from functions.requests.outputs import HistoryEntry, RequestDetail, ThreadMessage


class IntegrationHistoryEntry(HistoryEntry):
    changed_by: str = Field(
        pattern=rf"^({CONSUMER_ACTOR}|{PORTAL_ACTOR}|{INTEGRATOR_ACTOR_PREFIX}.+|{API_KEY_ACTOR_PREFIX}.+)$",
        description="Кто изменил; записывает портал, не клиент API: consumer — потребитель (подача "
        "заявки), integrator:<имя> — система компании (интегратор <имя>; в записях до именных ключей — "
        "api-key:<id ключа>), portal — сам портал "
        "(аннулирование заявки на присоединение по истечении срока)",
    )
    operator: str | None = Field(
        default=None,
        description="Сотрудник или система компании, которых назвал клиент API (поле operator изменения)",
    )


class IntegrationRequest(RequestDetail):
    """A request as the company's systems see it: with the consumer's id and email (none once the
    consumer's account is erased)."""

    history: list[IntegrationHistoryEntry]  # type: ignore[assignment]
    user_id: str
    email: str | None = Field(
        description="Электронная почта потребителя; null — потребитель удалил учётную запись, и его "
        "персональные данные стёрты (152-ФЗ): заявка хранится без них, письма по ней не отправляются",
    )
    status_changed_at: datetime = Field(
        description="Когда заявка перешла в текущий статус",
    )
    awaiting_answer_since: datetime | None = Field(
        default=None,
        description="Когда потребитель написал сообщение, на которое компания ещё не ответила "
        "(самое раннее из неотвеченных); null — неотвеченных сообщений нет",
    )
    personal_data_erased: bool = Field(
        default=False,
        description="true — данные удалены: потребитель удалил учётную запись, и из заявки стёрты email, "
        "текст, сведения, называющие человека (ФИО, паспорт, ИНН, адреса, номера), его файлы и "
        "сообщения (152-ФЗ ст. 21 ч. 5); номер, тип, статус, сроки, история и выбранные значения "
        "(мощность, напряжение, причина) остаются",
    )


class IntegrationPage(BaseModel):
    items: list[IntegrationRequest]
    cursor: str | None = None


class IntegrationMessage(ThreadMessage):
    changed_by: str = Field(
        pattern=rf"^({CONSUMER_ACTOR}|{INTEGRATOR_ACTOR_PREFIX}.+|{API_KEY_ACTOR_PREFIX}.+)$",
        description="Кто написал; записывает портал: consumer — потребитель, integrator:<имя> — система "
        "компании (в записях до именных ключей — api-key:<id ключа>)",
    )
    operator: str | None = None


class IntegrationRequestThread(IntegrationRequest):
    """A request with its whole conversation (download links of every file, 5 minutes)."""

    messages: list[IntegrationMessage]
