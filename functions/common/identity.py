"""Consumer accounts in the Cognito user pool, the only place that talks to Cognito.

Cognito hashes passwords, enforces the policy (at least 6 characters), issues and revokes tokens and
locks out repeated wrong passwords. The consumer logs in with the email (the pool's username
attribute); every admin call names the account by its immutable `sub` (the pool's username), never
by an email: a `sub` names the same account whatever its attributes became (docs/architecture.md,
«Identity and sessions»).
"""

import secrets
import string
from dataclasses import dataclass
from datetime import datetime

from botocore.exceptions import ClientError

from functions.common.aws import cognito
from functions.common.errors import (
    CHECK_INPUT,
    DomainError,
    FieldError,
    TooManyAttempts,
    Unauthorized,
    invalid_field,
)
from functions.common.settings import portal_settings

# No look-alike characters (0/O, 1/l/I): the consumer types this password from a mail.
_PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
GENERATED_PASSWORD_LENGTH = 14


def generate_password() -> str:
    """A random password of 14 characters with upper and lower case letters and digits."""
    while True:
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(GENERATED_PASSWORD_LENGTH))
        if (
            any(c.islower() for c in password)
            and any(c.isupper() for c in password)
            and any(c.isdigit() for c in password)
        ):
            return password


@dataclass(frozen=True)
class Tokens:
    id_token: str
    access_token: str
    refresh_token: str | None
    expires_in: int


class AccountExists(Exception):
    """The email is registered already."""


class UnknownAccount(Exception):
    """No account has this email."""


class RefusedAccount(Exception):
    """Cognito refuses the username or an attribute (InvalidParameterException): no retry will help."""


@dataclass(frozen=True)
class Account:
    user_id: str  # the `sub`
    created_at: datetime


_WRONG_CREDENTIALS = "Неверный адрес электронной почты или пароль."
_WRONG_OLD_PASSWORD = "Старый пароль указан неверно."  # noqa: S105 (a message, not a secret)  # nosec B105
_WRONG_PASSWORD = "Пароль указан неверно."  # noqa: S105 (a message, not a secret)  # nosec B105
_TOO_MANY_ATTEMPTS = "Слишком много неудачных попыток входа. Подождите несколько минут и попробуйте снова."


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _password_refusal(error: ClientError, wrong_password: DomainError) -> DomainError:
    """Cognito's refusal of a password as the consumer should read it; other errors go on up."""
    message = str(error.response.get("Error", {}).get("Message", ""))
    if _code(error) == "NotAuthorizedException" and "attempts exceeded" in message.lower():
        return TooManyAttempts("Вход временно заблокирован", _TOO_MANY_ATTEMPTS)
    if _code(error) in ("NotAuthorizedException", "UserNotFoundException"):
        return wrong_password
    raise error


