"""Environment variables parsed once per cold start into a typed settings model.

`template.yaml` sets them (Globals and each function); the local stack sets the same names.
"""

from functools import cache
from typing import TypeVar

from pydantic import BaseModel, ConfigDict

SettingsT = TypeVar("SettingsT", bound=BaseModel)


class PortalSettings(BaseModel):
    """What every function of the portal is given by `Globals.Function.Environment`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    profiles_table: str
    user_pool_id: str
    user_pool_client_id: str
    mail_sender: str
    portal_url: str


@cache
def load_settings(model: type[SettingsT]) -> SettingsT:
    """Builds `model` from upper-case environment variables named like its fields."""
    import os

    values = {name: os.environ.get(name.upper()) for name in model.model_fields}
    settings: SettingsT = model.model_validate({k: v for k, v in values.items() if v is not None})
    return settings


def portal_settings() -> PortalSettings:
    settings: PortalSettings = load_settings(PortalSettings)
    return settings
