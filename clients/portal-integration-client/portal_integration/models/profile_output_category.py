from enum import StrEnum

class ProfileOutputCategory(StrEnum):
    INDIVIDUAL = "individual"
    LEGAL = "legal"

    def __str__(self) -> str:
        return str(self.value)
