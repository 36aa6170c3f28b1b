"""Accounts: registration with a mailed password, login, refresh, logout, profile, password change."""

from http import HTTPStatus

from aws_lambda_powertools import Logger

from functions.auth import mails
from functions.auth.models import (
    CONSENT_TEXT_VERSION,
    IndividualRegistration,
    LegalRegistration,
    LoginRequest,
    PasswordChange,
    ProfileOutput,
)
from functions.auth.store import ProfileStore
from functions.common.api import Caller
from functions.common.clock import now
from functions.common.identity import AccountExists, Tokens, UserDirectory, generate_password
from functions.common.mail import send_mail
from functions.common.problems import Problem, not_found
from functions.common.sessions import end_sessions

logger = Logger()


def register(registration: IndividualRegistration | LegalRegistration) -> None:
    """Creates the account and mails its password; a known email only gets a mail saying so.

    Both outcomes look the same to the caller, so the API never tells who is registered.
    """
    directory = UserDirectory()
    password = generate_password()
    try:
        user_id = directory.create(registration.email, registration.phone, password)
    except AccountExists:
        logger.info("registration of a known email")
        send_mail(registration.email, *mails.already_registered(registration.email))
        return

    at = now()
    name = (
        registration.full_name if isinstance(registration, IndividualRegistration) else registration.org_name
    )
    profile = ProfileOutput(
        user_id=user_id,
        category=registration.category,
        full_name=registration.full_name if isinstance(registration, IndividualRegistration) else None,
        org_name=registration.org_name if isinstance(registration, LegalRegistration) else None,
        email=registration.email,
        phone=registration.phone,
        consent_given_at=at,
        consent_text_version=CONSENT_TEXT_VERSION,
        registered_at=at,
    )
    store = ProfileStore()
    try:
        store.create(profile)
        send_mail(registration.email, *mails.welcome(name, registration.email, password))
    except Exception:
        # Without the mail the consumer could never log in: undo, so that registering again works.
        logger.exception("registration undone")
        store.delete(user_id)
        directory.delete(user_id)
        raise Problem(
            HTTPStatus.SERVICE_UNAVAILABLE,
            "Регистрация не завершена",
            "Не удалось отправить письмо с паролем. Повторите регистрацию через несколько минут.",
        ) from None
    logger.info("consumer registered", extra={"user_id": user_id, "category": registration.category})


def log_in(request: LoginRequest) -> Tokens:
    return UserDirectory().log_in(request.email, request.password)


def refresh(refresh_token: str) -> Tokens:
    return UserDirectory().refresh(refresh_token)


def log_out(caller: Caller) -> None:
    end_sessions(caller.user_id, caller.email)


def profile(caller: Caller) -> ProfileOutput:
    found = ProfileStore().get(caller.user_id)
    if found is None:
        raise not_found("Профиль не найден.")
    return found


def change_password(caller: Caller, change: PasswordChange) -> None:
    directory = UserDirectory()
    directory.check_password(caller.email, change.old_password)
    directory.set_password(caller.user_id, change.new_password)
    end_sessions(caller.user_id, caller.email)
    send_mail(caller.email, *mails.password_changed(now().strftime("%d.%m.%Y %H:%M")))
    logger.info("password changed", extra={"user_id": caller.user_id})
