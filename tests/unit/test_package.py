"""`make package` ships each function exactly the code it runs, and nothing else.

The packages are built here for this machine (Python 3.11 on x86_64, from the test environment's
own wheels) by the same selection `make package` makes for Lambda's Python 3.12 on arm64, whose
compiled wheels cannot be imported here; each is then imported in a fresh interpreter that sees only
its folder and the standard library.
"""

import json
import subprocess
import sys
import sysconfig
from collections.abc import Mapping
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from infra.function_code import functions_of_template, policy_services
from infra.package import (
    ROOT,
    TRACING_SERVICES,
    Distribution,
    build_function,
    installed_distributions,
    needed_distributions,
)
from infra.template import load_template, resources, routes

SITE = Path(sysconfig.get_paths()["purelib"])
FUNCTIONS = functions_of_template()

# Runs in the isolated interpreter: every outside import the code writes, every module of ours,
# every AWS client it makes; then lists any module loaded from outside the folder and the stdlib.
ISOLATED_IMPORT = """
import importlib, json, sys, sysconfig
folder, modules, statements, clients = json.loads(sys.argv[1])
sys.path.insert(0, folder)
for statement in statements:
    exec(statement, {})
for module in modules:
    importlib.import_module(module)
if clients:
    from functions.common import aws
for accessor in clients:
    getattr(aws, accessor)()
allowed = (folder, sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"])
strays = sorted(
    f"{name}: {module.__file__}" for name, module in list(sys.modules.items())
    if getattr(module, "__file__", None) and not str(module.__file__).startswith(allowed)
)
print(json.dumps(strays))
"""


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    installed = installed_distributions(SITE)
    environment = {key: str(value) for key, value in default_environment().items()}
    out = tmp_path_factory.mktemp("packages")
    for name, code in FUNCTIONS.items():
        build_function(code, out / name, SITE, installed, environment, link=True)
    return {name: out / name for name in FUNCTIONS}


