from enum import StrEnum

class OutageKind(StrEnum):
    EMERGENCY = "emergency"
    PLANNED = "planned"

    def __str__(self) -> str:
        return str(self.value)
