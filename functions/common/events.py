"""Events for integrators: what happened in the portal, published to the EventBridge bus of
template.yaml (PortalEventBus, its name in EVENT_BUS_NAME).

Each event is one model below: its `detail-type` is versioned (a change that breaks a field is a new
`.vN`), its `source` is SOURCE, its `detail` the model's fields. docs/events.md is generated from
these models (`python -m infra.events_doc`) and tests/unit/test_events.py checks it did not drift.

The detail holds ids, the request's number, type and status, and times (ISO 8601 with the zone) —
no personal data: no address, name, email address, text of a message. 152-ФЗ (ст. 7, ст. 6 ч. 3) keeps
personal data to the operator and those it entrusts for a stated purpose; a bus reaches whoever a
rule is added for, so integrators fetch the details through the API (its key is the entrustment).

Every detail carries `event_id`, the event's own id: the same on every delivery of the same event, so
integrators deduplicate by it (EventBridge delivers at least once, and an event owed through the
outbox, functions/common/outbox.py, is put on the bus again until EventBridge takes it).

Every event is owed through the outbox: written with the change in its own transaction, put on the
bus by the outbox's relay. Each carries `sequence`, its number among its subject's events (a
request's: the request item's counter; a reading's and a failed ASKUE sync's: the consumer's count
items), moved in the same transaction, so that an integrator sees a gap and reconciles
(docs/events.md).

Building the PutEvents entries (`entry`, `bus_entry`) is apart from sending them (`put_entries`), so
that the outbox can keep the entries a change owes and its relay send them later, in one PutEvents
per change. `publish` does both at once, best effort, and no route calls it any more (a change
calling it would lose its event when EventBridge fails): a failed PutEvents, or an entry EventBridge
refused, is logged as an error and counted (metric EventsFailed).
"""

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from aws_lambda_powertools import Logger
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from functions.common.aws import events
from functions.common.metrics import BusinessMetric, count
from functions.common.settings import load_settings

if TYPE_CHECKING:
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef

logger = Logger()

SOURCE = "ru.grid.consumer-portal"

RequestStatusName = Literal[
    "registered",
    "in_review",
    "needs_info",
    "in_progress",
    "done",
    "rejected",
    "withdrawn",
    "annulled",
    "redirected",
]  # functions/requests/registry.py's RequestStatus


class EventSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    event_bus_name: str


def new_event_id() -> str:
    return uuid.uuid4().hex


class PortalEvent(BaseModel):
    """What every event's detail is: closed (no field beyond the documented ones), and its own id.

    Built when first used (`defer_build`), not at import: every function that may publish imports
    these models, most requests publish none, and building the six took about 50 ms of each cold
    start (benchmarks/coldstart.py). `event_id` has a default but is always published: the schema
    says it is required (`json_schema_serialization_defaults_required`)."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", defer_build=True, json_schema_serialization_defaults_required=True
    )

    DETAIL_TYPE: ClassVar[str]
    DESCRIPTION: ClassVar[str]

    event_id: str = Field(
        default_factory=new_event_id,
        min_length=1,
        max_length=64,
        description=(
            "The event's own id, the same on every delivery of this event (EventBridge delivers at"
            " least once; the portal may put an event it owes on the bus again): deduplicate by it"
        ),
    )
    feed_sequence: int | None = Field(
        default=None,
        ge=1,
        description=(
            "The event's number in the integrators' change feed (GET /api/integration/changes): 1, 2, 3…"
            " over every event of the portal, with no gap; the same change there has the same number."
            " Set when the event is put on the bus"
        ),
    )


def _sequence() -> Any:
    """The `sequence` of a request's event: what it counts and how an integrator reconciles a gap."""
    return Field(
        ge=1,
        description=(
            "The number of this event among its request's events: 1 for its filing, then 2, 3… in the"
            " order the portal stored the changes, over the five request events (filed, message posted,"
            " status changed, withdrawn, and a connection's stage completed; the events of one change"
            " numbered in turn). A number missing"
            " between two received is an event not arrived (yet): events arrive in no set order and late"
            " after an outage, and a rule that takes only some of the five sees the others as gaps. Wait"
            " a while, then reconcile with GET /api/integration/requests/{id}, the request as it is"
        ),
    )


