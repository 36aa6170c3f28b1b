from enum import StrEnum

class ConsumerCardCategoryType0(StrEnum):
    INDIVIDUAL = "individual"
    LEGAL = "legal"

    def __str__(self) -> str:
        return str(self.value)
