"""«Мои данные»: everything the portal keeps about the consumer, as one JSON (152-ФЗ ст. 14) — the
consumer's own download and support's export for a consumer who asks the operator.

Each domain's data is read through its own store, by the access pattern it was designed for — the
profile's GetItem, the consumer's requests (with each one's conversation), objects, meters and
readings by their partition key (a Query per 1 MB), the ASKUE link's GetItem and its snapshots' Query
— never a Scan. Every file (the request's and the messages') comes with a link to download it, valid
an hour. Every reading is given, however many. The ASKUE password (KMS ciphertext) and the portal's own
bookkeeping (session times, reset codes, idempotency claims) are left out: they are not data about
the consumer but about keeping the account safe.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict

from functions.auth.models import DataExport, ExportedAskueLink
from functions.auth.store import ProfileStore
from functions.common.clock import now
from functions.common.errors import NotFound
from functions.common.settings import load_settings

# Every reading: the store's Query pages on until this many (none will ever have so many).
EVERY_READING = 1_000_000_000


class ExportSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    askue_table: str


def _meter(meter: Any) -> dict[str, Any]:
    """A meter's state as the export gives it: what the consumer's readings made of it."""
    return {
        "meter_number": meter.meter_number,
        "meter_type": str(meter.meter_type),
        "digits": meter.digits,
        "last_values": {str(tariff): str(value) for tariff, value in meter.last_values.items()},
        "last_taken_at": meter.last_taken_at.isoformat(),
        "last_source": str(meter.last_source),
        "total_consumption": str(meter.total_consumption),
    }


def export(user_id: str) -> DataExport:
    """The account's data as the consumer downloads them («Мои данные») and as support hands them to
    the consumer who asks the operator (`GET /api/integration/consumers/{user_id}/export`): one
    export, the same whoever reads it. NotFound when the account has no profile (none, or erased)."""
    # The other domains' stores are imported here, not with the handler: only this route reads them.
    from functions.askue.store import AskueStore
    from functions.objects.store import ObjectStore
    from functions.readings.store import ReadingStore
    from functions.requests.presentation import for_export
    from functions.requests.store import RequestStore
    from functions.requests.thread_store import ThreadStore

    profile = ProfileStore().get(user_id)
    if profile is None:
        raise NotFound("Профиль не найден.")
    readings = ReadingStore()
    askue = AskueStore(load_settings(ExportSettings).askue_table)
    link = askue.get_link(user_id)
    threads = ThreadStore()
    requests: list[dict[str, Any]] = [
        for_export(request, threads.whole_thread(user_id, request.request_id))
        for request in RequestStore().all_for_user(user_id)
    ]
    return DataExport(
        exported_at=now(),
        profile=profile,
        requests=requests,
        objects=[o.model_dump(mode="json") for o in ObjectStore().objects(user_id)],
        meters=[_meter(meter) for meter in readings.meters(user_id)],
        readings=[r.model_dump(mode="json") for r in readings.readings(user_id, None, EVERY_READING)],
        askue_link=None
        if link is None
        else ExportedAskueLink(login=link.login, state=link.state, linked_at=link.linked_at),
        askue_snapshots=[s.model_dump(mode="json") for s in askue.snapshots(user_id)],
    )