def isolated(folder: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Python with only `folder` and the standard library: -I (no environment, no user site, no
    current directory) and -S (no site-packages)."""
    return subprocess.run(
        [sys.executable, "-I", "-S", "-c", script, *args],
        cwd=folder,
        env={"AWS_DEFAULT_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_each_function_ships_the_folder_make_package_builds() -> None:
    template = load_template()

    assert "CodeUri" not in template["Globals"]["Function"]
    for name, function in resources(template, "AWS::Serverless::Function").items():
        assert function["Properties"]["CodeUri"] == f".aws-build/{name}/", name


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_a_package_imports_all_its_code_with_nothing_but_its_folder(
    name: str, packages: dict[str, Path]
) -> None:
    code = FUNCTIONS[name]
    data = [
        str(packages[name]),
        sorted(code.modules),
        sorted(code.external_imports),
        sorted(code.aws_clients),
    ]

    result = isolated(packages[name], ISOLATED_IMPORT, json.dumps(data))

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [], "modules loaded from outside the package"


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_a_package_holds_only_its_functions_modules(name: str, packages: dict[str, Path]) -> None:
    code = FUNCTIONS[name]

    shipped = {path.relative_to(packages[name]) for path in (packages[name] / "functions").rglob("*.py")}

    assert shipped == {path.relative_to(ROOT) for path in code.module_files}
    for data in code.data_files:  # the repository's files it reads, at the same place
        assert (packages[name] / data).read_bytes() == (ROOT / data).read_bytes(), data


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_botocore_data_is_shipped_for_the_services_the_code_calls_and_its_policy_allows(
    name: str, packages: dict[str, Path]
) -> None:
    code = FUNCTIONS[name]
    function = resources(load_template(), "AWS::Serverless::Function")[name]

    data = {path.name for path in (packages[name] / "botocore" / "data").iterdir() if path.is_dir()}

    assert data == code.aws_services | TRACING_SERVICES
    assert policy_services(function) <= code.aws_services, "a permission for a service the code never calls"


# Runs in the isolated interpreter: the docs function's handler answers GET /api/openapi.json.
DOCS_ANSWER = """
import json, sys
sys.path.insert(0, ".")
from functions.docs.handler import lambda_handler

class Context:
    function_name, memory_limit_in_mb, aws_request_id = "docs", 512, "request"
    invoked_function_arn = "arn:aws:lambda:eu-central-1:000000000000:function:docs"

path = "/api/openapi.json"
event = {
    "resource": path, "path": path, "httpMethod": "GET", "headers": {}, "multiValueHeaders": {},
    "queryStringParameters": None, "multiValueQueryStringParameters": None, "pathParameters": None,
    "requestContext": {"resourcePath": path, "httpMethod": "GET", "stage": "prod", "requestId": "r"},
    "body": None, "isBase64Encoded": False,
}
answer = lambda_handler(event, Context())
print(json.dumps({"status": answer["statusCode"], "body": answer["body"]}))
"""


def test_the_docs_package_serves_the_committed_document_of_every_route_with_nothing_but_its_folder(
    packages: dict[str, Path],
) -> None:
    result = isolated(packages["DocsFunction"], DOCS_ANSWER)

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.splitlines()[-1])
    assert answer["status"] == 200
    assert answer["body"] + "\n" == (ROOT / "docs" / "openapi.json").read_text(encoding="utf-8")
    documented = {
        (method.upper(), path)
        for path, methods in json.loads(answer["body"])["paths"].items()
        for method in methods
    }
    declared = {(r.method, r.path) for r in routes(load_template()) if r.function != "DocsFunction"}
    assert documented == declared


def test_the_docs_package_holds_the_document_and_no_domain_s_code(packages: dict[str, Path]) -> None:
    folder = packages["DocsFunction"]

    shipped = {str(path.relative_to(folder)) for path in (folder / "functions").rglob("*.py")}

    assert FUNCTIONS["DocsFunction"].data_files == {"docs/openapi.json", "docs/openapi-3.0.json"}
    assert (folder / "docs" / "openapi.json").is_file()
    assert (folder / "docs" / "openapi-3.0.json").is_file()
    assert "functions/docs/handler.py" in shipped
    assert "functions/docs/document.py" not in shipped  # the builder: `make openapi`'s, not Lambda's
    assert {path.split("/")[1] for path in shipped if path.count("/") > 1} <= {"common", "docs"}, shipped


def test_a_module_s_packaged_files_are_literal_paths_of_the_repository_s_files() -> None:
    import ast

    from infra.function_code import _packaged_files

    assert _packaged_files("m", ast.parse('PACKAGED_FILES = ("docs/openapi.json",)')) == {"docs/openapi.json"}
    assert _packaged_files("m", ast.parse("def f():\n    PACKAGED_FILES = ()")) == frozenset()
    for wrong in ('("docs/missing.json",)', '("../README.md",)', "(PATH,)", '["docs/openapi.json"]'):
        with pytest.raises(ValueError, match="PACKAGED_FILES"):
            _packaged_files("m", ast.parse(f"PACKAGED_FILES = {wrong}"))


def test_every_import_of_the_functions_comes_from_a_declared_dependency() -> None:
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as stream:
        declared = [Requirement(r) for r in tomllib.load(stream)["project"]["dependencies"]]
    installed = installed_distributions(SITE)
    environment = {key: str(value) for key, value in default_environment().items()}
    reachable = {
        d.name for d in needed_distributions(_import_names(declared, installed), installed, environment)
    }

    for code in FUNCTIONS.values():
        needed = {d.name for d in needed_distributions(code.top_level_imports, installed, environment)}
        assert needed <= reachable, f"{code.name} imports from undeclared {needed - reachable}"


def _import_names(requirements: list[Requirement], installed: Mapping[str, Distribution]) -> set[str]:
    """One import name of each declared distribution (to start the closure from)."""
    return {sorted(installed[canonicalize_name(r.name)].top_level)[0] for r in requirements}
