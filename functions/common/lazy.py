"""A module bound now and imported when first used: how a handler names its routes' models without
building them at every cold start.

Why: importing a handler runs at every cold start, and a module of pydantic models costs its models'
build (milliseconds each, and the garbage collections they cause). Powertools reads a route's
signature only when the route first runs (or when the OpenAPI document is built: `Route.dependant`),
and with `from __future__ import annotations` it evaluates the annotations as strings in the route
function's module globals. So a module bound with `lazy_module` can be named in annotations and is
imported only when a route first needs it:

    from __future__ import annotations
    if TYPE_CHECKING:
        from functions.requests import inputs  # mypy sees the real module and types
    else:
        inputs = lazy_module("functions.requests.inputs")

    @app.post(...)
    def post_message(body: Annotated[inputs.CompanyMessage, Body()]) -> Response[str]: ...

What it costs: the module is imported in full at the first read of one of its attributes, by
whichever request first needs it (that request pays what the cold start no longer pays); each later
read is one lookup in `sys.modules` more than a plain module's.

What must never be done at a module's import with a lazy module: read any attribute of it. Any
attribute read (`inputs.LABELS`, a decorator argument `answers(..., inputs.CompanyMessage, ...)`, a
module constant `LABELS = {**inputs.LABELS}`, `isinstance(x, inputs.Y)` in module code) imports the
module on the spot and the saving is gone, silently. Such constants become functions
(`functools.cache`), and a decorator's response model is named through a callable
(functions/common/api.py's `answers_later`). tests/unit/test_cold_imports.py holds which
modules a handler's import leaves out; `make package` counts `lazy_module("…")` as an import of the
module it names (infra/function_code.py), so its name must be a string literal.

Why not the standard library's `importlib.util.LazyLoader`: its module stands in `sys.modules`
unexecuted, and a second thread reading it while the first executes it sees it half-built (CPython
gh-114763, fixed in 2024: not in the 3.11 the local server runs functions on, in threads, nor in
Python 3.12.1). Here the real module is imported by the import system itself, under its per-module
lock, and `sys.modules` never holds a stand-in.
"""

import importlib
import importlib.util
import sys
from types import ModuleType
from typing import Any


class _LazyModule(ModuleType):
    """Stands for the module it is named after; reading an attribute imports that module (once:
    the import system keeps it in `sys.modules`) and reads the attribute there."""

    def __getattr__(self, attr: str) -> Any:  # only for what the stand-in itself lacks: everything
        return getattr(importlib.import_module(self.__name__), attr)


def lazy_module(name: str) -> ModuleType:
    """The module `name` if it is imported already, else a stand-in that imports it at the first
    read of one of its attributes. A module that does not exist is refused now, not at that read."""
    if name in sys.modules:
        return sys.modules[name]
    if importlib.util.find_spec(name) is None:  # imports the parent packages, not `name`
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    return _LazyModule(name)
