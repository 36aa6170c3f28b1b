"""SnapStart: what a function loads before Lambda snapshots it, and what it renews after a restore.

The functions a consumer waits on (template.yaml: `SnapStart` on the session authorizer,
AuthFunction, RequestsFunction, ReadingsFunction, AskueFunction) are initialised once per published
version; Lambda then runs the hooks registered with `register_before_snapshot`, snapshots the
environment, and resumes every new environment from that snapshot, running the
`register_after_restore` hooks first. What a function loads on its first request (clients, the
email and phone validators, `holidays`, Powertools' models of each route, the X-Ray SDK) would be paid again
after every restore, so `prime` loads it before the snapshot instead (AWS's SnapStart guidance:
prime before the snapshot).

`snapshot_restore_py` comes with Lambda's Python runtimes (it is not packaged). Without it (locally,
in tests) or without SnapStart (Lambda runs before-snapshot hooks only when it takes a snapshot),
nothing runs: a cold start still loads only what its first request needs (benchmarks/coldstart.py).

Nothing a hook loads opens a connection to AWS (no AWS call is made before the snapshot: a
connection would be stale in every restored copy), so no connection needs renewing after a restore.
The one request made before a snapshot is the session authorizer's read of the user pool's public
signing keys (functions/authorizer/handler.py), over a connection closed when it is read. What must
differ between restored copies is randomness: `functions/common/aws.py` reseeds `random` after each
restore (uuid and secrets read the OS's entropy at each call).
"""

import codecs
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from functions.common.tracing import tracer

if TYPE_CHECKING:  # the session authorizer primes with this module and imports no event handler
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver


def before_snapshot(step: Callable[[], object]) -> None:
    """Runs `step` before Lambda snapshots this environment (with SnapStart only)."""
    try:
        from snapshot_restore_py import register_before_snapshot
    except ImportError:
        return
    register_before_snapshot(step)


def after_restore(step: Callable[[], object]) -> None:
    """Runs `step` in every environment restored from the snapshot, before its first request."""
    try:
        from snapshot_restore_py import register_after_restore
    except ImportError:
        return
    register_after_restore(step)


def load_routes(app: "APIGatewayRestResolver") -> None:
    """What Powertools builds on each route's first request: the models of its parameters, body and
    answer (`Route.dependant`, `Route.body_field`: pydantic TypeAdapters, and the modules a handler
    binds lazily for them: functions/common/lazy.py), the request validation middleware it puts in
    front of every route, and the fields' labels its first refusal gathers."""
    from functions.common.api import resolver_labels

    routes: list[Any] = app._static_routes + app._dynamic_routes
    for route in routes:
        _ = route.dependant, route.body_field
    resolver_labels(app)


def prime(app: "APIGatewayRestResolver", *loads: Callable[[], object]) -> None:
    """Before the snapshot: every route of `app` (`load_routes`), then each of `loads` (the
    function's clients, settings, validators: what its requests would load lazily)."""
    prime_loads(lambda: load_routes(app), *loads)


def prime_loads(*loads: Callable[[], object]) -> None:
    """Before the snapshot: each of `loads` (a function without an event handler: the session
    authorizer)."""

    def load_everything() -> None:
        # The first connection of a client encodes its host name with this codec (encodings.idna,
        # stringprep): a lookup, no connection.
        codecs.lookup("idna")
        # The X-Ray SDK (functions/common/tracing.py): a restored copy's sampled requests need it.
        tracer.load()
        for load in loads:
            load()

    before_snapshot(load_everything)
