"""ErasureFunction: on its schedule, erases the accounts their consumers deleted (152-ФЗ ст. 21 ч. 5:
within 30 days of the withdrawal of consent; the schedule runs daily).

For each profile the sparse index PendingErasure gives (a Query, never a Scan), each domain's store
erases its own part:
- Cognito: the user is deleted (the email, the phone and the password hash with it);
- ASKUE: the link (login and encrypted password) and every snapshot (the login, the meters' data);
- «Мои объекты»: every object (address, лицевой счёт, cadastral number, meters);
- requests: the email, the consumer's texts, the fields that name the person and every file the
  consumer filed (functions/requests/erasure.py); the number, type, status, dates, the choices and
  numbers of the application and the company's history and messages stay, for its records;
- the profile: replaced by a record without personal data that keeps the proof of the consent
  (version, time, text hash) and the times of the withdrawal and the erasure.
Kept without the person: the requests as above and the readings' values, keyed by the Cognito `sub`,
which nothing links to a person once the profile, the user and the objects are gone — 152-ФЗ ст. 9
ч. 2 lets the operator go on processing on the grounds of ст. 6 ч. 1 пп. 2–11 (the contract, the
law). Each step is idempotent: an account whose erasure failed half-way stays pending, is counted
(`ErasuresFailed`, from its log line by a metric filter, alarmed) and is finished by the next run.
"""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict

from functions.auth.store import ProfileStore
from functions.common.clock import now
from functions.common.identity import UserDirectory
from functions.common.settings import load_settings
from functions.common.tracing import tracer

logger = Logger()


class ErasureSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    askue_table: str


def erase_account(user_id: str, at: str) -> None:
    from functions.askue.store import AskueStore
    from functions.objects.store import ObjectStore
    from functions.requests.erasure import erase_requests

    UserDirectory().delete_if_present(user_id)
    askue = AskueStore(load_settings(ErasureSettings).askue_table)
    askue.delete_link(user_id)
    askue.delete_snapshots(user_id)
    ObjectStore().delete_all(user_id)
    erase_requests(user_id)
    ProfileStore().erase(user_id, at)


def erase_due() -> dict[str, int]:
    """Erases every account whose erasure is due; one account's failure does not stop the others."""
    at = now().isoformat()
    erased = failed = 0
    for user_id in ProfileStore().pending_erasure(at):
        try:
            erase_account(user_id, at)
        except Exception:
            logger.exception("account not erased, left for the next run", extra={"user_id": user_id})
            failed += 1
        else:
            logger.info("account erased", extra={"user_id": user_id})
            erased += 1
    return {"erased": erased, "failed": failed}


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    return erase_due()
