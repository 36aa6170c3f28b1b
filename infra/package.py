"""`make package`: one deployable folder per function of `template.yaml`, holding only its code.

For each function, `.aws-build/<FunctionName>/` (its `CodeUri` in the template) gets:

- the modules of `functions/` its handler imports, directly or lazily (`infra.function_code`), and
  the files of the repository they name in `PACKAGED_FILES`, at the same paths (the docs function's
  `docs/openapi.json`);
- the distributions those imports come from, with their own requirements (read from each wheel's
  metadata, markers evaluated for the Lambda runtime), installed for the template's runtime and
  architecture (Python 3.12, manylinux wheels for arm64), from `requirements/lambda.txt` when that
  lock file exists, else from `pyproject.toml`'s dependencies;
- of botocore's and boto3's service data, only the services the function makes clients for.

boto3 is shipped, not taken from the runtime: the runtime's copy changes when AWS updates it, and
this way Lambda runs the version the tests ran. Trimmed to the function's services it costs about
2 MB. If this machine has a Python 3.12 (`LAMBDA_PYTHON`, `python3.12` on PATH, or pyenv's), every
folder is compiled to bytecode with it, so that Lambda does not compile the sources at each cold
start (about two thirds of a cold start without them: benchmarks/coldstart.py --no-bytecode).

    .venv/bin/python -m infra.package [FunctionName ...]
"""

import argparse
import hashlib
import io
import os
import shutil
import subprocess  # nosec B404 # runs pip and Python with fixed arguments
import sys
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path
from typing import Any

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from infra.function_code import FunctionCode, functions_of_template
from infra.template import ROOT, load_template

BUILD = ROOT / ".aws-build"
LOCK_FILE = ROOT / "requirements" / "lambda.txt"
# Every function is traced (Powertools Tracer): the X-Ray SDK makes an `xray` client for its sampling
# rules, which SAM's `Tracing: Active` allows (AWSXrayWriteOnlyAccess).
TRACING_SERVICES = frozenset({"xray"})
SERVICE_DATA = ("botocore/data/", "boto3/data/")
ARCHITECTURES = {
    "arm64": ("aarch64", ["manylinux2014_aarch64", "manylinux_2_28_aarch64", "manylinux_2_34_aarch64"]),
    "x86_64": ("x86_64", ["manylinux2014_x86_64", "manylinux_2_28_x86_64", "manylinux_2_34_x86_64"]),
}


def artifact_dir(function: str) -> Path:
    """Where a function's package is built: the template's `CodeUri` of that function."""
    return BUILD / function


@dataclass(frozen=True)
class Runtime:
    """The Lambda runtime the template names: the Python version and the machine."""

    python_version: str  # "3.12"
    machine: str  # "aarch64"
    platforms: tuple[str, ...]

    @classmethod
    def of_template(cls, template: Mapping[str, Any]) -> "Runtime":
        function = template["Globals"]["Function"]
        version = str(function["Runtime"]).removeprefix("python")
        machine, platforms = ARCHITECTURES[function.get("Architectures", ["x86_64"])[0]]
        return cls(version, machine, tuple(platforms))

    def marker_environment(self) -> dict[str, str]:
        environment = {key: str(value) for key, value in default_environment().items()}
        environment.update(
            python_version=self.python_version,
            python_full_version=f"{self.python_version}.0",
            platform_machine=self.machine,
            sys_platform="linux",
            platform_system="Linux",
            os_name="posix",
            implementation_name="cpython",
            platform_python_implementation="CPython",
        )
        return environment


@dataclass(frozen=True)
class Distribution:
    """An installed distribution: its files (from RECORD), the names it is imported by, its needs."""

    name: str
    files: tuple[str, ...]
    top_level: frozenset[str]
    requires: tuple[Requirement, ...]


def installed_distributions(site: Path) -> dict[str, Distribution]:
    """Every distribution installed in `site` (a `pip install --target` folder or a site-packages)."""
    found: dict[str, Distribution] = {}
    for info in site.glob("*.dist-info"):
        record = info / "RECORD"
        if not record.is_file():
            continue
        metadata = Parser().parsestr((info / "METADATA").read_text(encoding="utf-8"))
        files = tuple(line.split(",")[0] for line in record.read_text(encoding="utf-8").splitlines() if line)
        inside = [f for f in files if not f.startswith(("..", "/", "bin/")) and "__pycache__" not in f]
        top_level = {
            f.split("/")[0].split(".")[0] for f in inside if not f.split("/")[0].endswith(".dist-info")
        }
        requires = tuple(Requirement(r) for r in metadata.get_all("Requires-Dist") or [])
        name = canonicalize_name(metadata["Name"])
        found[name] = Distribution(name, tuple(inside), frozenset(top_level), requires)
    return found


def needed_distributions(
    imports: Iterable[str], installed: Mapping[str, Distribution], environment: Mapping[str, str]
) -> list[Distribution]:
    """The distributions that provide `imports` (top-level names) and everything they require."""
    by_import = {name: dist for dist in installed.values() for name in dist.top_level}
    missing = sorted(set(imports) - set(by_import))
    if missing:
        raise LookupError(f"no installed distribution provides {', '.join(missing)}")
    pending = [by_import[name].name for name in imports]
    needed: dict[str, Distribution] = {}
    while pending:
        name = pending.pop()
        if name in needed:
            continue
        needed[name] = installed[name]
        # The extras pyproject.toml asks of it (aws-lambda-powertools[tracer]): what they require is
        # imported lazily by the distribution, never by the functions' code, yet must be shipped.
        extras = {"", *declared_extras().get(name, frozenset())}
        for requirement in installed[name].requires:
            if requirement.marker is None or any(
                requirement.marker.evaluate({**environment, "extra": extra}) for extra in extras
            ):
                pending.append(canonicalize_name(requirement.name))
    return sorted(needed.values(), key=lambda d: d.name)


