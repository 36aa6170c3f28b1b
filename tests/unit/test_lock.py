"""requirements/lambda.txt (what `make package` installs and `make security` audits) agrees with
pyproject.toml: every runtime dependency is pinned, to a version its range allows, with a hash."""

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from infra.package import LOCK_FILE
from infra.template import ROOT


def _pins() -> dict[str, str]:
    pins = {}
    for line in LOCK_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        pin, _, hashes = line.partition(" ")
        name, _, version = pin.partition("==")
        assert version and hashes.startswith("--hash=sha256:"), line
        pins[canonicalize_name(name)] = version
    return pins


def test_every_runtime_dependency_is_pinned_within_its_range() -> None:
    with (ROOT / "pyproject.toml").open("rb") as stream:
        dependencies = [Requirement(d) for d in tomllib.load(stream)["project"]["dependencies"]]
    pins = _pins()

    for dependency in dependencies:
        name = canonicalize_name(dependency.name)
        assert name in pins, f"{dependency.name} is not in {LOCK_FILE.name}: run make lock"
        assert dependency.specifier.contains(pins[name], prereleases=True), (
            f"{dependency.name}=={pins[name]} is outside {dependency.specifier}: run make lock"
        )
