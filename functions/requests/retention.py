"""How long a closed request is kept (the retention table, functions/common/retention.py): the move
that closes a request sets its `expires_at`, which DynamoDB's TTL reads (template.yaml's
RequestsTable); when the item goes, functions/requests/expiry.py deletes its conversation and files.

- A connection whose contract was concluded (its invoice paid: ПП № 861 п. 15 as
  functions/requests/connection_procedure.py reads it, «не сверено» there) is a primary accounting
  document's subject: kept `CONNECTION_WITH_CONTRACT`'s years after the end of the year it closed in
  (402-ФЗ ст. 29 ч. 1: «после отчётного года»). The portal does not know when the company's contract
  itself ends; a connection contract is performed by the connection, which closes the request.
- A connection that closed without one (refused, withdrawn, annulled, redirected):
  `CONNECTION_WITHOUT_CONTRACT`'s months after it closed.
- Any other request: `OTHER_REQUESTS`' years after it closed.

A request that never closes is never due: it stays until the company closes it (or, for its
consumer's personal data, until the erasure depersonalises it).
"""

from collections.abc import Iterable
from datetime import datetime

from functions.common.retention import Retention, RetentionKind, retention_of
from functions.requests.records import StoredStageMark
from functions.requests.vocabulary import RequestType

CONNECTION = RequestType("connection")
CONTRACT_CONCLUDED = "invoice_paid"  # the stage whose mark means the contract is concluded


def retention_of_request(kind: RequestType, stages: Iterable[StoredStageMark]) -> Retention:
    if kind != CONNECTION:
        return retention_of(RetentionKind.OTHER_REQUESTS)
    if any(mark.code == CONTRACT_CONCLUDED for mark in stages):
        return retention_of(RetentionKind.CONNECTION_WITH_CONTRACT)
    return retention_of(RetentionKind.CONNECTION_WITHOUT_CONTRACT)


def expires_on_closing(kind: RequestType, stages: Iterable[StoredStageMark], closed_at: datetime) -> int:
    """The `expires_at` a request of `kind` with `stages` marked gets when it closes at `closed_at`."""
    return retention_of_request(kind, stages).expires_at(closed_at)
