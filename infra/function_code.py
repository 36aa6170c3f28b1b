"""What each function of `template.yaml` runs: its own modules, the imports it takes from outside, and
the AWS clients it builds — read from the source (AST), never by importing it.

`make package` ships exactly this code per function, the cold-start benchmark builds exactly these
clients on both sides of its comparison, and the tests check both against the template.

Every `import` counts wherever it is written (a lazy import inside a function is still code the
function may run), except those under `if TYPE_CHECKING:`, which never run; a module bound lazily,
`lazy_module("functions.x.y")` (functions/common/lazy.py, its name a string literal), counts as its
import. A module that reads files of the repository names them in a module-level
`PACKAGED_FILES = ("docs/openapi.json", ...)` (paths relative to the project root, string literals):
they are shipped with the function at the same place.
"""

import ast
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from infra.template import ROOT, load_template, resources

PACKAGE = "functions"
AWS_MODULE = "functions.common.aws"
# What Lambda's Python runtime provides itself: imported where it exists, never packaged.
RUNTIME_PROVIDED = frozenset({"snapshot_restore_py"})
# A module's tuple of the repository's files it reads (relative to the root), shipped with its function.
PACKAGED_FILES = "PACKAGED_FILES"


@dataclass(frozen=True)
class FunctionCode:
    """The code one Lambda function runs."""

    name: str
    handler: str
    modules: frozenset[str]
    """Our own modules (package `functions`), with every package `__init__` on their way."""
    external_imports: frozenset[str]
    """Import statements naming modules outside our package and the standard library, as written
    (`from pydantic import BaseModel`), so that a check can run each of them."""
    aws_clients: frozenset[str]
    """The accessors of `functions.common.aws` the code calls (`dynamodb`, `ses`, …)."""
    data_files: frozenset[str] = frozenset()
    """The repository's files its modules read (their `PACKAGED_FILES`), relative to the root."""

    @property
    def handler_module(self) -> str:
        return self.handler.rpartition(".")[0]

    @property
    def module_files(self) -> list[Path]:
        return sorted(module_path(module) for module in self.modules)

    @property
    def files(self) -> list[Path]:
        """Everything of the repository the package holds: its modules and its data files."""
        return sorted([*self.module_files, *(ROOT / path for path in self.data_files)])

    @property
    def top_level_imports(self) -> frozenset[str]:
        """The distributions' import names it needs (`pydantic`, `boto3`, …)."""
        return frozenset(_imported_module(statement).split(".")[0] for statement in self.external_imports)

    @property
    def aws_services(self) -> frozenset[str]:
        """The AWS services (botocore's names, which are IAM's prefixes) it makes clients for."""
        services = accessor_services()
        return frozenset(services[accessor] for accessor in self.aws_clients)


def module_path(module: str) -> Path:
    base = ROOT.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def _is_ours(module: str) -> bool:
    return module == PACKAGE or module.startswith(f"{PACKAGE}.")


def _exists(module: str) -> bool:
    base = ROOT.joinpath(*module.split("."))
    return (base / "__init__.py").is_file() or base.with_suffix(".py").is_file()


def _imported_module(statement: str) -> str:
    words = statement.split()
    return words[1]


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of the module except the bodies of `if TYPE_CHECKING:` blocks."""
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            pending.extend(node.orelse)
            continue
        pending.extend(ast.iter_child_nodes(node))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@dataclass(frozen=True)
class _ModuleImports:
    ours: frozenset[str]
    external: frozenset[str]
    from_aws: frozenset[str]
    merges_openapi: bool
    data_files: frozenset[str]


@cache
def _imports_of(module: str) -> _ModuleImports:
    ours: set[str] = set()
    external: set[str] = set()
    from_aws: set[str] = set()
    merges_openapi = False
    tree = ast.parse(module_path(module).read_text(encoding="utf-8"))
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                _sort_import(alias.name, f"import {alias.name}", ours, external)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [alias.name for alias in node.names]
            _sort_import(node.module, f"from {node.module} import {', '.join(names)}", ours, external)
            if _is_ours(node.module):
                ours.update(f"{node.module}.{n}" for n in names if _exists(f"{node.module}.{n}"))
            if node.module == AWS_MODULE:
                from_aws.update(names)
        elif (lazy := _lazily_bound(node)) is not None:
            _sort_import(lazy, f"import {lazy}", ours, external)
        elif isinstance(node, ast.Attribute) and node.attr == "configure_openapi_merge":
            merges_openapi = True
    return _ModuleImports(
        frozenset(ours),
        frozenset(external),
        frozenset(from_aws),
        merges_openapi,
        _packaged_files(module, tree),
    )


def _lazily_bound(node: ast.AST) -> str | None:
    """The module a `lazy_module("…")` call binds, None for any other node."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "lazy_module"):
        return None
    name = node.args[0] if len(node.args) == 1 else None
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
        raise ValueError(f"lazy_module takes the module's name as a string literal: {ast.unparse(node)}")
    return name.value


