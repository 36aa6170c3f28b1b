"""Accounts: registration (queued), login, refresh, logout, profile, password change and reset.

A registration is validated here and queued as one job on the mail queue (functions/auth/jobs.py):
the same single SQS call whatever the address, so neither the answer nor its time tells whether the
address is registered, and SES being down changes nothing for the caller. MailFunction creates the
account and mails its password, or mails a known address that it is registered already
(functions/auth/account_jobs.py).
"""

from aws_lambda_powertools import Logger

from functions.auth import mails, reset_codes
from functions.auth.deletion import close_account, record_deletion
from functions.auth.jobs import EmailCodeJob, RegisterJob, ResetCodeJob
from functions.auth.models import (
    AccountDeletion,
    ConsentAcceptance,
    ConsentText,
    EmailChange,
    EmailChangeConfirmation,
    IndividualRegistration,
    LegalRegistration,
    LoginRequest,
    PasswordChange,
    PasswordReset,
    PolicyOutput,
    PolicySection,
    ProfileChange,
    ProfileOutput,
)
from functions.auth.policy import (
    CONSENT_TEXTS,
    CURRENT_CONSENT_VERSION,
    POLICY_VERSION,
    consent_text_sha256,
    normalized,
    operator_settings,
    policy_sections,
)
from functions.auth.store import (
    DELETED_BY_CONSUMER,
    EMAIL_CODE,
    NoProfile,
    ProfileStore,
    ResetCode,
    ResetCodeStore,
    ResetCodeUnusable,
)
from functions.common import russian
from functions.common.caller import Caller
from functions.common.clock import now
from functions.common.errors import InvalidInput, NotFound, TryLater, invalid_field
from functions.common.held import HeldKind, HeldNotice, HeldNotices
from functions.common.identity import AccountExists, Tokens, UserDirectory
from functions.common.mail import MailQueueUnavailable, NoticeJob, queue_mail
from functions.common.outbox import OutboxEntry, outbox_put
from functions.common.sessions import end_sessions

logger = Logger()

QUEUE_RETRY_AFTER_SECONDS = 60


def _notice(to: str, mail: tuple[str, str]) -> OutboxEntry:
    """What a change of the account owes: its notice (subject, text) to `to`, through the outbox
    (functions/common/outbox.py): written with the change, so that it is mailed whatever SQS does."""
    subject, text = mail
    return OutboxEntry.owing(mails=[NoticeJob(to=to, subject=subject, text=text)])


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


def policy() -> PolicyOutput:
    operator = operator_settings()
    return PolicyOutput(
        version=POLICY_VERSION,
        operator_name=operator.operator_name,
        operator_address=operator.operator_address,
        operator_inn=operator.operator_inn,
        personal_data_officer=operator.personal_data_officer,
        personal_data_officer_contact=operator.personal_data_officer_contact,
        storage_place=operator.place(),
        sections=[
            PolicySection(title=s.title, paragraphs=list(s.paragraphs)) for s in policy_sections(operator)
        ],
        consent=ConsentText(
            version=CURRENT_CONSENT_VERSION,
            text=normalized(CONSENT_TEXTS[CURRENT_CONSENT_VERSION]),
            sha256=consent_text_sha256(CURRENT_CONSENT_VERSION),
        ),
    )


def log_in(request: LoginRequest) -> Tokens:
    return UserDirectory().log_in(request.email, request.password)


def refresh(refresh_token: str) -> Tokens:
    return UserDirectory().refresh(refresh_token)


def log_out(caller: Caller) -> None:
    end_sessions(caller.user_id)


def profile(caller: Caller) -> ProfileOutput:
    found = ProfileStore().get(caller.user_id)
    if found is None:
        raise NotFound("Профиль не найден.")
    return found