def declared_extras() -> dict[str, frozenset[str]]:
    """The extras of each of pyproject.toml's dependencies, by canonical distribution name."""
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as stream:
        dependencies: list[str] = tomllib.load(stream)["project"]["dependencies"]
    return {
        canonicalize_name(req.name): frozenset(req.extras)
        for req in map(Requirement, dependencies)
        if req.extras
    }


def _service_data_needed(path: str, services: frozenset[str]) -> bool:
    """botocore/boto3 keep one folder of data per AWS service: only the function's are shipped."""
    for prefix in SERVICE_DATA:
        if path.startswith(prefix):
            rest = path[len(prefix) :].split("/")
            return len(rest) == 1 or rest[0] in services
    return True


def _place(source: Path, target: Path, link: bool) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if link:
        try:
            target.hardlink_to(source)
            return
        except OSError:  # another file system: copy
            pass
    shutil.copy2(source, target)


def build_function(
    code: FunctionCode,
    target: Path,
    site: Path,
    installed: Mapping[str, Distribution],
    environment: Mapping[str, str],
    *,
    link: bool = False,
) -> list[Distribution]:
    """Writes the function's package into `target` (emptied first); returns the distributions in it.

    `link` hard-links where it can instead of copying (for a throwaway build)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for path in code.files:
        _place(path, target / path.relative_to(ROOT), link)
    distributions = needed_distributions(code.top_level_imports, installed, environment)
    for dist in distributions:
        for file in dist.files:
            if _service_data_needed(file, code.aws_services | TRACING_SERVICES) and (site / file).is_file():
                _place(site / file, target / file, link)
    return distributions


def _requirements() -> list[str]:
    if LOCK_FILE.is_file():
        return ["-r", str(LOCK_FILE)]
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as stream:
        dependencies: list[str] = tomllib.load(stream)["project"]["dependencies"]
    return dependencies


def lambda_site(runtime: Runtime) -> Path:
    """Every dependency installed once for the Lambda runtime (reused while the inputs are the same)."""
    requirements = _requirements()
    source = LOCK_FILE.read_text(encoding="utf-8") if LOCK_FILE.is_file() else "\n".join(requirements)
    key = hashlib.sha256(f"{runtime}\n{source}".encode()).hexdigest()[:12]
    site = BUILD / f".site-{key}"
    if (site / ".complete").is_file():
        return site
    for stale in BUILD.glob(".site-*"):
        shutil.rmtree(stale)
    platforms = [arg for platform in runtime.platforms for arg in ("--platform", platform)]
    subprocess.run(  # noqa: S603 (our own interpreter and arguments)  # nosec B603
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--target", str(site), "--no-compile", "--only-binary=:all:", "--implementation", "cp",
            "--python-version", runtime.python_version, *platforms, *requirements,
        ],
        check=True,
    )  # fmt: skip
    (site / ".complete").touch()
    return site


def runtime_python(version: str) -> str | None:
    """An interpreter of the runtime's Python version on this machine: `LAMBDA_PYTHON`, else
    `python3.12` on PATH, else one that pyenv installed; None if there is none."""
    candidates = [
        os.environ.get("LAMBDA_PYTHON"),
        shutil.which(f"python{version}"),
        *sorted(str(p) for p in Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}")),
    ]
    for candidate in filter(None, candidates):
        probe = subprocess.run(  # noqa: S603 (an interpreter this machine has, probed)  # nosec B603
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return candidate
    return None


def compile_bytecode(folder: Path, python: str) -> None:
    """Compiles every module of the folder (bytecode is the same on every architecture); the hash
    mode trusts the files as built, so nothing is compared with the sources at import."""
    subprocess.run(  # noqa: S603 (the runtime's Python found by runtime_python)  # nosec B603
        [python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", str(folder)],
        check=True,
    )


def sizes(folder: Path) -> tuple[int, int]:
    """The folder's size on disk and as the zip SAM uploads (deflated)."""
    files = [path for path in sorted(folder.rglob("*")) if path.is_file()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.relative_to(folder))
    return sum(path.stat().st_size for path in files), buffer.tell()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("functions", nargs="*", help="logical ids (default: every function)")
    args = parser.parse_args()

    template = load_template()
    runtime = Runtime.of_template(template)
    codes = functions_of_template(template)
    chosen = args.functions or list(codes)
    site = lambda_site(runtime)
    installed = installed_distributions(site)
    environment = runtime.marker_environment()
    source = LOCK_FILE.relative_to(ROOT) if LOCK_FILE.is_file() else "pyproject.toml"
    print(f"Python {runtime.python_version} on {runtime.machine}, dependencies from {source}\n")
    python = runtime_python(runtime.python_version)
    print(f"{'function':<26} {'unzipped':>9} {'zipped':>8}  modules  distributions")
    for name in chosen:
        target = artifact_dir(name)
        distributions = build_function(codes[name], target, site, installed, environment)
        if python:
            compile_bytecode(target, python)
        unzipped, zipped = sizes(target)
        print(
            f"{name:<26} {unzipped / 2**20:6.1f} MB {zipped / 2**20:5.1f} MB  {len(codes[name].modules):>7}"
            f"  {', '.join(d.name for d in distributions)}"
        )
    if python:
        print(
            f"\nCompiled to bytecode by {python}: Lambda imports the .pyc files, no compiling at cold start."
        )
    else:
        print(
            f"\nNo Python {runtime.python_version} here (set LAMBDA_PYTHON): the packages hold sources only,"
            " and Lambda compiles what it imports at every cold start."
        )


if __name__ == "__main__":
    main()