def _packaged_files(module: str, tree: ast.Module) -> frozenset[str]:
    """The module's `PACKAGED_FILES`: a tuple of string literals, each a file of the repository."""
    files: set[str] = set()
    for node in tree.body:
        if not (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == PACKAGED_FILES for t in node.targets)
        ):
            continue
        items = node.value.elts if isinstance(node.value, ast.Tuple) else []
        paths = [item.value if isinstance(item, ast.Constant) else None for item in items]
        if not paths or not all(isinstance(path, str) for path in paths):
            raise ValueError(f"{module}: {PACKAGED_FILES} must be a tuple of string literals")
        for path in map(str, paths):
            if Path(path).is_absolute() or ".." in Path(path).parts or not (ROOT / path).is_file():
                raise ValueError(f"{module}: {PACKAGED_FILES} names {path!r}, not a file of the repository")
            files.add(path)
    return frozenset(files)


def _sort_import(module: str, statement: str, ours: set[str], external: set[str]) -> None:
    """Ours by module name; from outside (not the standard library) as the statement to run."""
    if _is_ours(module):
        ours.add(module)
    elif not _is_stdlib(module):
        external.add(statement)


def _is_stdlib(module: str) -> bool:
    """The standard library, or what the Lambda runtime adds to it."""
    return module.split(".")[0] in sys.stdlib_module_names | RUNTIME_PROVIDED


def _with_packages(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[:n]) for n in range(1, len(parts) + 1)}


def domain_handlers() -> list[str]:
    """Every domain's handler module (what Powertools' OpenAPI merge discovers)."""
    return sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in (ROOT / PACKAGE).glob("*/handler.py")
    )


def code_of(name: str, handler: str) -> FunctionCode:
    """The code of the function whose handler is `handler` (`functions.auth.handler.lambda_handler`).

    A module that merges the OpenAPI documents of the other functions (Powertools' merge discovers
    and imports every domain's `handler.py` at run time) runs their code as well; the files its
    modules name in `PACKAGED_FILES` are its data files."""
    start = handler.rpartition(".")[0]
    seen: set[str] = set()
    pending = [start]
    external: set[str] = set()
    from_aws: set[str] = set()
    data_files: set[str] = set()
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        found = _imports_of(module)
        external |= found.external
        from_aws |= found.from_aws
        data_files |= found.data_files
        following = set(found.ours)
        if found.merges_openapi:
            following.update(domain_handlers())
        for imported in following:
            pending.extend(_with_packages(imported) - seen)
    return FunctionCode(
        name, handler, frozenset(seen), frozenset(external), frozenset(from_aws), frozenset(data_files)
    )


@cache
def accessor_services() -> Mapping[str, str]:
    """Each client accessor of `functions.common.aws` and the service it builds a client for, read
    from its body: `_client("ses")` is SES."""
    tree = ast.parse(module_path(AWS_MODULE).read_text(encoding="utf-8"))
    services: dict[str, str] = {}
    for function in tree.body:
        if not isinstance(function, ast.FunctionDef) or function.name.startswith("_"):
            continue
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_client"
                and isinstance(node.args[0], ast.Constant)
            ):
                services[function.name] = str(node.args[0].value)
    return services


def functions_of_template(template: Mapping[str, Any] | None = None) -> dict[str, FunctionCode]:
    """Every function of the template with its code, by logical id."""
    functions = resources(template or load_template(), "AWS::Serverless::Function")
    return {name: code_of(name, spec["Properties"]["Handler"]) for name, spec in functions.items()}


def policy_services(function: Mapping[str, Any]) -> frozenset[str]:
    """The AWS services a function's own IAM statements allow it to call (`dynamodb:GetItem` → dynamodb)."""
    services: set[str] = set()
    for policy in function["Properties"].get("Policies", []):
        for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
            actions = statement.get("Action", [])
            for action in [actions] if isinstance(actions, str) else actions:
                services.add(str(action).split(":")[0])
    return frozenset(services)


def main() -> None:
    """Prints each function's code: modules, outside imports, clients."""
    for name, code in functions_of_template().items():
        print(f"{name}: {len(code.modules)} modules; imports {', '.join(sorted(code.top_level_imports))};")
        print(
            f"  clients {', '.join(sorted(code.aws_clients)) or '-'} → {', '.join(sorted(code.aws_services))}"
        )


if __name__ == "__main__":
    main()
