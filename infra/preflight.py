"""`make deploy`'s first step: the stack's parameters checked before anything is built or sent.

CloudFormation refuses a stack without a parameter that has no default, but only after the package
is built and uploaded, and it happily deploys a placeholder (a sender on example.ru that SES refuses,
a portal URL the uploads bucket's CORS then admits instead of the real site). This reads what
`sam deploy` would be given — template.yaml's defaults, samconfig.toml's `parameter_overrides` of
the environment (`staging`, `prod`), and environment variables, which win — and refuses, naming
each parameter in plain words:

- a parameter without a default that is not given (template.yaml's `Required.` ones);
- a value that is a placeholder: a host under a name reserved for examples and tests (RFC 2606:
  example, test, invalid, localhost), a demo value («(демо)», demo, changeme, todo), or one of the
  local world's values (infra/world.py, LOCAL_PARAMETERS);
- a value CloudFormation would refuse (its AllowedPattern, AllowedValues, lengths, bounds), an
  operator's ИНН whose check digits are wrong, a portal URL that is not https or not one of the
  stack's own domain names, a domain without its certificate;
- a double quote in a value (`sam deploy --parameter-overrides` would cut the value there).

Each parameter is read from the environment variable named after it in upper snake case
(MailSender from MAIL_SENDER, PortalUrl from PORTAL_URL, PersonalDataOfficer from
PERSONAL_DATA_OFFICER), so a CI job sets them from its environment's variables.

    .venv/bin/python -m infra.preflight --env staging     # exit 0 and the overrides, or 2 and why
"""

import argparse
import os
import re
import shlex
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from infra.template import ROOT, load_template

SAMCONFIG = ROOT / "samconfig.toml"
ENVIRONMENTS = ("staging", "prod")

# RFC 2606 / RFC 6761: names reserved for examples and tests, never a company's.
_RESERVED_LABELS = frozenset({"example", "test", "invalid", "localhost", "local"})
_DEMO_WORDS = re.compile(r"\(демо\)|\bdemo\b|\bchange-?me\b|\btodo\b|\bplaceholder\b|\bxxx+\b", re.IGNORECASE)
_HOST = re.compile(r"(?:[a-z0-9-]+\.)+[a-z0-9-]+", re.IGNORECASE)


