"""Auth's jobs on the mail queue (functions/auth/jobs.py): what MailFunction does with each.

Mail's worker (functions/mail/worker.py) runs them as the kinds registered here (`ACCOUNT_JOBS`;
functions/auth/mail_worker.py puts them together): it does a job once (its ledger remembers finished
jobs) and hands each the mail ledger. Registrations, resets and codes mail an address at most
`MailsPerAddressPerHour` times an hour (`MailLedger.allow` counts them, a job once however often it
is delivered); past that a job is dropped, logged — the registrant got the same 202 as everyone, so
nothing is revealed.

A registration creates the Cognito account and its profile, then mails the password; when the mail
fails (SES refusing), both are removed again and the job fails, so its retry starts afresh. A run
that died half-way (the Lambda timed out) leaves an account whose profile is missing or was made by
this very job: its retry removes that leftover instead of telling the address it is registered.
A support reset sets a new generated password, ends every session and mails it; if the mail fails
the retry sets another one. A forgotten password gets a reset code (functions/auth/reset_codes.py),
its hash kept in the profile. Passwords and codes exist only here, never on the queue nor in a log.
"""

from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from functions.auth import mails, reset_codes
from functions.auth.erasure_schedule import ERASURE_RUNS_EVERY
from functions.auth.jobs import EmailCodeJob, RegisterJob, ResetCodeJob, ResetPasswordJob
from functions.auth.models import (
    IndividualRegistration,
    LegalRegistration,
    ProfileOutput,
)
from functions.auth.policy import consent_text_sha256
from functions.auth.store import EMAIL_CODE, ProfileStore, ResetCode, ResetCodeStore
from functions.common import russian
from functions.common.clock import now
from functions.common.identity import (
    AccountExists,
    RefusedAccount,
    UnknownAccount,
    UserDirectory,
    generate_password,
)
from functions.common.metrics import BusinessMetric, count
from functions.common.sessions import end_sessions
from functions.mail.sender import send_mail
from functions.mail.service import JobKind
from functions.mail.store import MailLedger

logger = Logger()

# An account younger than this may still be in the making by another run of a job (MailFunction's
# Timeout is 30 s): it is never taken for a leftover.
LEFTOVER_AGE = timedelta(minutes=2)


class JobNotReady(Exception):
    """Another run may be making or undoing the address's account right now: try the job later."""


def _register(job: RegisterJob, ledger: MailLedger) -> str:
    registration = job.registration
    email = registration.email
    if not ledger.allow(email, job.id, job.requested_at):
        logger.warning("registration over the per-address mail limit: dropped", extra={"job_id": job.id})
        return "over_limit"
    directory, store = UserDirectory(), ProfileStore()
    password = generate_password()
    try:
        try:
            user_id = directory.create(email, registration.phone, password)
        except AccountExists:
            if not _remove_own_leftover(directory, store, job):
                return _known(email, directory, store, job)
            user_id = directory.create(email, registration.phone, password)
    except RefusedAccount:
        # The API's validation should have refused the address; retrying would not help.
        logger.error("registration refused by Cognito: dropped", extra={"job_id": job.id})
        return "refused"
    try:
        store.create(_profile(user_id, job), registration_job=job.id)
        send_mail(email, *mails.welcome(email, password))
    except Exception:
        # Without the mail the consumer could never log in: undo, so that the retry starts afresh.
        logger.exception("registration undone, to be retried", extra={"job_id": job.id})
        store.delete(user_id)
        directory.delete(user_id)
        raise
    logger.info("consumer registered", extra={"user_id": user_id, "category": registration.category})
    count(BusinessMetric.REGISTRATIONS)
    return "registered"


def _known(email: str, directory: UserDirectory, store: ProfileStore, job: RegisterJob) -> str:
    """A registration of an address that has an account: its owner is told, by mail — that it is
    registered («Забыли пароль?» works), or that its account was deleted and when the address is
    free again (the erasure, functions/auth/erasure.py, deletes the Cognito user: then it registers)."""
    account = directory.find(email)
    deleted = store.deleted_at(account.user_id) if account is not None else None
    if deleted is not None:
        send_mail(email, *_deleted_mail(email, deleted))
        logger.info("registration of a deleted account's email", extra={"job_id": job.id})
        return "deleted"
    send_mail(email, *mails.already_registered(email))
    logger.info("registration of a known email", extra={"job_id": job.id})
    return "known"


def _deleted_mail(email: str, deleted: datetime) -> tuple[str, str]:
    erased_by = max(deleted, now()) + ERASURE_RUNS_EVERY
    return mails.deleted_account(email, russian.date_time(deleted), russian.date_time(erased_by))


def _remove_own_leftover(directory: UserDirectory, store: ProfileStore, job: RegisterJob) -> bool:
    """True when the address's account was a leftover of an unfinished run (now removed); False when
    it is a consumer's account. Raises JobNotReady when another run may still be at it."""
    account = directory.find(job.registration.email)
    if account is None:
        raise JobNotReady("the account went away meanwhile")
    exists, made_by = store.made_by(account.user_id)
    if exists and made_by != job.id:
        return False
    if now() - account.created_at < LEFTOVER_AGE:
        raise JobNotReady("the account is being made")
    logger.warning("unfinished registration removed", extra={"user_id": account.user_id, "job_id": job.id})
    store.delete(account.user_id)
    directory.delete(account.user_id)
    return True


