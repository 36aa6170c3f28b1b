"""The mail ledger's settings, from the environment template.yaml gives MailFunction and Integration."""

from pydantic import BaseModel, ConfigDict, Field

from functions.common.settings import load_settings


class LedgerSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    mail_ledger_table: str
    mails_per_address_per_hour: int = Field(default=3, ge=1)


def ledger_settings() -> LedgerSettings:
    settings: LedgerSettings = load_settings(LedgerSettings)
    return settings


class SenderSettings(BaseModel):
    """MailFunction's: SES publishes each mail's bounces and complaints through this configuration
    set (template.yaml, MailConfigurationSet; functions/mail/bounces.py)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    mail_configuration_set: str


def sender_settings() -> SenderSettings:
    settings: SenderSettings = load_settings(SenderSettings)
    return settings