class RequestFiled(PortalEvent):
    DETAIL_TYPE = "portal.request.filed.v1"
    DESCRIPTION = "A consumer filed a service request (POST /api/requests)."

    request_id: str = Field(description="The request's id (GET /api/integration/requests/{id})")
    number: str = Field(description="The request's number, as the consumer sees it")
    sequence: int = _sequence()
    type: str = Field(description="The request's type (GET /api/requests/types)")
    status: Literal["registered"] = Field(description="Its status: a filed request is registered")
    filed_at: AwareDatetime = Field(description="When it was filed")


class RequestMessagePosted(PortalEvent):
    DETAIL_TYPE = "portal.request.message.posted.v1"
    DESCRIPTION = (
        "A message was posted on a request: the company's (an answer or a document) or the consumer's."
        " Its text and files are read through GET /api/integration/requests/{id}."
    )

    request_id: str = Field(description="The request's id")
    number: str = Field(description="The request's number")
    sequence: int = _sequence()
    message_id: str = Field(description="The message's id in the request's thread")
    author: Literal["company", "consumer"] = Field(description="Who wrote it")
    attachments: int = Field(ge=0, description="How many files it carries")
    posted_at: AwareDatetime = Field(description="When it was posted")


class RequestStatusChanged(PortalEvent):
    DETAIL_TYPE = "portal.request.status.changed.v1"
    DESCRIPTION = (
        "A request's status changed: by the company (PATCH /api/integration/requests/{id}), by the"
        " consumer's answer to needs_info (→ in_review) or by the consumer's withdrawal (→ withdrawn)."
    )

    request_id: str = Field(description="The request's id")
    number: str = Field(description="The request's number")
    sequence: int = _sequence()
    previous_status: RequestStatusName = Field(description="The status it left")
    status: RequestStatusName = Field(description="The status it has now")
    by: Literal["company", "consumer"] = Field(description="Who changed it")
    changed_at: AwareDatetime = Field(description="When it changed")


class RequestWithdrawn(PortalEvent):
    DETAIL_TYPE = "portal.request.withdrawn.v1"
    DESCRIPTION = (
        "The consumer withdrew their request (POST /api/requests/{id}/withdraw); published together"
        " with its portal.request.status.changed.v1. The reason is read through the API."
    )

    request_id: str = Field(description="The request's id")
    number: str = Field(description="The request's number")
    sequence: int = _sequence()
    previous_status: RequestStatusName = Field(description="The status it was withdrawn from")
    withdrawn_at: AwareDatetime = Field(description="When it was withdrawn")


class RequestStageCompleted(PortalEvent):
    DETAIL_TYPE = "portal.request.stage.completed.v1"
    DESCRIPTION = (
        "A stage of a technological connection's procedure (ПП № 861) was marked done by the company"
        " (POST /api/integration/requests/{id}/stages); published with the"
        " portal.request.status.changed.v1 of the status the stage moved the request to, if any."
    )

    request_id: str = Field(description="The request's id")
    number: str = Field(description="The request's number")
    sequence: int = _sequence()
    stage: str = Field(description="The stage's code (the request's procedure.stages[].code)")
    completed_on: date = Field(description="The day the stage was done (Moscow)")
    marked_at: AwareDatetime = Field(description="When it was marked")


class ReadingSubmitted(PortalEvent):
    DETAIL_TYPE = "portal.reading.submitted.v1"
    DESCRIPTION = (
        "A meter reading was stored: typed in by a consumer (POST /api/readings, source manual) or"
        " read from the consumer's ASKUE by the hourly sync (source askue). Written with the reading"
        " (the outbox): every stored reading is published, at least once. `sequence` numbers the"
        " consumer's stored readings, so a missing one shows (docs/events.md, «… numbered»); billing"
        " reads them, with the object and лицевой счёт, from GET /api/integration/readings."
    )

    user_id: str = Field(description="The consumer's account id")
    reading_id: str = Field(description="The reading's id")
    meter_number: str = Field(description="The meter's number")
    taken_at: AwareDatetime = Field(description="When the reading was taken")
    meter_type: str = Field(
        default="", description="The meter's type: single_tariff, two_tariff or three_tariff (its tariffs)"
    )
    source: Literal["manual", "askue"] = Field(
        default="manual", description="manual — typed in by the consumer; askue — read from ASKUE"
    )
    values: dict[str, str] = Field(
        default_factory=dict,
        description="The reading per tariff (t1; t1, t2; t1, t2, t3), kWh, as decimal strings (no float"
        " rounding): what billing bills on. The object and лицевой счёт: GET /api/integration/readings",
    )
    billing_period: str = Field(
        default="", description="The billing period (YYYY-MM) the reading counts in (the supplier's window)"
    )
    sequence: int = Field(
        ge=1,
        description=(
            "This event's number among the consumer's portal.reading.submitted.v1 events (per"
            " `user_id`, all meters, manual and ASKUE): 1, 2, 3… in the order the readings were"
            " stored, none skipped, none given twice (a number seen again is the same event, the"
            " same `event_id`)."
            " Readings stored before the portal numbered them are not counted"
        ),
    )


