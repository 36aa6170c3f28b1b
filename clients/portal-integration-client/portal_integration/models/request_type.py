from enum import StrEnum

class RequestType(StrEnum):
    CONNECTION = "connection"
    GRID_THEFT = "grid_theft"
    METER_ADMISSION = "meter_admission"
    METER_INSTALLATION = "meter_installation"
    METER_READING = "meter_reading"
    NO_POWER = "no_power"
    UNMETERED_CONSUMPTION = "unmetered_consumption"

    def __str__(self) -> str:
        return str(self.value)
