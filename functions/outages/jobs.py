"""The outages' kind of mail job, `OutageFanout`: what the outage's service and the daily reminder
queue, and what MailFunction's worker tells apart on its queue (functions/auth/mail_worker.py). The
rules that do it are in functions/outages/fanout.py, which the worker imports when a fan-out comes.
"""

import hashlib
from enum import StrEnum
from typing import Literal

from pydantic import Field

from functions.common.mail import MailJob


class FanoutPurpose(StrEnum):
    PUBLISHED = "published"
    CHANGED = "changed"
    ESTIMATE_CHANGED = "estimate_changed"
    WITHDRAWN = "withdrawn"
    REMINDER = "reminder"


class OutageFanout(MailJob):
    """One page of one street of an outage's fan-out."""

    kind: Literal["outage_fanout"] = "outage_fanout"
    outage_id: str = Field(min_length=1, max_length=64)
    version: int = Field(ge=1)
    purpose: FanoutPurpose
    street: int = Field(default=0, ge=0)
    start: str | None = Field(default=None, description="the objects' index key to go on from, as JSON")


def derived_id(*parts: object) -> str:
    return "o" + hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()[:40]
