""" Contains all the data models used in inputs/outputs """

from .attachment_link import AttachmentLink
from .field_error import FieldError
from .field_row import FieldRow
from .integration_history_entry import IntegrationHistoryEntry
from .integration_page import IntegrationPage
from .integration_request import IntegrationRequest
from .integration_request_fields import IntegrationRequestFields
from .password_reset import PasswordReset
from .password_reset_accepted import PasswordResetAccepted
from .problem_details import ProblemDetails
from .request_status import RequestStatus
from .request_type import RequestType
from .status_change import StatusChange

__all__ = (
    "AttachmentLink",
    "FieldError",
    "FieldRow",
    "IntegrationHistoryEntry",
    "IntegrationPage",
    "IntegrationRequest",
    "IntegrationRequestFields",
    "PasswordReset",
    "PasswordResetAccepted",
    "ProblemDetails",
    "RequestStatus",
    "RequestType",
    "StatusChange",
)
