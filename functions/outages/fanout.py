"""The fan-out of an outage to the consumers it affects: a job of the mail queue (template.yaml's
MailQueue), done by MailFunction (docs/architecture.md «Outages: the fan-out»).

Publishing, moving or withdrawing an outage writes one outbox item, owing its event and one
`OutageFanout` job (functions/outages/jobs.py) — never a mail per consumer in that transaction (one
outage may reach thousands). The job takes one page of one street: the objects of that street
(`ObjectsByStreet`, one Query of at most `PAGE` objects) whose house the outage names get the outage
on their consumer's page (one PutItem each, or a DeleteItem when it is withdrawn), and their
consumers, when a mail is owed and they take outage mails, a notice each; then it queues the job of
the next page or street. Every job it queues has an id derived from what it does, so a job delivered
again — or done twice after a crash — queues the same jobs again, and the mail worker, which skips a
job id it finished (functions/mail/service.py), mails each consumer once:

- a planned outage: one mail, id from (outage, consumer) — sent when it is published the day before it
  starts or later, or by the daily reminder (functions/outages/reminders.py) the day before;
- an emergency: one mail per restoration estimate, id from (outage, estimate, consumer).
"""

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger

from functions.common.addresses import parse_houses, street_key
from functions.common.clock import moscow_date, now
from functions.common.mail import NoticeJob, queue_mail
from functions.common.russian import date_time
from functions.common.settings import PortalSettings, load_settings
from functions.objects.store import ObjectAtAddress, ObjectStore
from functions.outages.jobs import FanoutPurpose, OutageFanout, derived_id
from functions.outages.models import KIND_TITLES, Outage, OutageKind, OutageStatus
from functions.outages.store import OutageStore

logger = Logger()
PAGE = 100  # objects a job takes: its mails and PutItems stay well inside MailFunction's timeout

# Who of these consumers takes outage mails, and at which address: user id → address. Auth's profiles
# answer it (functions/auth/mail_worker.py gives it); a consumer who turned these mails off in
# «Профиль», was erased or has no profile is not in the answer.
Recipients = Callable[[Sequence[str]], Mapping[str, str]]


def _mail_key(outage: Outage, purpose: FanoutPurpose) -> str | None:
    """What makes a mail of this outage one and the same mail, or None when none is owed now."""
    if outage.status != OutageStatus.PUBLISHED:
        return None
    if outage.kind == OutageKind.PLANNED:
        day_before = moscow_date(outage.starts_at) - timedelta(days=1)
        if purpose == FanoutPurpose.REMINDER or (
            purpose == FanoutPurpose.PUBLISHED and moscow_date(now()) >= day_before
        ):
            return "planned"
        return None
    if purpose == FanoutPurpose.ESTIMATE_CHANGED:
        return f"estimate:{outage.ends_at.isoformat()}"
    return None


def _notice(outage: Outage, to: str, objects: list[ObjectAtAddress], portal_url: str) -> tuple[str, str]:
    names = "; ".join(f"{found.name} (дом {found.house})" for found in objects)
    if outage.kind == OutageKind.PLANNED:
        subject = f"Плановое отключение электроэнергии {date_time(outage.starts_at)}"
        lines = [
            "Здравствуйте!",
            "",
            f"По адресу вашего объекта запланировано отключение электроэнергии: {names}.",
            f"Начало: {date_time(outage.starts_at)}.",
            f"Окончание: {date_time(outage.ends_at)}.",
        ]
    else:
        subject = f"Аварийное отключение: восстановление ожидается {date_time(outage.ends_at)}"
        lines = [
            "Здравствуйте!",
            "",
            f"Изменилось ожидаемое время восстановления электроснабжения: {names}.",
            f"Ожидаемое восстановление: {date_time(outage.ends_at)}.",
        ]
    lines += [
        f"Причина: {outage.reason}.",
        "",
        f"{KIND_TITLES[outage.kind]} и другие отключения: {portal_url}/#/outages",
        "Письма об отключениях можно отключить в личном кабинете, раздел «Профиль».",
    ]
    return subject, "\n".join(lines)


def run(job: OutageFanout, recipients: Recipients) -> str:
    """Does one page of the job's street; queues the next page or street. Returns what it did."""
    store = OutageStore()
    stored = store.outage(job.outage_id)
    if stored is None or job.street >= len(stored.outage.addresses):
        return "nothing to do"
    outage = stored.outage
    street = outage.addresses[job.street]
    houses = parse_houses(street.houses)
    start = json.loads(job.start) if job.start else None
    page = ObjectStore().on_street(street_key(street.settlement, street.street), start, PAGE)
    affected = [found for found in page.objects if houses.covers(found.house)]
    for found in affected:
        if outage.status == OutageStatus.WITHDRAWN:
            store.unmark_consumer(outage.id, found)
        else:
            store.mark_consumer(outage, found)
    mailed = 0
    # A mail of a change is owed while the change is the outage's latest (a later one mails its own).
    latest = outage.version == job.version or job.purpose in (FanoutPurpose.PUBLISHED, FanoutPurpose.REMINDER)
    key = _mail_key(outage, job.purpose) if latest else None
    if key is not None and affected:
        by_consumer: dict[str, list[ObjectAtAddress]] = {}
        for found in affected:
            by_consumer.setdefault(found.user_id, []).append(found)
        addresses = recipients(sorted(by_consumer))
        portal = str(load_settings(PortalSettings).portal_url).rstrip("/")
        for user_id, objects in sorted(by_consumer.items()):
            to = addresses.get(user_id)
            if to is None:
                continue
            subject, text = _notice(outage, to, objects, portal)
            queue_mail(NoticeJob(id=derived_id(outage.id, key, user_id), to=to, subject=subject, text=text))
            mailed += 1
    following = _following(job, page.next_start, len(outage.addresses))
    if following is not None:
        queue_mail(following)
    logger.info(
        "outage fan-out page",
        extra={"outage_id": outage.id, "street": job.street, "objects": len(affected), "mailed": mailed},
    )
    return f"{len(affected)} objects, {mailed} mails"


def _following(job: OutageFanout, next_start: dict[str, Any] | None, streets: int) -> OutageFanout | None:
    if next_start is not None:
        start = json.dumps(next_start, sort_keys=True, default=str)
        return job.model_copy(update={"id": derived_id(job.id, job.street, start), "start": start})
    if job.street + 1 < streets:
        return job.model_copy(
            update={"id": derived_id(job.id, job.street + 1), "street": job.street + 1, "start": None}
        )
    return None
