"""What the Lambda runtime gives a handler, for the local stack and the tests: the context object
and the handler itself, found by its template string (`functions.<domain>.<module>.<name>`)."""

import importlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    """What Lambda passes as `context`: enough for Powertools (the logger)."""

    function_name: str
    memory_limit_in_mb: int = 512
    timeout_ms: int = 15_000

    def __post_init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self.invoked_function_arn = f"arn:aws:lambda:local:123456789012:function:{self.function_name}"
        self.function_version = "$LATEST"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + self.timeout_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@cache
def load_handler(path: str) -> Handler:
    """The function a template's `Handler` names, imported once (as Lambda does per environment)."""
    module, _, name = path.rpartition(".")
    handler: Handler = getattr(importlib.import_module(module), name)
    return handler
