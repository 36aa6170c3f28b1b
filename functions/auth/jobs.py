"""Auth's jobs on the mail queue, told apart by `kind` (what each does: functions/auth/account_jobs.py).

A registration carries what the consumer sent, as validated by the API (validated again when read: a
job holds only what the API accepts); a support reset and a forgotten password carry the address; an
email change the consumer and the new address. None carries a password or a code: MailFunction
generates them. The mail queue's own kind, the notice (a finished text), is functions/common/mail.py's.
"""

from typing import Literal

from pydantic import Field

from functions.auth.models import Registration
from functions.common.fields import Email
from functions.common.mail import MailJob


class RegisterJob(MailJob):
    """Create the account and mail its password; for a known address, mail that it is registered."""

    kind: Literal["register"] = "register"
    registration: Registration


class ResetPasswordJob(MailJob):
    """Support reset the password: set a new generated one, end every session, mail it."""

    kind: Literal["reset_password"] = "reset_password"
    email: Email


class ResetCodeJob(MailJob):
    """«Забыли пароль?»: if the address is registered, make a reset code, keep its hash, mail it."""

    kind: Literal["reset_code"] = "reset_code"
    email: Email


class EmailCodeJob(MailJob):
    """A change of the email: make a code, keep its hash with the new address, mail it there."""

    kind: Literal["email_code"] = "email_code"
    user_id: str = Field(min_length=1, max_length=64)
    new_email: Email