class ReadingCorrected(PortalEvent):
    DETAIL_TYPE = "portal.reading.corrected.v1"
    DESCRIPTION = (
        "A consumer corrected the values of their latest reading of a meter while its billing period"
        " was open (PATCH /api/readings/{id}). Written with the correction (the outbox). The reading"
        " as it is now, and what it was, are read through the consumer's history (the reading's"
        " `corrections`)."
    )

    user_id: str = Field(description="The consumer's account id")
    reading_id: str = Field(description="The reading's id")
    meter_number: str = Field(description="The meter's number")
    billing_period: str = Field(description="The billing period (YYYY-MM) the reading counts in")
    sequence: int = Field(
        ge=2,
        description=(
            "The reading's version this event tells of: its submission is 1"
            " (portal.reading.submitted.v1), each correction the next, its withdrawal last"
        ),
    )
    corrected_at: AwareDatetime = Field(description="When it was corrected")


class ReadingWithdrawn(PortalEvent):
    DETAIL_TYPE = "portal.reading.withdrawn.v1"
    DESCRIPTION = (
        "A consumer withdrew their latest reading of a meter while its billing period was open"
        " (DELETE /api/readings/{id}): it no longer counts, and the meter's previous reading is its"
        " last again. Written with the withdrawal (the outbox)."
    )

    user_id: str = Field(description="The consumer's account id")
    reading_id: str = Field(description="The reading's id")
    meter_number: str = Field(description="The meter's number")
    billing_period: str = Field(description="The billing period (YYYY-MM) the reading counted in")
    sequence: int = Field(
        ge=2,
        description="The reading's version this event tells of: the last (see portal.reading.corrected.v1)",
    )
    withdrawn_at: AwareDatetime = Field(description="When it was withdrawn")


def _object_sequence() -> Any:
    return Field(
        ge=1,
        description=(
            "The object's version this event tells of: 1 when added, then 2, 3… for each change by"
            " the consumer and each confirmation of its лицевой счёт (or its withdrawal) by the"
            " company, the removal last. A number missing between two received is an event not"
            " arrived (yet)"
        ),
    )


AccountStateName = Literal["pending", "confirmed"]  # functions/objects/models.py's account_state


class ObjectAdded(PortalEvent):
    DETAIL_TYPE = "portal.object.added.v1"
    DESCRIPTION = (
        "A consumer added an object to «Мои объекты» (POST /api/objects): a supply point with its"
        " лицевой счёт, which waits for the company's confirmation (GET /api/integration/objects, the"
        " worklist). Written with the object (the outbox). Its address, name and meters are read"
        " through the integration API, not carried here."
    )

    user_id: str = Field(description="The consumer's account id")
    object_id: str = Field(description="The object's id")
    sequence: int = _object_sequence()
    account_number: str = Field(description="The лицевой счёт the consumer gave (digits only)")
    account_state: Literal["pending"] = Field(
        description="An added object's лицевой счёт waits for confirmation"
    )
    meters: int = Field(ge=0, description="How many meters it lists")
    added_at: AwareDatetime = Field(description="When it was added")


class ObjectConfirmed(PortalEvent):
    DETAIL_TYPE = "portal.object.confirmed.v1"
    DESCRIPTION = (
        "The company confirmed an object's лицевой счёт against billing (PATCH"
        " /api/integration/objects/{id} with confirmed = true): the consumer sees it confirmed and can"
        " change it only through the company. Written with the confirmation (the outbox); a"
        " confirmation repeated changes nothing and publishes nothing."
    )

    user_id: str = Field(description="The consumer's account id")
    object_id: str = Field(description="The object's id")
    sequence: int = _object_sequence()
    account_number: str = Field(description="The лицевой счёт confirmed")
    account_state: Literal["confirmed"] = Field(description="Its state now")
    confirmed_by: str = Field(description="Who confirmed it: `integrator:<the integrator's name>`")
    confirmed_at: AwareDatetime = Field(description="When it was confirmed")


