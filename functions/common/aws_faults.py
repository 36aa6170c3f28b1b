"""Which AWS failures pass: what the SDK's retries (functions/common/aws.py) retried and a later call
may not meet. The API answers them 503 with Retry-After (functions/common/api.py); anything else an
AWS call raises is a fault of the portal (500).
"""

from botocore.exceptions import BotoCoreError, ClientError, ConnectionError, HTTPClientError

# What botocore's standard retry mode takes for a passing fault (botocore.retries.standard), and
# what the portal therefore answers «try again in a minute»: throttling and AWS's own failures.
_THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
_TRANSIENT_CODES = frozenset(
    {
        "RequestTimeout",
        "RequestTimeoutException",
        "PriorRequestNotComplete",
        "InternalError",
        "InternalFailure",
    }
    | {"InternalServerError", "InternalServerException", "ServiceUnavailable", "ServiceUnavailableException"}
)
# A TransactWriteItems cancelled because another transaction held an item (TransactionConflict) is
# as passing as a throttled call; cancelled by a failed condition it is not.
_TRANSIENT_CANCELLATIONS = frozenset(
    {"ThrottlingError", "ProvisionedThroughputExceeded", "TransactionConflict"}
)


def is_transient(error: BaseException) -> bool:
    """True when an AWS call failed in a way that a later call may not: throttled, AWS failing on its
    side (5xx), no connection or no answer in time. Everything else (a refused request, a condition
    that failed) is not, and stays what it was."""
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        if code == "TransactionCanceledException":
            reasons = {str(r.get("Code")) for r in error.response.get("CancellationReasons", []) or []}
            return bool(reasons & _TRANSIENT_CANCELLATIONS) and reasons <= _TRANSIENT_CANCELLATIONS | {"None"}
        return code in _THROTTLING_CODES or code in _TRANSIENT_CODES or status >= 500
    return isinstance(error, ConnectionError | HTTPClientError) or (
        isinstance(error, BotoCoreError) and "timeout" in type(error).__name__.lower()
    )