def accept_consent(caller: Caller, acceptance: ConsentAcceptance) -> ProfileOutput:
    """The consumer accepts the consent text in force after it changed (152-ФЗ ст. 9 ч. 1: consent
    to the text shown; ч. 4: the operator proves it): recorded like the first consent (version, time,
    SHA-256 of the text). Accepting the version already recorded changes nothing (a retry)."""
    store = ProfileStore()
    current = store.get(caller.user_id)
    if current is None:
        raise NotFound("Профиль не найден.")
    version = acceptance.consent_version
    if current.consent_text_version == version:
        return current
    at = now()
    try:
        store.record_consent(caller.user_id, current, version, at.isoformat(), consent_text_sha256(version))
    except NoProfile:
        raise NotFound("Профиль не найден.") from None
    logger.info("consent accepted", extra={"user_id": caller.user_id, "version": version})
    found = store.get(caller.user_id)
    if found is None:
        raise NotFound("Профиль не найден.")
    return found


def delete_account(caller: Caller, deletion: AccountDeletion) -> None:
    """Withdrawal of consent (152-ФЗ ст. 9 ч. 2) and deletion of the account, confirmed by the
    password: the account cannot log in from this answer on (Cognito disables it, every session
    ends) and is marked for erasure, which functions/auth/erasure.py does on its schedule, within
    30 days (ст. 21 ч. 5). The address is told by mail. Each step is idempotent: a retry after an
    AWS failure (503) finishes it (functions/auth/deletion.py, the steps support's deletion shares)."""
    # A retry after a 503 finds the deletion recorded and the account perhaps disabled already (its
    # password then opens nothing): the deletion asked for is finished without asking it again.
    if not ProfileStore().deletion_requested(caller.user_id):
        UserDirectory().check_password(caller.user_id, deletion.password, field="password")
        try:
            record_deletion(caller.user_id, caller.email, DELETED_BY_CONSUMER, now())
        except NoProfile:
            raise NotFound("Профиль не найден.") from None
    close_account(caller.user_id)
    logger.info("account deleted, pending erasure", extra={"user_id": caller.user_id})


_CHANGED_FIELDS = {
    "phone": "телефон",
    "full_name": "ФИО",
    "org_name": "название организации",
    "outage_mails": "письма об отключениях",
}


def change_profile(caller: Caller, change: ProfileChange) -> ProfileOutput:
    """Changes the phone and the name the consumer's category has; mails the account's address."""
    changes = change.changed()
    if not changes:
        raise InvalidInput(
            "Нечего изменять",
            "Укажите новый телефон, ФИО, название организации или выбор писем об отключениях.",
        )
    store = ProfileStore()
    current = store.get(caller.user_id)
    if current is None:
        raise NotFound("Профиль не найден.")
    wrong_name = "org_name" if current.category == "individual" else "full_name"
    if wrong_name in changes:
        raise invalid_field(
            wrong_name,
            "У физического лица меняется ФИО, а не название организации."
            if current.category == "individual"
            else "У юридического лица меняется название организации, а не ФИО.",
        )
    # Only what differs is written and mailed about: a form sends every field it shows.
    changes = {name: value for name, value in changes.items() if getattr(current, name) != value}
    if not changes:
        return current
    fields = [_CHANGED_FIELDS[name] for name in _CHANGED_FIELDS if name in changes]
    owed = _notice(current.email, mails.profile_changed(fields, russian.date_time(now())))
    try:
        store.change(caller.user_id, current.category, changes, outbox_put(owed))
    except NoProfile:
        raise NotFound("Профиль не найден.") from None
    logger.info("profile changed", extra={"user_id": caller.user_id, "fields": sorted(changes)})
    return current.model_copy(update=changes)


def _password_notices(user_id: str, login: str, code_hash: str | None = None) -> HeldNotice:
    """The notice a password set owes, held before the set (functions/common/held.py): the one
    mailed once the change is recorded, and the one mailed if nobody can tell whether it was made."""
    when = russian.date_time(now())
    return HeldNotice(
        kind=HeldKind.PASSWORD,
        user_id=user_id,
        login=login,
        confirmed=_notice(login, mails.password_changed(when)),
        unsure=_notice(login, mails.password_change_unconfirmed(when)),
        code_hash=code_hash,
    )


