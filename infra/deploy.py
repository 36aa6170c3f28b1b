"""`make deploy ENV=staging|prod`, after the preflight and the package: `sam deploy`, then the site.

1. infra/preflight.py again (cheap), for the parameters it approved;
2. `sam deploy --config-env ENV` with those parameters as `--parameter-overrides` (given on the
   command line, they replace samconfig.toml's list, so the preflight's merge is what deploys);
3. the site (.aws-build/site, infra/site.py) published to the stack's SiteBucket and its
   index.html invalidated on the distribution (infra/publish.py), from the stack's outputs.

    .venv/bin/python -m infra.deploy --env staging
"""

import argparse
import os
import shutil
import subprocess  # nosec B404 # runs the SAM CLI with arguments this module builds
import sys
import tomllib

from infra.preflight import SAMCONFIG, check


def sam_arguments(config_env: str, values: dict[str, str]) -> list[str]:
    """`sam deploy`'s command line: every parameter given as Key="value" (one argument each)."""
    overrides = [f'{name}="{value}"' for name, value in values.items()]
    command = ["sam", "deploy", "--config-env", config_env]
    return command + (["--parameter-overrides", *overrides] if overrides else [])


def stack_name(config_env: str) -> str:
    config = tomllib.loads(SAMCONFIG.read_text(encoding="utf-8"))
    return str(config[config_env]["deploy"]["parameters"]["stack_name"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", required=True, choices=["staging", "prod"])
    config_env = parser.parse_args(argv).env
    values, problems = check(config_env, os.environ)
    if problems:  # the preflight step of make deploy says what; this is a second guard
        print(
            "the preflight finds problems: run python -m infra.preflight --env " + config_env, file=sys.stderr
        )
        return 2
    sam = shutil.which("sam")
    if sam is None:
        print("make deploy needs the SAM CLI (sam) on PATH", file=sys.stderr)
        return 2
    command = sam_arguments(config_env, values)
    subprocess.run([sam, *command[1:]], check=True)  # noqa: S603  # nosec B603 # no shell, arguments built above

    import boto3

    from infra.publish import publish, stack_outputs

    outputs = stack_outputs(boto3.client("cloudformation"), stack_name(config_env))
    publish(
        boto3.client("s3"), boto3.client("cloudfront"), outputs["SiteBucketName"], outputs["DistributionId"]
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