class ObjectConfirmationWithdrawn(PortalEvent):
    DETAIL_TYPE = "portal.object.confirmation.withdrawn.v1"
    DESCRIPTION = (
        "The company withdrew the confirmation of an object's лицевой счёт (PATCH"
        " /api/integration/objects/{id} with confirmed = false): it waits for confirmation again (the"
        " worklist). Written with the change (the outbox); withdrawing an unconfirmed one publishes"
        " nothing."
    )

    user_id: str = Field(description="The consumer's account id")
    object_id: str = Field(description="The object's id")
    sequence: int = _object_sequence()
    account_number: str = Field(description="The лицевой счёт")
    account_state: Literal["pending"] = Field(description="Its state now")
    withdrawn_by: str = Field(
        description="Who withdrew the confirmation: `integrator:<the integrator's name>`"
    )
    withdrawn_at: AwareDatetime = Field(description="When it was withdrawn")


class ObjectChanged(PortalEvent):
    DETAIL_TYPE = "portal.object.changed.v1"
    DESCRIPTION = (
        "A consumer changed an object of «Мои объекты» (PATCH /api/objects/{id}): its name, address,"
        " cadastral number, meters, or its лицевой счёт while not yet confirmed. Written with the"
        " change (the outbox). An object whose лицевой счёт waits for confirmation is on"
        " GET /api/integration/objects (the worklist), as it is now."
    )

    user_id: str = Field(description="The consumer's account id")
    object_id: str = Field(description="The object's id")
    sequence: int = _object_sequence()
    account_changed: bool = Field(
        description="Whether the лицевой счёт changed (it then waits for confirmation)"
    )
    changed_at: AwareDatetime = Field(description="When it changed")


class ObjectRemoved(PortalEvent):
    DETAIL_TYPE = "portal.object.removed.v1"
    DESCRIPTION = (
        "A consumer removed an object from «Мои объекты» (DELETE /api/objects/{id}). Its readings"
        " stay. Written with the removal (the outbox)."
    )

    user_id: str = Field(description="The consumer's account id")
    object_id: str = Field(description="The object's id")
    sequence: int = _object_sequence()
    removed_at: AwareDatetime = Field(description="When it was removed")


class AskueSyncFailed(PortalEvent):
    DETAIL_TYPE = "portal.askue.sync.failed.v1"
    DESCRIPTION = (
        "The scheduled ASKUE sync of an account failed for good: ASKUE refused the remembered"
        " credentials (the link is marked, the consumer mailed), or every attempt failed and the"
        " account's sync went to the dead-letter queue. Written with what the failure records (the"
        " outbox): published at least once. `sequence` numbers the consumer's failures, so a missing"
        " one shows («A consumer's readings and ASKUE failures are numbered»)."
    )

    user_id: str = Field(description="The consumer's account id")
    reason: Literal["credentials_refused", "attempts_exhausted"] = Field(description="Why")
    failed_at: AwareDatetime = Field(description="When")
    sequence: int = Field(
        ge=1,
        description=(
            "This event's number among the portal.askue.sync.failed.v1 events of the consumer's"
            " ASKUE link (per `user_id`: a consumer has one link at most, and the count goes on when"
            " it is forgotten and remembered again): 1, 2, 3… in the order the failures were"
            " recorded, none skipped, none given twice (a number seen again is the same event, the"
            " same `event_id`)"
        ),
    )


class AccountDeleted(PortalEvent):
    DETAIL_TYPE = "portal.account.deleted.v1"
    DESCRIPTION = (
        "A consumer withdrew their consent to the processing of personal data and deleted their"
        " account (152-ФЗ ст. 9 ч. 2), or support deleted it on their request: it no longer logs in,"
        " and its personal data are erased within"
        " 30 days (ст. 21 ч. 5). Written with the record of the deletion (the outbox). Erase the"
        " consumer's personal data from your copies; GET /api/integration/consumers/{user_id} reads"
        " «данные удалены» once the portal erased them."
    )

    user_id: str = Field(description="The consumer's account id")
    deleted_at: AwareDatetime = Field(description="When the consent was withdrawn and the account deleted")
    erase_by: AwareDatetime = Field(
        description="The portal erases the personal data by this time at the latest"
    )
    deleted_by: str = Field(
        default="consumer",
        pattern=r"^(consumer|integrator:.+)$",
        description="Who deleted it: `consumer` (in «Профиль») or `integrator:<name>` (support, on the"
        " consumer's request: POST /api/integration/consumers/{user_id}/deletion)",
    )


OutageKindName = Literal["planned", "emergency"]  # functions/outages/models.py's OutageKind


