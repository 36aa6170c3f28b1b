"""Requests and answers of the ASKUE API, and what the connectors give back."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from functions.common.labels import field_labels

Energy = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6)]
EnergyChannel = Literal[
    "active_import_kwh", "active_export_kwh", "reactive_import_kvarh", "reactive_export_kvarh"
]


class ChannelFlag(BaseModel):
    """Half-hours of one channel that ASKUE sent with a non-zero `status` (XML 80020: 0 is commercial,
    reliable data; any other code marks the value as not reliable). Their values are still in the
    channel's total, which is then shown as unreliable."""

    model_config = ConfigDict(frozen=True)

    channel: EnergyChannel = Field(description="Канал, в котором есть недостоверные значения")
    status: str = Field(pattern=r"^[0-9]{1,4}$", description="Код статуса значения из документа 80020 (не 0)")
    periods: int = Field(ge=1, le=50, description="Сколько получасовых значений пришло с этим статусом")


MAX_HALF_HOURS = 50  # a day when clocks go back (80020: 46, 48 or 50 periods)


class LoadProfile(BaseModel):
    """A meter's day by half-hours (the 80020 connector's intervals): the energy of each period."""

    model_config = ConfigDict(frozen=True)

    day: date = Field(description="Сутки (московское время)")
    starts: list[Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3])[0-5]\d$")]] = Field(
        max_length=MAX_HALF_HOURS,
        description="Начало каждого получаса, ЧЧММ: 48 значений (46 или 50 в день перевода часов)",
    )
    active_import_kwh: list[Energy] = Field(
        max_length=MAX_HALF_HOURS, description="Прямая активная энергия (A+) за каждый получас, кВт·ч"
    )
    active_export_kwh: list[Energy] = Field(
        max_length=MAX_HALF_HOURS, description="Обратная активная энергия (A−) за каждый получас, кВт·ч"
    )

    @model_validator(mode="after")
    def _one_value_per_half_hour(self) -> "LoadProfile":
        if not len(self.starts) == len(self.active_import_kwh) == len(self.active_export_kwh):
            raise ValueError("a profile has one value of each channel per half-hour")
        return self


class AskueRow(BaseModel):
    """One meter connected to ASKUE: its four energy totals and when ASKUE read them; with the
    80020 connector also the day's half-hours of A+ and A− (`profile`)."""

    model_config = ConfigDict(frozen=True)

    object_name: str = Field(description="Название объекта")
    meter_name: str = Field(description="Название прибора учёта (в макете 80020 — имя точки измерений)")
    measuring_point_code: str | None = Field(
        default=None,
        description="Код точки измерений (макет 80020, measuringpoint/@code): по нему различаются строки",
    )
    document_number: int | None = Field(
        default=None,
        ge=0,
        description="Номер документа 80020 (message/@number): "
        "исправленный документ за те же сутки — с большим номером",
    )
    active_import_kwh: Energy = Field(description="Прямая активная энергия (A+), кВт·ч")
    active_export_kwh: Energy = Field(description="Обратная активная энергия (A−), кВт·ч")
    reactive_import_kvarh: Energy = Field(description="Прямая реактивная энергия (R+), квар·ч")
    reactive_export_kvarh: Energy = Field(description="Обратная реактивная энергия (R−), квар·ч")
    read_at: AwareDatetime = Field(description="Дата получения информации")
    profile: LoadProfile | None = Field(
        default=None, description="Профиль нагрузки за сутки по получасам (только из макета 80020)"
    )
    flags: list[ChannelFlag] = Field(
        default_factory=list,
        max_length=200,
        description="Недостоверные значения (статус не 0 в документе 80020): такие итоги помечены в таблице",
    )


def _login(value: str) -> str:
    if ":" in value or any(ord(c) < 32 for c in value):
        raise PydanticCustomError(
            "askue_login_invalid", "Идентификатор АСКУЭ не может содержать двоеточие и служебные символы."
        )
    return value


AskueLogin = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128), AfterValidator(_login)
]
AskuePassword = Annotated[str, StringConstraints(min_length=1, max_length=256)]


class FetchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: AskueLogin = Field(title="Идентификатор", description="Идентификатор пользователя в системе АСКУЭ")
    password: AskuePassword = Field(title="Пароль", description="Пароль в системе АСКУЭ")
    remember: bool = Field(
        default=False,
        title="Запомнить для автоматического обновления",
        description="Запомнить для автоматического обновления: пароль хранится зашифрованным (KMS)",
    )


LABELS = field_labels(FetchRequest)


class FetchOutput(BaseModel):
    rows: list[AskueRow]
    fetched_at: datetime = Field(description="Когда портал получил эти данные от АСКУЭ")
    remembered: bool = Field(description="Идентификатор и пароль сохранены для автоматического обновления")


LinkState = Literal["none", "active", "credentials_rejected"]


class LinkOutput(BaseModel):
    state: LinkState = Field(
        description="none — связь не сохранена; active — данные обновляются по расписанию; "
        "credentials_rejected — АСКУЭ перестала принимать сохранённый пароль"
    )
    login: str | None = None
    linked_at: datetime | None = None
    rejected_at: datetime | None = Field(default=None, description="Когда АСКУЭ отказала в доступе")


class LatestOutput(BaseModel):
    rows: list[AskueRow] = Field(description="Данные последнего получения (пусто, если данных ещё нет)")
    fetched_at: datetime | None = Field(default=None, description="Когда получены эти данные")
    source: Literal["fetch", "sync"] | None = Field(
        default=None, description="fetch — по кнопке «Получить данные»; sync — автоматическое обновление"
    )
    link: LinkOutput


class Snapshot(BaseModel):
    """What one successful fetch brought: kept as history, the newest also as `latest`."""

    rows: list[AskueRow]
    fetched_at: datetime
    login: str
    source: Literal["fetch", "sync"]


class StoredLink(BaseModel):
    """A remembered ASKUE account: the password only as KMS ciphertext."""

    user_id: str
    email: str
    login: str
    password_ciphertext: bytes
    state: Literal["active", "credentials_rejected"]
    linked_at: datetime
    rejected_at: datetime | None = None
