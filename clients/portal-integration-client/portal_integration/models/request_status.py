from enum import StrEnum

class RequestStatus(StrEnum):
    ANNULLED = "annulled"
    DONE = "done"
    IN_PROGRESS = "in_progress"
    IN_REVIEW = "in_review"
    NEEDS_INFO = "needs_info"
    REDIRECTED = "redirected"
    REGISTERED = "registered"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