def _outage_sequence() -> Any:
    return Field(
        ge=1,
        description=(
            "The outage's version this event tells of: 1 when published, then 2, 3… for each change,"
            " the withdrawal last. A number missing between two received is an event not arrived"
            " (yet): reconcile with GET /api/outages/{id}, the outage as it is"
        ),
    )


class OutagePublished(PortalEvent):
    DETAIL_TYPE = "portal.outage.published.v1"
    DESCRIPTION = (
        "The company published a planned or emergency outage (POST /api/integration/outages). Its"
        " addresses and reason are read through GET /api/outages/{id}."
    )

    outage_id: str = Field(description="The outage's id (GET /api/outages/{id})")
    kind: OutageKindName = Field(description="planned or emergency")
    sequence: int = _outage_sequence()
    starts_at: AwareDatetime = Field(description="When the power goes off")
    ends_at: AwareDatetime = Field(description="When it is back (an emergency's: the estimate)")
    streets: int = Field(ge=1, description="How many streets it names")


class OutageChanged(PortalEvent):
    DETAIL_TYPE = "portal.outage.changed.v1"
    DESCRIPTION = (
        "The company moved an outage's times, its restoration estimate or its reason"
        " (PATCH /api/integration/outages/{id})."
    )

    outage_id: str = Field(description="The outage's id")
    kind: OutageKindName = Field(description="planned or emergency")
    sequence: int = _outage_sequence()
    starts_at: AwareDatetime = Field(description="When the power goes off, as now")
    ends_at: AwareDatetime = Field(description="When it is back, as now")
    changed_at: AwareDatetime = Field(description="When it changed")


class OutageWithdrawn(PortalEvent):
    DETAIL_TYPE = "portal.outage.withdrawn.v1"
    DESCRIPTION = (
        "The company withdrew an outage (DELETE /api/integration/outages/{id}): it is no longer listed."
    )

    outage_id: str = Field(description="The outage's id")
    kind: OutageKindName = Field(description="planned or emergency")
    sequence: int = _outage_sequence()
    withdrawn_at: AwareDatetime = Field(description="When it was withdrawn")


EVENTS: tuple[type[PortalEvent], ...] = (
    RequestFiled,
    RequestMessagePosted,
    RequestStatusChanged,
    RequestWithdrawn,
    RequestStageCompleted,
    ReadingSubmitted,
    ReadingCorrected,
    ReadingWithdrawn,
    AskueSyncFailed,
    ObjectAdded,
    ObjectChanged,
    ObjectConfirmed,
    ObjectConfirmationWithdrawn,
    ObjectRemoved,
    OutagePublished,
    OutageChanged,
    OutageWithdrawn,
    AccountDeleted,
)


def bus_name() -> str:
    name: str = load_settings(EventSettings).event_bus_name
    return name


def bus_entry(detail_type: str, detail: str, bus: str) -> "PutEventsRequestEntryTypeDef":
    """A PutEvents entry of the portal's: `detail` is the event's detail as JSON."""
    return {"Source": SOURCE, "DetailType": detail_type, "Detail": detail, "EventBusName": bus}


def entry(event: PortalEvent, bus: str) -> "PutEventsRequestEntryTypeDef":
    return bus_entry(event.DETAIL_TYPE, event.model_dump_json(), bus)


def put_entries(entries: Sequence["PutEventsRequestEntryTypeDef"]) -> list[str]:
    """One PutEvents of `entries` (at most 10); the error code of each entry EventBridge refused,
    none when it took them all. A failed call raises botocore's error (after the SDK's retries)."""
    answer = events().put_events(Entries=list(entries))
    failed = int(answer.get("FailedEntryCount", 0))
    if not failed:
        return []
    codes = [str(e["ErrorCode"]) for e in answer.get("Entries", []) if e.get("ErrorCode")]
    return (codes + ["Unknown"] * failed)[:failed]


def publish(*published: PortalEvent) -> None:
    """Puts the events of one change on the bus in one call; never raises (see the module's doc)."""
    if not published:
        return
    kinds = [event.DETAIL_TYPE for event in published]
    try:
        bus = bus_name()
        refused = put_entries([entry(event, bus) for event in published])
    except Exception:
        logger.exception("events not published", extra={"detail_types": kinds})
        failed = len(published)
    else:
        failed = len(refused)
        if refused:
            logger.error("events refused", extra={"detail_types": kinds, "error_codes": refused})
    for _ in range(failed):
        count(BusinessMetric.EVENTS_FAILED)


def at(value: str | datetime) -> datetime:
    """A stored ISO time (or a datetime) as the aware datetime a detail carries."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
