from enum import StrEnum

class IntegrationMessageKindType0(StrEnum):
    ACT = "act"
    ADMISSION_ACT = "admission_act"
    CONNECTION_ACT = "connection_act"
    CONNECTION_NOTICE = "connection_notice"
    CONTRACT = "contract"
    INVOICE = "invoice"
    OTHER = "other"
    TECHNICAL_CONDITIONS = "technical_conditions"

    def __str__(self) -> str:
        return str(self.value)
