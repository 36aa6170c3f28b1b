""" Contains all the data models used in inputs/outputs """

from .account_deletion_started import AccountDeletionStarted
from .account_deletion_started_state import AccountDeletionStartedState
from .attachment_link import AttachmentLink
from .billed_reading import BilledReading
from .billed_reading_values import BilledReadingValues
from .company_message import CompanyMessage
from .company_message_kind_type_0 import CompanyMessageKindType0
from .connection_procedure import ConnectionProcedure
from .consumer_card import ConsumerCard
from .consumer_card_category_type_0 import ConsumerCardCategoryType0
from .consumer_card_state import ConsumerCardState
from .data_export import DataExport
from .data_export_askue_snapshots_item import DataExportAskueSnapshotsItem
from .data_export_meters_item import DataExportMetersItem
from .data_export_objects_item import DataExportObjectsItem
from .data_export_readings_item import DataExportReadingsItem
from .data_export_requests_item import DataExportRequestsItem
from .exported_askue_link import ExportedAskueLink
from .exported_askue_link_state import ExportedAskueLinkState
from .feed_change import FeedChange
from .feed_change_detail import FeedChangeDetail
from .feed_page import FeedPage
from .field_error import FieldError
from .field_row import FieldRow
from .integration_history_entry import IntegrationHistoryEntry
from .integration_message import IntegrationMessage
from .integration_message_kind_type_0 import IntegrationMessageKindType0
from .integration_object import IntegrationObject
from .integration_object_account_state import IntegrationObjectAccountState
from .integration_object_list import IntegrationObjectList
from .integration_page import IntegrationPage
from .integration_request import IntegrationRequest
from .integration_request_fields import IntegrationRequestFields
from .integration_request_thread import IntegrationRequestThread
from .integration_request_thread_fields import IntegrationRequestThreadFields
from .message_author import MessageAuthor
from .meter_type import MeterType
from .object_change import ObjectChange
from .object_meter import ObjectMeter
from .outage import Outage
from .outage_address import OutageAddress
from .outage_change import OutageChange
from .outage_kind import OutageKind
from .outage_publication import OutagePublication
from .outage_status import OutageStatus
from .outage_street import OutageStreet
from .password_reset import PasswordReset
from .password_reset_accepted import PasswordResetAccepted
from .problem_details import ProblemDetails
from .procedure_stage import ProcedureStage
from .profile_output import ProfileOutput
from .profile_output_category import ProfileOutputCategory
from .readings_page import ReadingsPage
from .request_status import RequestStatus
from .request_type import RequestType
from .stage_mark_request import StageMarkRequest
from .stage_mark_request_stage import StageMarkRequestStage
from .status_change import StatusChange
from .upload_form import UploadForm
from .upload_form_fields import UploadFormFields
from .upload_request import UploadRequest
from .upload_request_content_type import UploadRequestContentType

__all__ = (
    "AccountDeletionStarted",
    "AccountDeletionStartedState",
    "AttachmentLink",
    "BilledReading",
    "BilledReadingValues",
    "CompanyMessage",
    "CompanyMessageKindType0",
    "ConnectionProcedure",
    "ConsumerCard",
    "ConsumerCardCategoryType0",
    "ConsumerCardState",
    "DataExport",
    "DataExportAskueSnapshotsItem",
    "DataExportMetersItem",
    "DataExportObjectsItem",
    "DataExportReadingsItem",
    "DataExportRequestsItem",
    "ExportedAskueLink",
    "ExportedAskueLinkState",
    "FeedChange",
    "FeedChangeDetail",
    "FeedPage",
    "FieldError",
    "FieldRow",
    "IntegrationHistoryEntry",
    "IntegrationMessage",
    "IntegrationMessageKindType0",
    "IntegrationObject",
    "IntegrationObjectAccountState",
    "IntegrationObjectList",
    "IntegrationPage",
    "IntegrationRequest",
    "IntegrationRequestFields",
    "IntegrationRequestThread",
    "IntegrationRequestThreadFields",
    "MessageAuthor",
    "MeterType",
    "ObjectChange",
    "ObjectMeter",
    "Outage",
    "OutageAddress",
    "OutageChange",
    "OutageKind",
    "OutagePublication",
    "OutageStatus",
    "OutageStreet",
    "PasswordReset",
    "PasswordResetAccepted",
    "ProblemDetails",
    "ProcedureStage",
    "ProfileOutput",
    "ProfileOutputCategory",
    "ReadingsPage",
    "RequestStatus",
    "RequestType",
    "StageMarkRequest",
    "StageMarkRequestStage",
    "StatusChange",
    "UploadForm",
    "UploadFormFields",
    "UploadRequest",
    "UploadRequestContentType",
)