class UserDirectory:
    """The user pool seen from the portal: create, authenticate, set passwords, sign out."""

    def __init__(self) -> None:
        settings = portal_settings()
        self._pool = settings.user_pool_id
        self._client = settings.user_pool_client_id

    def create(self, email: str, phone_e164: str, password: str) -> str:
        """Creates a confirmed account with a permanent password; returns its `sub`."""
        try:
            created = cognito().admin_create_user(
                UserPoolId=self._pool,
                Username=email,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "phone_number", "Value": phone_e164},
                ],
                MessageAction="SUPPRESS",  # the portal mails its own Russian letter
            )
        except ClientError as error:
            if _code(error) in ("UsernameExistsException", "AliasExistsException"):
                raise AccountExists(email) from error
            if _code(error) == "InvalidParameterException":
                raise RefusedAccount(_code(error)) from error
            raise
        user_id = next(a["Value"] for a in created["User"].get("Attributes", []) if a["Name"] == "sub")
        try:
            self.set_password(user_id, password)
        except Exception:
            self.delete(user_id)
            raise
        return user_id

    def delete(self, user_id: str) -> None:
        cognito().admin_delete_user(UserPoolId=self._pool, Username=user_id)

    def delete_if_present(self, user_id: str) -> None:
        try:
            self.delete(user_id)
        except ClientError as error:
            if _code(error) != "UserNotFoundException":
                raise

    def find(self, email: str) -> Account | None:
        """The account whose login is `email`, or None."""
        try:
            user = cognito().admin_get_user(UserPoolId=self._pool, Username=email)
        except ClientError as error:
            if _code(error) == "UserNotFoundException":
                return None
            raise
        sub = next(a["Value"] for a in user.get("UserAttributes", []) if a["Name"] == "sub")
        return Account(user_id=sub, created_at=user["UserCreateDate"])

    def login_of(self, user_id: str) -> str | None:
        """The account's login (its email) as the pool has it now, or None when there is no account."""
        try:
            user = cognito().admin_get_user(UserPoolId=self._pool, Username=user_id)
        except ClientError as error:
            if _code(error) == "UserNotFoundException":
                return None
            raise
        return next((a["Value"] for a in user.get("UserAttributes", []) if a["Name"] == "email"), None)

    def set_password(self, user_id: str, password: str) -> None:
        """Sets a permanent password of the account `user_id` (its `sub`)."""
        try:
            cognito().admin_set_user_password(
                UserPoolId=self._pool, Username=user_id, Password=password, Permanent=True
            )
        except ClientError as error:
            if _code(error) == "UserNotFoundException":
                raise UnknownAccount(user_id) from error
            if _code(error) == "InvalidPasswordException":
                raise invalid_field(
                    "new_password", "Пароль не подходит: он должен содержать не меньше 6 символов."
                ) from error
            raise

    def log_in(self, email: str, password: str) -> Tokens:
        try:
            result = cognito().initiate_auth(
                ClientId=self._client,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": password},
            )
        except ClientError as error:
            wrong = Unauthorized(
                CHECK_INPUT, _WRONG_CREDENTIALS, [FieldError(field="password", message=_WRONG_CREDENTIALS)]
            )
            raise _password_refusal(error, wrong) from error
        return self._tokens(result.get("AuthenticationResult", {}))

    def check_password(self, user_id: str, password: str, field: str = "old_password") -> None:
        """Refuses with a field error on `field` unless `password` is the one of the account `user_id`
        (its `sub`: the pool's username, which AdminInitiateAuth takes as it takes the email alias)."""
        try:
            cognito().admin_initiate_auth(
                UserPoolId=self._pool,
                ClientId=self._client,
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": user_id, "PASSWORD": password},
            )
        except ClientError as error:
            message = _WRONG_OLD_PASSWORD if field == "old_password" else _WRONG_PASSWORD
            raise _password_refusal(error, invalid_field(field, message)) from error

    def refresh(self, refresh_token: str) -> Tokens:
        try:
            result = cognito().initiate_auth(
                ClientId=self._client,
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters={"REFRESH_TOKEN": refresh_token},
            )
        except ClientError as error:
            if _code(error) in ("NotAuthorizedException", "InvalidParameterException"):
                raise Unauthorized(
                    "Сессия завершена", "Сессия истекла или завершена: войдите снова."
                ) from error
            raise
        return self._tokens(result.get("AuthenticationResult", {}))

    def change_email(self, user_id: str, email: str) -> None:
        """The login becomes `email`, verified (the consumer typed the code mailed to it): the pool
        identifies users by email (template.yaml's `UsernameAttributes: [email]`), so the old
        address no longer logs in. Raises AccountExists when another account has the address."""
        try:
            cognito().admin_update_user_attributes(
                UserPoolId=self._pool,
                Username=user_id,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                ],
            )
        except ClientError as error:
            if _code(error) in ("AliasExistsException", "UsernameExistsException"):
                found = self.find(email)
                if found is not None and found.user_id == user_id:
                    return  # the account's own address already (a retry after a failure)
                raise AccountExists(email) from error
            raise

    def disable(self, user_id: str) -> None:
        """The account can no longer log in (AdminDisableUser); its data stays until it is erased."""
        try:
            cognito().admin_disable_user(UserPoolId=self._pool, Username=user_id)
        except ClientError as error:
            if _code(error) != "UserNotFoundException":
                raise

    def sign_out_everywhere(self, user_id: str) -> None:
        """Revokes every refresh and access token of the account `user_id` (its `sub`).

        By `sub`, not by the profile's email: were the pool's `email` rewritten behind the portal's
        back, a sign-out by the old address would find no user and end nothing. Cognito ends every
        session of the user whatever name it was opened under (infra/moto_patches.py makes moto do
        the same).
        """
        try:
            cognito().admin_user_global_sign_out(UserPoolId=self._pool, Username=user_id)
        except ClientError as error:
            if _code(error) != "UserNotFoundException":
                raise
            # No account any more: no session of it can be open.

    @staticmethod
    def _tokens(result: object) -> Tokens:
        data = dict(result)  # type: ignore[call-overload]
        return Tokens(
            id_token=data["IdToken"],
            access_token=data["AccessToken"],
            refresh_token=data.get("RefreshToken"),
            expires_in=int(data.get("ExpiresIn", 3600)),
        )
