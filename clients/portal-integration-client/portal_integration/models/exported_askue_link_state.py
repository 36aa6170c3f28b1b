from enum import StrEnum

class ExportedAskueLinkState(StrEnum):
    ACTIVE = "active"
    CREDENTIALS_REJECTED = "credentials_rejected"

    def __str__(self) -> str:
        return str(self.value)
