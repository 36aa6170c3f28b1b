"""CognitoAccountsFunction: ends the portal's sessions of an account disabled or deleted in Cognito
directly — by an operator in the AWS console or the CLI, not through the portal.

The portal ends sessions itself when it disables or deletes an account (functions/common/sessions.py),
but Cognito's own AdminDisableUser and AdminDeleteUser revoke only refresh and access tokens: an ID
token already handed out would open the API until it expires (an hour), because the session
authorizer refuses a token only by the profile's `sessions_valid_from`. CloudTrail records both calls
(the console makes the same API calls), and EventBridge delivers them from the account's default bus
(template.yaml's rule: `source` aws.cognito-idp, `detail-type` "AWS API Call via CloudTrail", this
pool, no `errorCode`). This function moves the profile's `sessions_valid_from` to the next whole
second, so the session authorizer refuses every token issued before it.

Whose account: CloudTrail gives the target user's `sub` as `additionalEventData.sub`, and the
`username` the caller typed as `requestParameters.username` — the `sub` in the console (this pool's
usernames are subs; the email is its sign-in alias), the `sub` or the email from the CLI. Without a
`sub` in the event, Cognito is asked (AdminGetUser) whose the name is; a deleted user named by a
`sub` is that `sub`. An account named only by an email Cognito no longer knows cannot be found (the
profiles are keyed by `sub`, and no path scans): the function fails, so its Errors alarm asks an
operator to end the sessions by hand (README, «Security»).
"""

import math
import re
import time
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.identity import UserDirectory
from functions.common.sessions import SessionStore
from functions.common.tracing import tracer

logger = Logger()

# The CloudTrail events of Cognito calls that end an account's use (template.yaml's rule names these).
ENDING_CALLS = frozenset({"AdminDisableUser", "AdminDeleteUser"})
# A Cognito `sub` (a UUID): the name the console gives a user of this pool.
_SUB = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class UnknownAccount(Exception):
    """The event names an account whose `sub` nothing can tell: its sessions must be ended by hand."""


@dataclass(frozen=True)
class AccountEnded:
    """One successful AdminDisableUser or AdminDeleteUser of the pool, as CloudTrail recorded it."""

    call: str
    user_pool_id: str
    username: str
    sub: str | None


def account_ended(detail: dict[str, Any]) -> AccountEnded | None:
    """The call a CloudTrail event's `detail` records, if it ended an account (None otherwise: another
    call, or one Cognito refused)."""
    if detail.get("eventName") not in ENDING_CALLS or detail.get("errorCode"):
        return None
    parameters = detail.get("requestParameters") or {}
    username = str(parameters.get("username") or "")
    if not username:
        return None
    sub = (detail.get("additionalEventData") or {}).get("sub")
    return AccountEnded(
        call=str(detail["eventName"]),
        user_pool_id=str(parameters.get("userPoolId", "")),
        username=username,
        sub=str(sub) if sub else None,
    )


def whose(ended: AccountEnded) -> str:
    """The `sub` of the account the call ended."""
    if ended.sub:
        return ended.sub
    account = UserDirectory().find(ended.username)  # AdminGetUser: a disabled user is still there
    if account is not None:
        return account.user_id
    if _SUB.match(ended.username.lower()):
        return ended.username.lower()  # deleted, named by its sub
    raise UnknownAccount(ended.call)


def end_portal_sessions(user_id: str) -> None:
    """Every token of the account issued before the next whole second is refused (nothing to end
    when the portal has no profile of it: the condition of `refuse_tokens_before`)."""
    SessionStore().refuse_tokens_before(user_id, math.floor(time.time()) + 1)


@tracer.capture_lambda_handler(capture_response=False)
@event_source(data_class=EventBridgeEvent)
@logger.inject_lambda_context
def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, str]:
    ended = account_ended(dict(event.detail))
    if ended is None:
        return {"outcome": "ignored"}
    try:
        user_id = whose(ended)
    except UnknownAccount:
        # The username is an email here: not logged (personal data), the call and the event id are.
        logger.error(
            "account ended in Cognito not found: end its sessions by hand",
            extra={"call": ended.call, "event_id": event.get_id},
        )
        raise
    end_portal_sessions(user_id)
    logger.info("sessions ended after a Cognito call", extra={"call": ended.call, "user_id": user_id})
    return {"outcome": "sessions_ended", "user_id": user_id}
