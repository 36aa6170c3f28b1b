"""«Мои данные»: everything the portal keeps about the consumer, as one JSON (152-ФЗ ст. 14).

Each domain's data is read through its own store, by the access pattern it was designed for — the
profile's GetItem, the consumer's requests and readings by their partition key (a Query per 1 MB),
the ASKUE link's GetItem — never a Scan. The ASKUE password (KMS ciphertext) and the portal's own
bookkeeping (session times, reset codes, idempotency claims) are left out: they are not data about
the consumer but about keeping the account safe.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict

from functions.auth.models import DataExport, ExportedAskueLink
from functions.auth.store import ProfileStore
from functions.common.caller import Caller
from functions.common.clock import now
from functions.common.errors import NotFound
from functions.common.settings import load_settings

# A consumer's readings in one export: some years of monthly readings of several meters.
MAX_READINGS = 10_000


class ExportSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    askue_table: str


def export(caller: Caller) -> DataExport:
    # The other domains' stores are imported here, not with the handler: only this route reads them.
    from functions.askue.store import AskueStore
    from functions.readings.store import ReadingStore
    from functions.requests.presentation import for_export
    from functions.requests.store import RequestStore

    profile = ProfileStore().get(caller.user_id)
    if profile is None:
        raise NotFound("Профиль не найден.")
    readings = ReadingStore()
    link = AskueStore(load_settings(ExportSettings).askue_table).get_link(caller.user_id)
    requests: list[dict[str, Any]] = [
        for_export(item) for item in RequestStore().all_for_user(caller.user_id)
    ]
    return DataExport(
        exported_at=now(),
        profile=profile,
        requests=requests,
        readings=[r.model_dump(mode="json") for r in readings.readings(caller.user_id, None, MAX_READINGS)],
        askue_link=None
        if link is None
        else ExportedAskueLink(login=link.login, state=link.state, linked_at=link.linked_at),
    )