def _held_for_code(kind: HeldKind, user_id: str, code: str) -> HeldNotice | None:
    """The change an earlier attempt confirmed with this code, used the code up and did not finish
    (stopped, or its answer lost): its held notice, when the code is its code (an attempt spent)."""
    notices = HeldNotices()
    held = notices.find(kind, user_id)
    if held is None or held.code_hash is None or not notices.spend_attempt(held, reset_codes.MAX_ATTEMPTS):
        return None
    return held if reset_codes.matches(user_id, code, held.code_hash, held.new_login) else None


def _finish_set_password(user_id: str, new_password: str) -> bool:
    """A retry of a password change or reset whose password was set but not recorded (the function
    stopped after the set, or its answer was lost): the first attempt's notice is still held and the
    new password opens the account. The sessions end and the notice is released now, as the first
    attempt would have done; True then. False when there is nothing to finish."""
    notices = HeldNotices()
    held = notices.find(HeldKind.PASSWORD, user_id)
    if held is None:
        return False
    try:
        UserDirectory().check_password(user_id, new_password)
    except InvalidInput:
        return False
    end_sessions(user_id, notices.release(held, held.confirmed))
    logger.info("password change finished by its retry", extra={"user_id": user_id})
    return True


def change_password(caller: Caller, change: PasswordChange) -> None:
    directory = UserDirectory()
    try:
        directory.check_password(caller.user_id, change.old_password)
    except InvalidInput:
        if _finish_set_password(caller.user_id, change.new_password):
            return
        raise
    # The notice is held before the change (a change made and then not recorded still owes it) and
    # released by the write that records it, the profile's sessions_valid_from: owed exactly when
    # the change stands (functions/common/held.py).
    notices = HeldNotices()
    held = _password_notices(caller.user_id, caller.email)
    notices.hold(held)
    try:
        directory.set_password(caller.user_id, change.new_password)
    except Exception as error:
        notices.cancel_unless_known(held, error)
        raise
    try:
        end_sessions(caller.user_id, notices.release(held, held.confirmed))
    except Exception:
        # The sessions must end with the change (docs/architecture.md §4): if they cannot (AWS
        # failing), the old password is put back and the change is refused as a whole (503), so
        # that the consumer's retry — with the same old password — does it all. Should that fail
        # too, the new password stays, its notice held for the retry or the sweeper.
        logger.exception("sessions not ended: password change undone", extra={"user_id": caller.user_id})
        directory.set_password(caller.user_id, change.old_password)
        notices.cancel(held)
        raise
    logger.info("password changed", extra={"user_id": caller.user_id})


_CODE_REFUSED = (
    "Код неверен или устарел. Проверьте код из последнего письма или запросите новый («Забыли пароль?»)."
)


def request_reset_code(email: str) -> None:
    """«Забыли пароль?»: one SQS call whatever the address, so neither the answer nor its time tells
    whether it is registered; MailFunction mails a code to a registered one
    (functions/auth/account_jobs.py)."""
    job = ResetCodeJob(email=email)
    try:
        queue_mail(job)
    except MailQueueUnavailable:
        raise TryLater(
            "Смена пароля временно недоступна",
            "Не удалось отправить код. Повторите попытку через минуту.",
            retry_after=QUEUE_RETRY_AFTER_SECONDS,
        ) from None
    logger.info("reset code queued", extra={"job_id": job.id})


def _put_back(codes: ResetCodeStore, user_id: str, code: ResetCode) -> None:
    logger.exception("mailed code not used up (AWS failing): put back", extra={"user_id": user_id})
    codes.restore(user_id, code)


