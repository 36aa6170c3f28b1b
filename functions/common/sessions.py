"""When a consumer's sessions end, and the rule every token of theirs is checked against.

API Gateway's own Cognito authorizer checks a token's signature and expiry only, and Cognito's
global sign-out revokes refresh and access tokens, not ID tokens already handed out: an ID token
would open the API for the rest of its hour after a logout, a password change or a reset. So the
profile keeps the time from which the consumer's tokens are valid (`sessions_valid_from`, whole
seconds since the epoch, as a token's `iat`). Ending the sessions moves it to the next whole second
and waits for that second to begin, so that every token issued before the answer is refused and
every token issued after it is not; the session authorizer (functions/authorizer) refuses a token
whose `iat` is earlier, and any token of a consumer who has no profile (a deleted account).
"""

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from functions.common.dynamo import Table, cancellation_reasons, condition_failed

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


@dataclass(frozen=True)
class SessionOwner:
    """What the authorizer needs of a profile: who it is, where mail goes, which tokens count."""

    user_id: str
    email: str
    sessions_valid_from: int

    def accepts(self, issued_at: int) -> bool:
        return issued_at >= self.sessions_valid_from


class SessionStore:
    """The profile's session attributes (ProfilesTable, keyed by the Cognito `sub`).

    `profiles_table`: the table's name, when the caller read it itself (the session authorizer
    imports no settings model: functions/authorizer/tokens.py); else the portal's settings'."""

    def __init__(self, profiles_table: str | None = None) -> None:
        if profiles_table is None:
            from functions.common.settings import portal_settings

            profiles_table = portal_settings().profiles_table
        self._table = Table(profiles_table)

    def owner(self, user_id: str) -> SessionOwner | None:
        """One strongly consistent GetItem: a session ended a moment ago is seen as ended."""
        item = self._table.get(
            {"user_id": user_id}, consistent=True, projection="user_id, email, sessions_valid_from"
        )
        if not item or "email" not in item:
            return None
        return SessionOwner(
            user_id=str(item["user_id"]),
            email=str(item["email"]),
            sessions_valid_from=int(item.get("sessions_valid_from", 0)),
        )

    def refuse_tokens_before(
        self, user_id: str, valid_from: int, also: Sequence["TransactWriteItemTypeDef"] = ()
    ) -> None:
        """Never moves the time back: a later ending of the sessions is kept.

        `also`, writes of other items (the outbox item of the notice a change of the password owes,
        and the held item it releases: functions/common/held.py), is written in one transaction with
        the time, so that it is recorded exactly when the sessions' end is. It is not written for a
        consumer without a profile, or whose profile has no address any more (erased): nothing is
        owed to a missing address. When a concurrent ending got there first (from this second or a
        later one), the sessions are ended as this call asked, and `also` is written on its own."""
        later = "(attribute_not_exists(sessions_valid_from) OR sessions_valid_from < :t)"
        if not also:
            try:
                self._table.update(
                    {"user_id": user_id},
                    "SET sessions_valid_from = :t",
                    condition=f"attribute_exists(user_id) AND {later}",
                    values={":t": valid_from},
                )
            except ClientError as error:
                if not condition_failed(error):
                    raise
                # No profile (nothing to end) or already ended from this second on.
            return
        update = self._table.update_action(
            {"user_id": user_id},
            "SET sessions_valid_from = :t",
            condition=f"attribute_exists(email) AND {later}",
            values={":t": valid_from},
            old_on_failure=True,
        )
        try:
            self._table.transact([update, *also])
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if not reasons or reasons[0].code != "ConditionalCheckFailed":
                raise
            if "email" in reasons[0].item:  # ended from this second on already: the change stands
                self._table.transact(also)

    def take_login(self, user_id: str, email: str, also: Sequence["TransactWriteItemTypeDef"]) -> bool:
        """The profile's address (where mail goes, what the authorizer hands on) becomes `email`, the
        account's new login, in one transaction with `also` (what the change owes). False when there
        is no profile to change (deleted): nothing is written then."""
        update = self._table.update_action(
            {"user_id": user_id},
            # A new address has no bounce on record (functions/auth/mail_bounces.py marks the old one).
            "SET email = :email REMOVE mail_undeliverable_since",
            condition="attribute_exists(user_id) AND attribute_not_exists(deleted_at)",
            values={":email": email},
        )
        try:
            self._table.transact([update, *also])
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if reasons and reasons[0].code == "ConditionalCheckFailed":
                return False
            raise
        return True


def end_sessions(user_id: str, also: Sequence["TransactWriteItemTypeDef"] = ()) -> None:
    """Ends every session of the consumer: tokens issued before this call returns are refused.

    Cognito first (refresh and access tokens: no new ID token can be obtained), then the profile's
    `sessions_valid_from` (the ID tokens already issued), with `also` in the same transaction
    (`SessionStore.refuse_tokens_before`). At most a second is spent waiting for the new second to
    begin, so that a login right after this call is not refused.
    """
    from functions.common.identity import UserDirectory  # the authorizer, importing this module, needs it not

    UserDirectory().sign_out_everywhere(user_id)
    valid_from = math.floor(time.time()) + 1
    SessionStore().refuse_tokens_before(user_id, valid_from, also)
    remaining = valid_from - time.time()
    if remaining > 0:
        time.sleep(remaining)
