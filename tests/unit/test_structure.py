"""The structure of `functions/`, read from the source with `ast` (never by importing it): domains
that import only downhill (docs/architecture.md «Layers», the picture of the domains' imports), one
definition of each field type, stores that own their items, modules a person can read.

Mail is transport (docs/architecture.md «Mail»): auth may import mail, mail never imports auth —
the handlers that need both (MailFunction's, MailBounceFunction's) live on the auth side.
"""

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ROOT / "functions"
MAX_MODULE_LINES = 600


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


# ---------------------------------------------------------------- every domain


def _modules() -> Iterator[Path]:
    yield from sorted(FUNCTIONS.rglob("*.py"))


def _domain(path: Path) -> str | None:
    parts = path.relative_to(FUNCTIONS).parts
    return parts[0] if len(parts) > 1 else None


def _imported_domains(path: Path) -> set[str]:
    found: set[str] = set()
    source = path.read_text(encoding="utf-8")
    for _, name in imported_modules(source, module_name(path), path.name == "__init__.py"):
        parts = name.split(".")
        if parts[0] == "functions" and len(parts) > 1 and (FUNCTIONS / parts[1]).is_dir():
            found.add(parts[1])
    return found


def domain_imports() -> dict[str, set[str]]:
    """domain → the other domains its modules import (common included)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in _modules():
        domain = _domain(path)
        if domain is not None:
            graph[domain] |= _imported_domains(path) - {domain}
    return graph


def test_common_imports_no_domain() -> None:
    assert domain_imports()["common"] <= set(), "functions/common/ holds what domains share: it imports none"


def test_the_domains_import_only_downhill() -> None:
    graph = domain_imports()
    order: list[str] = []
    visiting: list[str] = []

    def visit(domain: str) -> None:
        if domain in order:
            return
        assert domain not in visiting, f"domains import each other: {' → '.join([*visiting, domain])}"
        visiting.append(domain)
        for lower in sorted(graph.get(domain, ())):
            visit(lower)
        visiting.pop()
        order.append(domain)

    for domain in sorted(graph):
        visit(domain)


def test_mail_is_transport_and_objects_stand_below_readings() -> None:
    graph = domain_imports()
    assert "auth" not in graph["mail"], "the mail worker is transport: auth hands it jobs, not the reverse"
    assert "readings" not in graph["objects"], "«Мои объекты» is below readings: readings may ask objects"


def test_no_module_is_longer_than_a_person_reads() -> None:
    long = {
        path.relative_to(ROOT).as_posix(): lines
        for path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split by role, as functions/requests/ is: {long}"


def _type_aliases(tree: ast.Module) -> Iterator[str]:
    """Module-level names bound to `Annotated[…]` (a field type) or to a regex pattern constant."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            target, value = node.target.id, node.value
        else:
            continue
        if isinstance(value, ast.Subscript) and getattr(value.value, "id", "") == "Annotated":
            yield target


def _patterns(tree: ast.Module) -> Iterator[str]:
    """Every `pattern=` given to a field constraint, and every module constant named *_PATTERN."""
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "pattern" and isinstance(node.value, ast.Constant):
            yield str(node.value.value)
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id.endswith("_PATTERN") for t in node.targets)
            and isinstance(node.value, ast.Constant)
        ):
            yield str(node.value.value)


def test_each_field_type_and_pattern_is_defined_once() -> None:
    aliases: dict[str, list[str]] = defaultdict(list)
    patterns: dict[str, set[str]] = defaultdict(set)
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = path.relative_to(ROOT).as_posix()
        for alias in _type_aliases(tree):
            aliases[alias].append(name)
        for pattern in _patterns(tree):
            patterns[pattern].add(name)
    twice = {alias: where for alias, where in aliases.items() if len(where) > 1}
    assert not twice, f"one field type per concept (functions/common/fields.py): {twice}"
    repeated = {pattern: sorted(where) for pattern, where in patterns.items() if len(where) > 1}
    assert not repeated, f"one pattern per concept, written once: {repeated}"


# ---------------------------------------------------------------- the requests store owns its items

# The modules that hold the requests table's items: everything else gets records (records.py).
REQUEST_STORES = {"store.py", "thread_store.py", "stage_store.py", "records.py", "erasure_store.py"}
# The rules and views of requests, and who else reads requests: none of them sees an item. (The
# pydantic models read `info.data` and files.py reads S3's answers: neither is an item.)
ITEM_FREE = [
    *(
        path
        for path in sorted((FUNCTIONS / "requests").glob("*.py"))
        if path.name not in REQUEST_STORES | {"inputs.py", "type_fields.py", "files.py"}
    ),
    FUNCTIONS / "auth" / "erasure.py",
    *sorted((FUNCTIONS / "integration").glob("*.py")),
]
MAX_RAW_READS = 5


def _reads(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """`x["name"]` and `x.get("name", …)`: a read of an attribute by its name, with its line."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            if isinstance(node.slice.value, str):
                yield node.lineno, node.slice.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def test_no_one_but_the_requests_store_reads_its_items() -> None:
    # The attributes of the requests table's items: every name the stores themselves read.
    attributes = {
        name
        for store in REQUEST_STORES
        for _, name in _reads(ast.parse((FUNCTIONS / "requests" / store).read_text(encoding="utf-8")))
    }
    assert {"pk", "sk", "email", "status", "history"} <= attributes  # the check sees the stores' reads
    raw = [
        f"{path.relative_to(ROOT)}:{line} reads {name!r}"
        for path in ITEM_FREE
        for line, name in _reads(ast.parse(path.read_text(encoding="utf-8")))
        if name in attributes
    ]
    assert len(raw) <= MAX_RAW_READS, "a store speaks records (functions/requests/records.py):\n" + "\n".join(
        raw
    )


def test_no_key_format_of_the_requests_table_outside_its_stores() -> None:
    prefixes = ("USER#", "REQUEST#", "THREAD#", "IDEMPOTENCY#", "UPLOAD#", "COUNTER#")
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in ITEM_FREE
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(prefixes)
    ]
    assert not found, found
