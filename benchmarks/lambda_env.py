"""The program Lambda runs, on this machine: the benchmarks' children run in it.

A Lambda environment holds the function's package and nothing else: the distributions of
`requirements/lambda.txt` (what `make package` ships), the code of `functions/`, and the variables
Lambda's runtime sets. The development venv (`.venv`) holds the test tools too, and some libraries
change what they do at import when they find them (the X-Ray SDK patches `httpx` when it is
installed: ~150 ms that no Lambda pays), so a benchmark run there measures another program.

- `lambda_python()`: an interpreter of `.venv-lambda/`, made once (again when the lock file changes)
  with exactly the lock file's pins and no pip: the template's runtime (Python 3.12) if this
  machine has one (`LAMBDA_PYTHON`, `python3.12` on PATH, pyenv's), else this interpreter's Python,
  and `described()` says which. The lock's hashes are those of the runtime's wheels (arm64), so the
  pins are installed by version, each distribution without its dependencies (the lock has them all).
- `task_root()`: Lambda's `LAMBDA_TASK_ROOT`, a folder holding only `functions/` (a link to the
  worktree's), the children's working directory and `PYTHONPATH`: nothing else of the repository
  (tests, infra) can be imported by accident.
- `lambda_environment(function)`: the variables Lambda sets for that function, the template's
  `Globals` variables, the region and fake keys; tracing is off (no trace header comes with these
  events), and `LAMBDA_TASK_ROOT` tells the X-Ray SDK it runs in Lambda (it samples locally there;
  without it it builds two X-Ray clients for central sampling, ~200 ms no Lambda pays).
"""

import os
import subprocess  # nosec B404 # runs pip and Python with fixed arguments
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-lambda"
LOCK_FILE = ROOT / "requirements" / "lambda.txt"
REGION = "eu-central-1"


def _runtime_version() -> str:
    sys.path.insert(0, str(ROOT))
    from infra.package import Runtime
    from infra.template import load_template

    return Runtime.of_template(load_template()).python_version


def _base_python() -> tuple[str, bool]:
    """The interpreter the venv is made from, and whether it is the template's runtime version."""
    from infra.package import runtime_python

    found = runtime_python(_runtime_version())
    return (found, True) if found else (sys.executable, False)


def _pins() -> list[str]:
    """The lock file's `name==version` pins, without their hashes."""
    lines = LOCK_FILE.read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip() and not line.startswith("#")]


def lambda_python() -> Path:
    """`.venv-lambda/bin/python`, made (or remade) from the lock file if it is not yet."""
    base, _ = _base_python()
    stamp = VENV / f".installed-{zlib.crc32((LOCK_FILE.read_text() + base).encode()):08x}"
    python = VENV / "bin" / "python"
    if stamp.exists() and python.exists():
        return python
    print(
        f"making {VENV.name}/ from {LOCK_FILE.relative_to(ROOT)} with {base} …", file=sys.stderr, flush=True
    )
    subprocess.run([base, "-m", "venv", "--clear", "--without-pip", str(VENV)], check=True)  # nosec B603
    subprocess.run(  # nosec B603 # this venv's pip, installing into the new one
        [
            sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
            "--only-binary=:all:", *_pins(),
        ],
        check=True,
    )  # fmt: skip
    stamp.touch()
    return python


def described() -> str:
    """One line saying what the children run in."""
    python = lambda_python()
    version = subprocess.run(  # nosec B603
        [str(python), "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    runtime = _runtime_version()
    _, exact = _base_python()
    also = "" if exact else f" (the template names python{runtime}, which this machine lacks)"
    return (
        f"children run as Lambda runs them: Python {version}{also}, {VENV.name}/ holding only"
        f" {LOCK_FILE.relative_to(ROOT)} ({len(_pins())} distributions), LAMBDA_TASK_ROOT holding only"
        " functions/, Lambda's variables (AWS_LAMBDA_FUNCTION_NAME, AWS_EXECUTION_ENV, …)"
    )


def task_root() -> Path:
    """A folder holding only `functions/` (a link to this worktree's): Lambda's task root."""
    root = VENV / "task"
    root.mkdir(parents=True, exist_ok=True)
    link, target = root / "functions", ROOT / "functions"
    if link.is_symlink() and link.readlink() != target:  # the venv was moved here from another worktree
        link.unlink()
    if not link.is_symlink():
        link.symlink_to(target, target_is_directory=True)
    return root


def _template_variables(function: str) -> dict[str, str]:
    """The template's variables of `function` (its own over `Globals`'): a parameter's `!Ref` as
    its default, any other reference (a table's name) a placeholder (a test world sets those)."""
    from infra.template import load_template

    template = load_template()
    defaults = {name: spec.get("Default") for name, spec in template.get("Parameters", {}).items()}
    variables = dict(template["Globals"]["Function"]["Environment"]["Variables"])
    own = template["Resources"].get(function, {}).get("Properties", {}).get("Environment", {})
    variables.update(own.get("Variables", {}))

    def value(name: str, raw: object) -> str:
        if isinstance(raw, str | int | float):
            return str(raw)
        ref = raw.get("Ref") if isinstance(raw, dict) else None
        default = defaults.get(ref) if ref else None
        return str(default) if default is not None else f"bench-{name.lower().replace('_', '-')}"

    return {name: value(name, raw) for name, raw in variables.items()}


def lambda_environment(function: str, memory_mb: int = 512) -> dict[str, str]:
    """What Lambda's runtime sets for `function`, on top of the template's variables."""
    root = str(task_root())
    runtime = _runtime_version()
    return {
        "POWERTOOLS_SERVICE_NAME": function,
        **_template_variables(function),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "PYTHONPATH": root,
        "LAMBDA_TASK_ROOT": root,
        "LAMBDA_RUNTIME_DIR": "/var/runtime",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_python{runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": function,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "bench",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_SESSION_TOKEN": "bench",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
