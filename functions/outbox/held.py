"""Settling a held notice its function left behind (functions/common/held.py): what the sweeper does
with one held for longer than `HOLD_FOR`, when the function that held it is long gone and no retry
finished it.

- A login change: the consumer confirmed it with the code mailed to the new address, so it is carried
  out: unless Cognito has the new login already, the sessions end under the old one and Cognito takes
  the new one; then the profile takes the new address with the notice to the old one, in one
  transaction, as the function would have. An address another account took meanwhile, or an
  account or profile gone, owes nothing.
- A password set: nobody can read a password back, so nobody can tell whether it was set. The
  consumer's sessions end (as a password change ends them) with the notice that says the change was
  begun and not confirmed (`unsure`): owed either way, true either way.
"""

from functions.common.held import HeldKind, HeldNotice, HeldNotices
from functions.common.identity import AccountExists, UserDirectory
from functions.common.sessions import SessionStore, end_sessions


def settle(pk: str) -> str:
    """Settles the held item `pk`; what became of it: confirmed, cancelled, unsure, or gone (released,
    cancelled or settled meanwhile). Raises when AWS fails: the item stays, for the next run."""
    notices = HeldNotices()
    held = notices.get(pk)
    if held is None:
        return "gone"
    if held.kind is HeldKind.LOGIN:
        return _settle_login(notices, held)
    entry = held.unsure or held.confirmed
    end_sessions(held.user_id, notices.release(held, entry))
    # No profile with an address (erased meanwhile): the sessions are ended and nothing is owed.
    notices.cancel(held)
    return "unsure"


def _settle_login(notices: HeldNotices, held: HeldNotice) -> str:
    directory = UserDirectory()
    if SessionStore().owner(held.user_id) is None:  # no profile with an address: erased, deleted
        notices.cancel(held)
        return "cancelled"
    login, new_login = directory.login_of(held.user_id), held.new_login
    if login is None or new_login is None:
        notices.cancel(held)
        return "cancelled"
    if login.casefold() != new_login.casefold():
        end_sessions(held.user_id)
        try:
            directory.change_email(held.user_id, new_login)
        except AccountExists:
            notices.cancel(held)
            return "cancelled"
    if SessionStore().take_login(held.user_id, new_login, notices.release(held, held.confirmed)):
        return "confirmed"
    notices.cancel(held)
    return "cancelled"
