"""X-Ray tracing of every function (template.yaml: `Tracing: Active`), built when it has something to record.

Lambda records each invocation's segment by itself (init, invocation, overhead). Powertools' Tracer,
the X-Ray SDK, adds the handler's subsegment (annotated `ColdStart` and `Service`) and one for each
AWS call (botocore) and other outgoing HTTP call (http.client: the ASKUE connector, the user pool's
public keys). Importing the SDK and patching what it patches costs about 12 ms of CPU (17 ms with
every library it knows patched), paid by a handler's import when the Tracer was made there
(benchmarks/coldstart.py). So `tracer` builds the Tracer:

- not at import, but on the first invocation that X-Ray samples: Lambda gives each invocation its
  trace header in `_X_AMZN_TRACE_ID` (read by the SDK itself), and an invocation whose header says
  `Sampled=0` would send nothing through the SDK (its subsegments are dummies), so it runs without
  it; from the first sampled invocation on, every invocation runs through the Tracer;
- before the snapshot in the functions with SnapStart (functions/common/snapstart.py primes it), so
  a restored environment has it;
- patching only what the functions call (`PATCHED`), not every library the SDK knows
  (`patch_all` also imports and patches sqlite3 and looks for a dozen database drivers).

Outside Lambda (tests, `make run`) no trace header comes, so the SDK is never imported, as
Powertools' Tracer disables itself there anyway.
"""

import functools
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

# What the functions call out to: AWS through botocore, and plain HTTP(S) through http.client
# (urllib3's connections are http.client's; the SDK leaves botocore's own to its botocore patch).
PATCHED = ("botocore", "httplib")
TRACE_HEADER = "_X_AMZN_TRACE_ID"

Handler = TypeVar("Handler", bound=Callable[..., Any])


def sampled() -> bool:
    """Whether X-Ray samples this invocation (Lambda's trace header for it says `Sampled=1`)."""
    header = os.environ.get(TRACE_HEADER, "")
    return "Sampled=1" in header.split(";")


class LazyTracer:
    """Powertools' Tracer of this function, made when first needed (see the module's docstring)."""

    def __init__(self) -> None:
        self._tracer: Tracer | None = None
        self._invoked = False

    @property
    def built(self) -> bool:
        return self._tracer is not None

    def load(self) -> "Tracer":
        """The Tracer, built now if it is not yet (imports the X-Ray SDK and patches `PATCHED`)."""
        if self._tracer is None:
            from aws_lambda_powertools import Tracer

            self._tracer = Tracer(patch_modules=PATCHED)
            if self._invoked:
                # Powertools annotates `ColdStart` on the first invocation it sees: this one is not.
                from aws_lambda_powertools.tracing import tracer as powertools_tracer

                powertools_tracer.is_cold_start = False
        return self._tracer

    def capture_lambda_handler(self, capture_response: bool) -> Callable[[Handler], Handler]:
        """Powertools' `Tracer.capture_lambda_handler`, once a sampled invocation (or the snapshot's
        priming) has built the Tracer; until then the handler runs as it is."""

        def decorate(handler: Handler) -> Handler:
            traced: Callable[..., Any] | None = None

            @functools.wraps(handler)
            def run(event: Any, context: Any) -> Any:
                nonlocal traced
                if traced is None and (self.built or sampled()):
                    traced = self.load().capture_lambda_handler(handler, capture_response=capture_response)
                self._invoked = True
                return handler(event, context) if traced is None else traced(event, context)

            return run  # type: ignore[return-value]

        return decorate


# The function's one Tracer (each Lambda environment imports one handler).
tracer = LazyTracer()
