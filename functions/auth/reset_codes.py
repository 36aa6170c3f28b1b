"""Mailed codes: of the self-service password reset («Забыли пароль?») and of the change of the
email (mailed to the new address; the same making, lifetime, attempts and per-address limit).

The portal makes its own codes rather than using Cognito's ForgotPassword: Cognito would mail its
own text from its own sender (or need a custom sender Lambda trigger with a KMS key to mail ours),
and the portal's mail goes through one queue, one sender and one per-address limit
(docs/architecture.md «Identity and sessions → Forgotten password»).

A code is 6 random digits, lives `CODE_LIFETIME` and may be tried `MAX_ATTEMPTS` times; at most
`MailsPerAddressPerHour` codes are mailed to an address an hour (the mail ledger), so at most
3 × 5 guesses an hour among a million codes. Only its SHA-256 with the consumer's `sub` is stored:
the code is never in the table, its backups, a log or the queue (MailFunction makes it and mails it).
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from functions.auth.models import RESET_CODE_DIGITS

CODE_LIFETIME = timedelta(minutes=15)
MAX_ATTEMPTS = 5


def new_code() -> str:
    return f"{secrets.randbelow(10**RESET_CODE_DIGITS):0{RESET_CODE_DIGITS}d}"


def code_hash(user_id: str, code: str, new_email: str | None = None) -> str:
    """The stored hash; an email change's code is bound to the new address it was mailed to."""
    purpose = "reset-code" if new_email is None else f"email-code|{new_email}"
    return hashlib.sha256(f"{purpose}|{user_id}|{code}".encode()).hexdigest()


def matches(user_id: str, code: str, stored_hash: str, new_email: str | None = None) -> bool:
    return hmac.compare_digest(code_hash(user_id, code, new_email), stored_hash)