def reset_password(reset: PasswordReset) -> None:
    """Sets the new password if the mailed code is right, and ends every session.

    An unknown address, no code, an expired one, one whose attempts are spent and a wrong one are
    refused alike (no answer tells whether the address is registered). Each check spends an attempt
    before comparing; the right code is removed before the password is set, so it works once. If
    the code cannot be removed, the password cannot be set or the sessions cannot end (AWS failing),
    the code is put back as it was (that attempt uncounted) and the answer is a 503, so that the
    consumer's retry with the same code does it all. The new password is set before the sessions
    end: ending them first would leave a moment in which the old password opens a new session.
    """
    refused = invalid_field("code", _CODE_REFUSED)
    directory = UserDirectory()
    account = directory.find(reset.email)
    if account is None:
        raise refused
    codes = ResetCodeStore()
    try:
        waiting = codes.spend_attempt(account.user_id, int(now().timestamp()), reset_codes.MAX_ATTEMPTS)
    except ResetCodeUnusable:
        # Used up by an attempt that stopped before recording the reset: its retry with the same
        # code finishes it.
        held = _held_for_code(HeldKind.PASSWORD, account.user_id, reset.code)
        if held is None:
            raise refused from None
        _set_password_recorded(held, reset.new_password, undo_when_refused=False)
        logger.info("password reset finished by its retry", extra={"user_id": account.user_id})
        return
    if not reset_codes.matches(account.user_id, reset.code, waiting.code_hash):
        logger.info("wrong reset code", extra={"user_id": account.user_id, "attempt": waiting.attempts + 1})
        raise refused
    # The notice is held before the code is used (functions/common/held.py): a retry with the same
    # code finds it, and the last write, the profile's sessions_valid_from, releases it.
    held = _password_notices(account.user_id, reset.email, waiting.code_hash)
    if not _hold_and_use(codes, held, waiting):
        raise refused  # used by a concurrent reset a moment ago
    try:
        _set_password_recorded(held, reset.new_password, undo_when_refused=True)
    except Exception:
        _put_back(codes, account.user_id, waiting)
        raise
    logger.info("password reset with a mailed code", extra={"user_id": account.user_id})


def _hold_and_use(codes: ResetCodeStore, held: HeldNotice, waiting: ResetCode) -> bool:
    """Holds the change's notice, then uses the code up; False when the code was used meanwhile by
    another attempt (nothing is held then). A use whose answer was lost (the SDK's retry then finds
    the code gone) is told from another's by the held item: still this attempt's, it was ours. Any
    failure puts the code back as it was (that attempt uncounted) and cancels the held notice."""
    notices = HeldNotices()
    try:
        notices.hold(held)
        try:
            codes.use(held.user_id, waiting.code_hash)
        except ResetCodeUnusable:
            mine = notices.find(held.kind, held.user_id)
            if mine is not None and mine.id == held.id:
                return True
            notices.cancel(held)
            return False
    except Exception:
        _put_back(codes, held.user_id, waiting)
        notices.cancel(held)
        raise
    return True


def _set_password_recorded(held: HeldNotice, new_password: str, *, undo_when_refused: bool) -> None:
    """Sets the password, then records it: the sessions end with the held notice released. When
    Cognito refuses the set, the held notice is cancelled if `undo_when_refused` (the code is put
    back for a retry) and kept otherwise (the code is spent: the held item is what a retry goes on
    with); when nobody can tell, or the sessions cannot end, it is kept for the retry or the sweeper."""
    notices = HeldNotices()
    try:
        UserDirectory().set_password(held.user_id, new_password)
    except Exception as error:
        if undo_when_refused:
            notices.cancel_unless_known(held, error)
        raise
    end_sessions(held.user_id, notices.release(held, held.confirmed))


def request_email_change(caller: Caller, change: EmailChange) -> None:
    """The first step of a new login: the current password confirms that the owner asks (a session
    left open on a shared computer must not be enough to take the account), and a code is queued
    for the new address — one SQS call whatever the address, so the answer tells nothing about
    whether another account uses it (MailFunction tells that address's owner instead of mailing a
    code: functions/auth/account_jobs.py). The code, its lifetime, attempts and the per-address hourly
    limit are the forgotten password's (functions/auth/reset_codes.py)."""
    if change.new_email.casefold() == caller.email.casefold():
        raise invalid_field(
            "new_email", "Это и есть текущий адрес электронной почты учётной записи: укажите другой адрес."
        )
    UserDirectory().check_password(caller.user_id, change.password, field="password")
    job = EmailCodeJob(user_id=caller.user_id, new_email=change.new_email)
    try:
        queue_mail(job)
    except MailQueueUnavailable:
        raise TryLater(
            "Смена адреса электронной почты временно недоступна",
            "Не удалось отправить код. Повторите попытку через минуту.",
            retry_after=QUEUE_RETRY_AFTER_SECONDS,
        ) from None
    logger.info("email code queued", extra={"job_id": job.id, "user_id": caller.user_id})


