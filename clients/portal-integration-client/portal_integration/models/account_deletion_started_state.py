from enum import StrEnum

class AccountDeletionStartedState(StrEnum):
    DELETION_REQUESTED = "deletion_requested"
    ERASED = "erased"

    def __str__(self) -> str:
        return str(self.value)
