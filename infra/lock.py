"""`make lock`: pins the Lambda functions' dependencies in `requirements/lambda.txt`.

pyproject.toml's `dependencies` (version ranges) are resolved by pip for the template's runtime
(Python 3.12, manylinux wheels for its architecture), and every resolved distribution is written as
`name==version --hash=sha256:…`. `make package` installs from this file, and `make security` audits
it (pip-audit), so what is audited is what is deployed. Run it again to take newer versions.

    .venv/bin/python -m infra.lock
"""

import json
import subprocess  # nosec B404 # runs pip with fixed arguments
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from infra.package import LOCK_FILE, Runtime
from infra.template import ROOT, load_template

HEADER = """\
# The Lambda functions' dependencies, resolved for {runtime} by `make lock` from pyproject.toml.
# `make package` installs exactly these; `make security` audits them (pip-audit). Do not edit.
"""


def resolve(runtime: Runtime, requirements: list[str]) -> list[dict[str, Any]]:
    """What pip would install for the runtime: its --report's `install` entries."""
    platforms = [arg for platform in runtime.platforms for arg in ("--platform", platform)]
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        subprocess.run(  # noqa: S603  # nosec B603 # our own interpreter and arguments
            [
                sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                "--dry-run", "--ignore-installed", "--report", str(report),
                "--target", str(Path(scratch) / "site"), "--only-binary=:all:", "--implementation", "cp",
                "--python-version", runtime.python_version, *platforms, *requirements,
            ],
            check=True,
        )  # fmt: skip
        installs: list[dict[str, Any]] = json.loads(report.read_text(encoding="utf-8"))["install"]
        return installs


def lock_lines(installs: list[dict[str, Any]]) -> list[str]:
    lines = []
    for item in sorted(installs, key=lambda i: str(i["metadata"]["name"]).lower()):
        name, version = item["metadata"]["name"], item["metadata"]["version"]
        hashes = item["download_info"].get("archive_info", {}).get("hashes", {})
        pin = f"{name}=={version}"
        lines.append(f"{pin} --hash=sha256:{hashes['sha256']}" if "sha256" in hashes else pin)
    return lines


def main() -> None:
    runtime = Runtime.of_template(load_template())
    with (ROOT / "pyproject.toml").open("rb") as stream:
        requirements: list[str] = tomllib.load(stream)["project"]["dependencies"]
    lines = lock_lines(resolve(runtime, requirements))
    LOCK_FILE.parent.mkdir(exist_ok=True)
    described = f"Python {runtime.python_version} on {runtime.machine}"
    LOCK_FILE.write_text(HEADER.format(runtime=described) + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{LOCK_FILE.relative_to(ROOT)}: {len(lines)} distributions for {described}")


if __name__ == "__main__":
    main()
