from enum import StrEnum

class StageMarkRequestStage(StrEnum):
    ACTUAL_CONNECTION = "actual_connection"
    APPLICANT_WORKS_DONE = "applicant_works_done"
    CLOSING_DOCUMENT = "closing_document"
    GRID_WORKS_DONE = "grid_works_done"
    INVOICE_PAID = "invoice_paid"
    MISSING_DATA_REQUESTED = "missing_data_requested"
    MISSING_DATA_SUPPLIED = "missing_data_supplied"
    OFFER_PLACED = "offer_placed"
    REGISTERED = "registered"

    def __str__(self) -> str:
        return str(self.value)
