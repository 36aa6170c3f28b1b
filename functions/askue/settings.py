"""The ASKUE functions' settings, from the environment template.yaml gives them."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from functions.common.settings import load_settings


class AskueSettings(BaseModel):
    """Where the links and snapshots live, which key guards the passwords, how to reach ASKUE."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    askue_table: str
    askue_key_id: str
    askue_connector: Literal["json", "xml80020"] = "json"
    askue_base_url: str
    # API Gateway cuts a request at 29 s: one fetch, retries included, must end well before.
    askue_connect_timeout: float = Field(default=2.0, gt=0, le=10)
    askue_read_timeout: float = Field(default=8.0, gt=0, le=20)
    askue_budget_seconds: float = Field(default=12.0, gt=0, le=20)


class PlannerSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    askue_table: str
    askue_sync_queue_url: str


def askue_settings() -> AskueSettings:
    settings: AskueSettings = load_settings(AskueSettings)
    return settings


def planner_settings() -> PlannerSettings:
    settings: PlannerSettings = load_settings(PlannerSettings)
    return settings
