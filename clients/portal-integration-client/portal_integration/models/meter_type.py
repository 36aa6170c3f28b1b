from enum import StrEnum

class MeterType(StrEnum):
    SINGLE_TARIFF = "single_tariff"
    THREE_TARIFF = "three_tariff"
    TWO_TARIFF = "two_tariff"

    def __str__(self) -> str:
        return str(self.value)