def _profile(user_id: str, job: RegisterJob) -> ProfileOutput:
    registration = job.registration
    return ProfileOutput(
        user_id=user_id,
        category=registration.category,
        full_name=registration.full_name if isinstance(registration, IndividualRegistration) else None,
        org_name=registration.org_name if isinstance(registration, LegalRegistration) else None,
        email=registration.email,
        phone=registration.phone,
        consent_given_at=job.requested_at,
        consent_text_version=registration.consent_version,
        consent_text_sha256=consent_text_sha256(registration.consent_version),
        registered_at=job.requested_at,
    )


def _reset_password(job: ResetPasswordJob, ledger: MailLedger) -> str:
    # The integration API counted the job already (and answered 429 past the limit): this is the
    # same job, so it passes unless the count was lost.
    if not ledger.allow(job.email, job.id, job.requested_at):
        logger.warning("support reset over the per-address mail limit: dropped", extra={"job_id": job.id})
        return "over_limit"
    directory = UserDirectory()
    password = generate_password()
    # Support names the account by its address; Cognito is then called by the account's `sub`.
    account = directory.find(job.email)
    try:
        if account is None:
            raise UnknownAccount(job.email)
        directory.set_password(account.user_id, password)
    except UnknownAccount:
        logger.warning("support reset of an account that is gone: dropped", extra={"job_id": job.id})
        return "unknown"
    end_sessions(account.user_id)  # every session of the account ends, its ID tokens included
    send_mail(job.email, *mails.password_reset(job.email, password))
    logger.info("password reset by support", extra={"job_id": job.id})
    return "reset"


def _reset_code(job: ResetCodeJob, ledger: MailLedger) -> str:
    """A forgotten password: a new code for a registered address, mailed; nothing for an unknown one.

    The API answered 202 whatever the address (functions/auth/service.py); past the address's mail
    limit, or for an address nobody registered, the job is dropped and nothing tells the caller.
    A redelivered job (the mail failed) makes a new code, replacing the one never mailed.
    """
    if not ledger.allow(job.email, job.id, job.requested_at):
        logger.warning("reset code over the per-address mail limit: dropped", extra={"job_id": job.id})
        return "over_limit"
    account = UserDirectory().find(job.email)
    code = reset_codes.new_code()
    expires_at = now() + reset_codes.CODE_LIFETIME
    deleted = ProfileStore().deleted_at(account.user_id) if account is not None else None
    if deleted is not None:
        send_mail(job.email, *_deleted_mail(job.email, deleted))
        logger.info("reset code for a deleted account: told so", extra={"job_id": job.id})
        return "deleted"
    if account is None or not ResetCodeStore().put(
        account.user_id,
        ResetCode(
            code_hash=reset_codes.code_hash(account.user_id, code), expires_at=int(expires_at.timestamp())
        ),
    ):
        logger.info("reset code for an unknown address: dropped", extra={"job_id": job.id})
        return "unknown"
    send_mail(job.email, *mails.reset_code(code, russian.date_time(expires_at)))
    logger.info("reset code mailed", extra={"job_id": job.id})
    return "code_sent"


def _email_code(job: EmailCodeJob, ledger: MailLedger) -> str:
    """A change of the email: a code for the new address, its hash kept (bound to that address) in
    the consumer's profile, mailed there. The API answered 202 without looking the address up
    (functions/auth/service.py): an address another account logs in with gets no code but a mail
    saying so — only its owner learns that it is taken — and the requester waits for a code in vain.
    Past the address's hourly mail limit the job is dropped.
    """
    if not ledger.allow(job.new_email, job.id, job.requested_at):
        logger.warning("email code over the per-address mail limit: dropped", extra={"job_id": job.id})
        return "over_limit"
    if UserDirectory().find(job.new_email) is not None:
        send_mail(job.new_email, *mails.email_taken(job.new_email))
        logger.info("email change to an address in use: its owner told", extra={"job_id": job.id})
        return "address_taken"
    code = reset_codes.new_code()
    expires_at = now() + reset_codes.CODE_LIFETIME
    waiting = ResetCode(
        code_hash=reset_codes.code_hash(job.user_id, code, job.new_email),
        expires_at=int(expires_at.timestamp()),
        to=job.new_email,
    )
    if not ResetCodeStore(EMAIL_CODE).put(job.user_id, waiting):
        logger.info("email code for a deleted account: dropped", extra={"job_id": job.id})
        return "unknown"
    send_mail(job.new_email, *mails.email_code(code, russian.date_time(expires_at)))
    logger.info("email code mailed", extra={"job_id": job.id})
    return "code_sent"


# Auth's kinds of mail job, for MailFunction's worker (functions/auth/mail_worker.py).
ACCOUNT_JOBS: tuple[JobKind[Any], ...] = (
    JobKind(RegisterJob, _register),
    JobKind(ResetPasswordJob, _reset_password),
    JobKind(ResetCodeJob, _reset_code),
    JobKind(EmailCodeJob, _email_code),
)
