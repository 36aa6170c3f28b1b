"""A module bound now and executed when first used: how a handler names its routes' models without
building them at every cold start.

Why: importing a handler runs at every cold start, and a module of pydantic models costs its models'
build (milliseconds each, and the garbage collections they cause). Powertools reads a route's
signature only when the route first runs (or when the OpenAPI document is built: `Route.dependant`),
and with `from __future__ import annotations` it evaluates the annotations as strings in the route
function's module globals. So a module bound with `lazy_module` can be named in annotations and is
executed only when a route first needs it:

    from __future__ import annotations
    if TYPE_CHECKING:
        from functions.requests import inputs  # mypy sees the real module and types
    else:
        inputs = lazy_module("functions.requests.inputs")

    @app.post(...)
    def post_message(body: Annotated[inputs.CompanyMessage, Body()]) -> Response[str]: ...

What it costs: the module is executed in full at its first attribute read, by whichever request first
needs it (the first request of such a route pays what the cold start no longer pays); functions with
SnapStart prime it before the snapshot as before.

What must never be done at a module's import with a lazy module: read any attribute of it. Any
attribute read (`inputs.LABELS`, a decorator argument `answers(..., inputs.CompanyMessage, ...)`, a
module constant `LABELS = {**inputs.LABELS}`, `isinstance(x, inputs.Y)` in module code) executes the
module on the spot and the saving is gone, silently. Such constants become functions
(`functools.cache`), and a decorator's response model is named through a callable
(functions/integration/access.py's `answers_later`). tests/unit/test_cold_imports.py holds which
modules a handler's import leaves out.
"""

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module `name`: the one imported already if it is, else a module that the standard
    library's `importlib.util.LazyLoader` executes at the first read of one of its attributes.
    It is registered in `sys.modules` (and on its package) as an import would, so a later
    `import name` or `from name import x` anywhere gets this same module."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)  # imports the parent packages (their __init__), not `name`
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)  # only arms the module: its code runs at the first attribute read
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module
