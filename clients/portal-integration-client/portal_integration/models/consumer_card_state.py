from enum import StrEnum

class ConsumerCardState(StrEnum):
    ACTIVE = "active"
    DELETION_REQUESTED = "deletion_requested"
    ERASED = "erased"

    def __str__(self) -> str:
        return str(self.value)