def environment_variable(parameter: str) -> str:
    """The variable a parameter is read from: MailSender -> MAIL_SENDER, AskueBaseUrl -> ASKUE_BASE_URL."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", parameter).upper()


@dataclass(frozen=True)
class Problem:
    parameter: str
    what: str

    def describe(self, template: Mapping[str, Any], config_env: str) -> str:
        spec = template["Parameters"][self.parameter]
        meaning = " ".join(str(spec.get("Description", "")).split()).removesuffix(" Required.")
        example = spec.get("ConstraintDescription", "")
        lines = [f"- {self.parameter}: {self.what}", f"    It is: {meaning}"]
        if example:
            lines.append(f"    Expected: {example}")
        lines.append(
            f"    Give it as {environment_variable(self.parameter)}=... or in samconfig.toml's "
            f"[{config_env}.deploy.parameters] parameter_overrides."
        )
        return "\n".join(lines)


def samconfig_overrides(config_env: str, path: Path = SAMCONFIG) -> dict[str, str]:
    """The `parameter_overrides` samconfig.toml gives an environment (a list of Key=Value, or one string)."""
    config = tomllib.loads(path.read_text(encoding="utf-8"))
    given = config.get(config_env, {}).get("deploy", {}).get("parameters", {}).get("parameter_overrides", [])
    pairs = shlex.split(given) if isinstance(given, str) else [str(item) for item in given]
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(
                f"samconfig.toml [{config_env}]: parameter_overrides item {pair!r} is not Key=Value"
            )
        overrides[key.strip()] = value
    return overrides


def placeholder_reason(value: str) -> str | None:
    """Why a value looks like a placeholder, or None."""
    from infra.world import LOCAL_PARAMETERS

    if value in LOCAL_PARAMETERS.values():
        return "is the local world's demo value (infra/world.py), not the company's"
    if _DEMO_WORDS.search(value):
        return "is marked as a demo or placeholder value"
    for host in _HOST.findall(value):
        labels = host.lower().split(".")
        if _RESERVED_LABELS & set(labels):
            return f"names {host}, a domain reserved for examples and tests (RFC 2606), not the company's"
    return None


def _constraint_problem(spec: Mapping[str, Any], value: str) -> str | None:
    """What CloudFormation would refuse in a given value (its own checks, made before it runs)."""
    if spec.get("Type") == "Number":
        try:
            number = float(value)
        except ValueError:
            return f"{value!r} is not a number"
        if "MinValue" in spec and number < float(spec["MinValue"]):
            return f"{value} is below the least allowed, {spec['MinValue']}"
        if "MaxValue" in spec and number > float(spec["MaxValue"]):
            return f"{value} is above the most allowed, {spec['MaxValue']}"
    if "AllowedValues" in spec and value not in [str(v) for v in spec["AllowedValues"]]:
        return f"{value!r} is not one of {', '.join(str(v) for v in spec['AllowedValues'])}"
    if "MinLength" in spec and len(value) < int(spec["MinLength"]):
        return "is empty" if not value else f"is shorter than {spec['MinLength']} characters"
    pattern = spec.get("AllowedPattern") if spec.get("Type") != "CommaDelimitedList" else None
    if pattern and not re.fullmatch(str(pattern), value):
        return f"{value!r} is not of the expected form"
    return None


def _domain_problems(values: Mapping[str, str]) -> list[Problem]:
    problems = []
    domains = [d.strip().lower() for d in values.get("DomainNames", "").split(",") if d.strip()]
    certificate = values.get("CertificateArn", "")
    if domains and not certificate:
        problems.append(
            Problem(
                "CertificateArn",
                "not given, and DomainNames needs it (CloudFront serves a domain only with its certificate)",
            )
        )
    if certificate and not domains:
        problems.append(Problem("DomainNames", "not given, and CertificateArn is only used with them"))
    portal = urlsplit(values.get("PortalUrl", ""))
    if portal.scheme and portal.scheme != "https":
        problems.append(
            Problem("PortalUrl", f"{portal.scheme}:// - consumers open the portal over https only")
        )
    elif portal.hostname and domains and portal.hostname not in domains:
        problems.append(
            Problem("PortalUrl", f"{portal.hostname} is not one of DomainNames ({', '.join(domains)})")
        )
    elif portal.hostname and not domains and not portal.hostname.endswith(".cloudfront.net"):
        problems.append(
            Problem(
                "PortalUrl",
                f"{portal.hostname} is not served by this stack: add it to DomainNames with its "
                "certificate, or give the distribution's *.cloudfront.net name",
            )
        )
    return problems


def check(
    config_env: str, environ: Mapping[str, str], samconfig: Path = SAMCONFIG
) -> tuple[dict[str, str], list[Problem]]:
    """The parameters `sam deploy` would be given for `config_env`, and what is wrong with them."""
    from stdnum.ru import inn

    template = load_template()
    parameters: dict[str, Any] = template["Parameters"]
    given = samconfig_overrides(config_env, samconfig)
    for name in parameters:
        variable = environment_variable(name)
        if environ.get(variable, "").strip():
            given[name] = environ[variable].strip()
    problems = [Problem(name, "not a parameter of template.yaml") for name in given if name not in parameters]
    values: dict[str, str] = {}
    for name, spec in parameters.items():
        if name not in given:
            if "Default" not in spec:
                problems.append(Problem(name, "not given, and it has no default"))
            continue
        value = given[name]
        values[name] = value
        reason = (
            (
                "contains a double quote, which sam deploy's --parameter-overrides cannot carry"
                if '"' in value
                else None
            )
            or placeholder_reason(value)
            or _constraint_problem(spec, value)
            or (
                f"{value} has wrong check digits"
                if name == "OperatorInn" and not inn.is_valid(value)
                else None
            )
        )
        if reason:
            problems.append(Problem(name, reason))
    named = {p.parameter for p in problems}
    problems += [p for p in _domain_problems(values) if p.parameter not in named]
    return values, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="", help="samconfig.toml's environment: staging or prod")
    config_env = parser.parse_args(argv).env
    if config_env not in ENVIRONMENTS:
        print(
            f"make deploy needs ENV, the environment to deploy: {' or '.join(ENVIRONMENTS)} "
            "(samconfig.toml), e.g. make deploy ENV=staging - staging first, then prod (docs/operations.md).",
            file=sys.stderr,
        )
        return 2
    values, problems = check(config_env, os.environ)
    if problems:
        template = load_template()
        print(
            f"make deploy ENV={config_env} stopped before building or calling CloudFormation: "
            f"{len(problems)} parameter(s) need a real value.\n"
            + "\n".join(p.describe(template, config_env) for p in problems),
            file=sys.stderr,
        )
        return 2
    print(f"preflight: the {len(values)} parameters given for {config_env} are complete and real.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
