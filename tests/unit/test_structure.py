"""The structure of `functions/`: which package may import which, read from the source with `ast`
(never by importing it).

Mail is transport (docs/architecture.md «Mail»): auth may import mail, mail never imports auth —
the handlers that need both (MailFunction's, MailBounceFunction's) live on the auth side.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ROOT / "functions"


def module_name(path: Path) -> str:
    """`functions/mail/worker.py` → `functions.mail.worker`; a package's `__init__.py` is the package."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> Iterator[tuple[int, str]]:
    """Every module the source of `module` imports, as an absolute name, with its line: `import a.b`,
    `from a.b import c` (both `a.b` and `a.b.c`, which may be a module: `from functions import auth`),
    relative imports resolved against `module`, imports under `if TYPE_CHECKING:` too, and
    `importlib.import_module("…")` / `__import__("…")` with a literal name."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                imported = ".".join([*base, *([node.module] if node.module else [])])
            else:
                imported = node.module or ""
            yield node.lineno, imported
            for alias in node.names:
                yield node.lineno, f"{imported}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Name) and node.func.id in {"import_module", "__import__"})
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def imports_of_package(importer: str, imported: str) -> list[str]:
    """`file:line imports module` for every import of `imported` (or a module under it) by a module of
    the package `importer` (both dotted: `functions.mail`, `functions.auth`)."""
    found = []
    for path in sorted(ROOT.joinpath(*importer.split(".")).rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for line, name in imported_modules(source, module_name(path), path.name == "__init__.py"):
            if name == imported or name.startswith(f"{imported}."):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return found


def test_mail_imports_nothing_of_auth() -> None:
    """Mail is transport: a domain hands it jobs (functions/mail/service.py's `JobKind`) and markers of
    undeliverable addresses (functions/mail/bounces.py's `Marker`); mail never reaches back."""
    assert (FUNCTIONS / "mail" / "worker.py").is_file()  # the package is where the check looks

    assert imports_of_package("functions.mail", "functions.auth") == []


@pytest.mark.parametrize(
    "source",
    [
        "import functions.auth",
        "import functions.auth.store as store",
        "from functions.auth import jobs",
        "from functions.auth.store import ProfileStore",
        "from functions import auth",
        "from functions import common, auth as a",
        "from ..auth import jobs",
        "from .. import auth",
        "if TYPE_CHECKING:\n    from functions.auth.models import ProfileOutput",
        "def later():\n    from functions.auth import store",
        "import importlib\nimportlib.import_module('functions.auth.account_jobs')",
    ],
)
def test_every_way_of_importing_auth_is_seen(source: str) -> None:
    names = [name for _, name in imported_modules(source, "functions.mail.worker")]

    assert any(name == "functions.auth" or name.startswith("functions.auth.") for name in names), names


@pytest.mark.parametrize(
    "source",
    [
        "from functions.common.mail import MailJob",
        "from functions import authorizer",
        "import functions.authx",
        "from . import store",
        "from .store import MailLedger",
    ],
)
def test_what_is_not_auth_is_not_taken_for_it(source: str) -> None:
    names = [name for _, name in imported_modules(source, "functions.mail.worker")]

    assert not any(name == "functions.auth" or name.startswith("functions.auth.") for name in names), names
