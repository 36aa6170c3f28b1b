"""Connectors to the company's ASKUE: one interface, two formats, chosen by configuration.

`ASKUE_CONNECTOR=json` reads register totals (A+, A−, R+, R− per meter since it was installed) from
`GET {ASKUE_BASE_URL}/v1/registers`. `ASKUE_CONNECTOR=xml80020` reads the XML 80020 document of the
last complete day from `GET {ASKUE_BASE_URL}/v1/80020` and sums its half-hours per channel: the
rows then hold that day's energy, not register totals (80020 carries intervals only), so only the
register connector's A+ goes to the readings history (`registers` tells which kind a connector gives).
Both authenticate with HTTP Basic (the consumer's ASKUE identifier and password).
"""

import json
from decimal import Decimal
from typing import Annotated, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from functions.askue.http import AskueBadData, AskueHttp, HttpPolicy
from functions.askue.models import AskueRow, Energy
from functions.askue.settings import AskueSettings, askue_settings
from functions.askue.xml80020 import parse_80020


class AskueConnector(Protocol):
    """Fetches the latest data of every meter of one ASKUE account.

    Raises AskueCredentialsRejected, AskueUnavailable or AskueBadData (functions.askue.http).
    """

    # True: rows hold register totals (meter readings); False: energy of an interval.
    registers: bool

    def fetch_latest(self, login: str, password: str) -> list[AskueRow]: ...


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class _Registers(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    active_import: Energy = Field(alias="A+")
    active_export: Energy = Field(alias="A-")
    reactive_import: Energy = Field(alias="R+")
    reactive_export: Energy = Field(alias="R-")


class _Meter(BaseModel):
    model_config = ConfigDict(extra="ignore")

    object: Name
    meter: Name
    read_at: AwareDatetime
    registers: _Registers


class _RegistersDocument(BaseModel):
    model_config = ConfigDict(extra="ignore")

    meters: Annotated[list[_Meter], Field(max_length=5000)]


class JsonRegistersConnector:
    """Register totals per meter, as JSON: `{"meters": [{"object", "meter", "read_at",
    "registers": {"A+", "A-", "R+", "R-"}}]}` (kWh and kvarh)."""

    registers = True

    def __init__(self, http: AskueHttp) -> None:
        self._http = http

    def fetch_latest(self, login: str, password: str) -> list[AskueRow]:
        body = self._http.get("/v1/registers", login, password, accept="application/json")
        try:
            raw = json.loads(body.decode("utf-8"), parse_float=Decimal, parse_int=Decimal)
            document = _RegistersDocument.model_validate(raw)
        except (UnicodeDecodeError, json.JSONDecodeError, ValidationError, RecursionError):
            raise AskueBadData("the register answer is not the expected JSON") from None
        return [
            AskueRow(
                object_name=meter.object,
                meter_name=meter.meter,
                active_import_kwh=meter.registers.active_import,
                active_export_kwh=meter.registers.active_export,
                reactive_import_kvarh=meter.registers.reactive_import,
                reactive_export_kvarh=meter.registers.reactive_export,
                read_at=meter.read_at,
            )
            for meter in document.meters
        ]


class Xml80020Connector:
    """The last complete day as an XML 80020 document (windows-1251), summed per channel."""

    registers = False

    def __init__(self, http: AskueHttp) -> None:
        self._http = http

    def fetch_latest(self, login: str, password: str) -> list[AskueRow]:
        body = self._http.get("/v1/80020", login, password, accept="application/xml")
        return parse_80020(body)


def connector_for(settings: AskueSettings) -> AskueConnector:
    http = AskueHttp(
        settings.askue_base_url,
        HttpPolicy(
            connect_timeout=settings.askue_connect_timeout,
            read_timeout=settings.askue_read_timeout,
            budget=settings.askue_budget_seconds,
        ),
    )
    if settings.askue_connector == "xml80020":
        return Xml80020Connector(http)
    return JsonRegistersConnector(http)


def configured_connector() -> AskueConnector:
    return connector_for(askue_settings())
