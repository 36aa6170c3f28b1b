"""Accounts: registration (queued), login, refresh, logout, profile, password change.

A registration is validated here and queued as one job (functions/mail): the same single SQS call
whatever the address, so neither the answer nor its time tells whether the address is registered,
and SES being down changes nothing for the caller. MailFunction creates the account and mails its
password, or mails a known address that it is registered already (functions/mail/service.py).
"""

from aws_lambda_powertools import Logger

from functions.auth import mails
from functions.auth.models import (
    IndividualRegistration,
    LegalRegistration,
    LoginRequest,
    PasswordChange,
    ProfileOutput,
)
from functions.auth.store import ProfileStore
from functions.common import russian
from functions.common.api import Caller
from functions.common.clock import now
from functions.common.errors import NotFound, TryLater
from functions.common.identity import Tokens, UserDirectory
from functions.common.mail import MailQueueUnavailable, queue_mail, queue_notice
from functions.common.sessions import end_sessions
from functions.mail.models import RegisterJob

logger = Logger()

QUEUE_RETRY_AFTER_SECONDS = 60


def register(registration: IndividualRegistration | LegalRegistration) -> None:
    """Queues the registration: the answer is 202 for a new and a known address alike."""
    job = RegisterJob(registration=registration)
    try:
        queue_mail(job)
    except MailQueueUnavailable:
        raise TryLater(
            "Регистрация временно недоступна",
            "Не удалось принять заявку на регистрацию. Повторите попытку через минуту.",
            retry_after=QUEUE_RETRY_AFTER_SECONDS,
        ) from None
    logger.info("registration queued", extra={"job_id": job.id, "category": registration.category})


def log_in(request: LoginRequest) -> Tokens:
    return UserDirectory().log_in(request.email, request.password)


def refresh(refresh_token: str) -> Tokens:
    return UserDirectory().refresh(refresh_token)


def log_out(caller: Caller) -> None:
    end_sessions(caller.user_id, caller.email)


def profile(caller: Caller) -> ProfileOutput:
    found = ProfileStore().get(caller.user_id)
    if found is None:
        raise NotFound("Профиль не найден.")
    return found


def change_password(caller: Caller, change: PasswordChange) -> None:
    directory = UserDirectory()
    directory.check_password(caller.email, change.old_password)
    directory.set_password(caller.user_id, change.new_password)
    try:
        end_sessions(caller.user_id, caller.email)
    except Exception:
        # The sessions must end with the change (docs/architecture.md §4): if they cannot (AWS
        # failing), the old password is put back and the change is refused as a whole (503), so
        # that the consumer's retry — with the same old password — does it all. Should that fail
        # too, the new password stays, and the answer still says nothing was done.
        logger.exception("sessions not ended: password change undone", extra={"user_id": caller.user_id})
        directory.set_password(caller.user_id, change.old_password)
        raise
    logger.info("password changed", extra={"user_id": caller.user_id})
    # The password has changed: the answer says so (204) even if the notice cannot be queued.
    try:
        queue_notice(caller.email, *mails.password_changed(russian.date_time(now())))
    except MailQueueUnavailable:
        logger.error("password-changed notice not queued", extra={"user_id": caller.user_id})
