from enum import StrEnum

class MessageAuthor(StrEnum):
    COMPANY = "company"
    CONSUMER = "consumer"

    def __str__(self) -> str:
        return str(self.value)