_EMAIL_CODE_REFUSED = (
    "Код неверен или устарел. Проверьте код из последнего письма на новый адрес или запросите новый код."
)
_EMAIL_TAKEN = (
    "Этот адрес уже занят другой учётной записью: адрес электронной почты не изменён. Укажите другой адрес."
)


def confirm_email_change(caller: Caller, confirmation: EmailChangeConfirmation) -> str:
    """Makes the new address the login if the code mailed to it is right; returns the address.

    The code is checked as a forgotten password's is (an attempt spent first, removed before the
    change, put back if AWS fails so that the retry with the same code does it all). Then every
    session ends, under the old address: the tokens were issued to the old login, and the consumer
    logs in again with the new one (ending them after the change would leave Cognito unable to find
    the sessions by the old name). Then Cognito's `email` (verified: the code proved it), then the
    profile's address, then a mail to the old address. An address taken meanwhile by another account
    is refused on `code` — the requester proved the mailbox is theirs, so saying so reveals nothing.
    """
    refused = invalid_field("code", _EMAIL_CODE_REFUSED)
    codes = ResetCodeStore(EMAIL_CODE)
    try:
        waiting = codes.spend_attempt(caller.user_id, int(now().timestamp()), reset_codes.MAX_ATTEMPTS)
    except ResetCodeUnusable:
        # Used up by an attempt that stopped before recording the change: its retry finishes it.
        held = _held_for_code(HeldKind.LOGIN, caller.user_id, confirmation.code)
        if held is None or held.new_login is None:
            raise refused from None
        _change_login_recorded(held)
        logger.info("email change finished by its retry", extra={"user_id": caller.user_id})
        return held.new_login
    new_email = waiting.to
    code = confirmation.code
    if new_email is None or not reset_codes.matches(caller.user_id, code, waiting.code_hash, new_email):
        logger.info("wrong email code", extra={"user_id": caller.user_id, "attempt": waiting.attempts + 1})
        raise refused
    # The notice to the old address is held before the code is used and released by the write that
    # records the change, the profile's address (functions/common/held.py): a retry with the same
    # code finds it, and a change the function did not finish is finished by the sweeper.
    held = HeldNotice(
        kind=HeldKind.LOGIN,
        user_id=caller.user_id,
        login=caller.email,
        new_login=new_email,
        confirmed=_notice(caller.email, mails.email_changed(new_email, russian.date_time(now()))),
        code_hash=waiting.code_hash,
    )
    if not _hold_and_use(codes, held, waiting):
        raise refused
    try:
        _change_login_recorded(held)
    except AccountExists:
        raise invalid_field("code", _EMAIL_TAKEN) from None
    except Exception:
        _put_back(codes, caller.user_id, waiting)
        raise
    logger.info("email changed with a code mailed to the new address", extra={"user_id": caller.user_id})
    return new_email


def _change_login_recorded(held: HeldNotice) -> None:
    """Every session ends, under the old login; Cognito's `email` becomes the new one (verified: the
    code proved it); then the profile's address, with the held notice to the old address released.
    An address taken meanwhile by another account (AccountExists) and a change Cognito refused
    cancel the held notice; when nobody can tell, it is kept (the sweeper finishes the change). When
    the profile cannot be written, the old login is put back: nothing changed (503)."""
    if held.new_login is None:
        raise ValueError("a held login change names the new login")
    notices = HeldNotices()
    directory = UserDirectory()
    try:
        end_sessions(held.user_id)
        directory.change_email(held.user_id, held.new_login)
    except AccountExists:
        notices.cancel(held)
        raise
    except Exception as error:
        notices.cancel_unless_known(held, error)
        raise
    try:
        ProfileStore().change_email(held.user_id, held.new_login, notices.release(held, held.confirmed))
    except Exception:
        # The login and the profile's address must agree (the authorizer hands the profile's on).
        directory.change_email(held.user_id, held.login)
        notices.cancel(held)
        raise
