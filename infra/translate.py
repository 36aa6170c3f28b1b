"""`make cloudformation`: template.yaml transformed into CloudFormation by AWS's own SAM translator.

What `sam deploy` (and CloudFormation's AWS::Serverless transform) does to the template, done on this
machine without an account: `aws-sam-translator`, the library the transform runs, turns every
AWS::Serverless::* resource into the CloudFormation resources it stands for (functions, their roles,
versions and aliases, the REST API with its deployment, stage, routes, authorizer and usage plan,
the permissions that let API Gateway, SQS, SNS and EventBridge invoke the functions). The output,
`.aws-build/cloudformation.json`, is then checked by cfn-lint, and tests/unit/test_deploy.py checks
that it holds everything the template means.

The translator pins a pydantic the functions' venv cannot share: it runs in `.venv-sam` (the
Makefile makes it), with this module's only imports being the translator and PyYAML.

    .venv-sam/bin/python -m infra.translate [output]
"""

import json
import os
import sys
from pathlib import Path
from typing import Any

from infra.template import ROOT, TEMPLATE_PATH, _TemplateLoader

OUTPUT = ROOT / ".aws-build" / "cloudformation.json"
# A region for the pseudo-parameters the translator fills in (no AWS call is made).
REGION = "eu-central-1"


# Where `sam deploy` (its package step) uploads each function's folder before the transform: the
# stack's artifact bucket, one zip per CodeUri.
ARTIFACTS = "s3://portal-sam-artifacts"


def _packaged(template: dict[str, Any]) -> dict[str, Any]:
    """The template as `sam deploy` hands it to CloudFormation: each local CodeUri uploaded to S3."""
    resources = {
        name: (
            {**resource, "Properties": {**resource["Properties"], "CodeUri": f"{ARTIFACTS}/{name}.zip"}}
            if resource.get("Type") == "AWS::Serverless::Function"
            else resource
        )
        for name, resource in template["Resources"].items()
    }
    return {**template, "Resources": resources}


def translate(template: dict[str, Any]) -> dict[str, Any]:
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    template = _packaged(template)
    # The template names no managed policy (every policy is inline): the translator needs no map of
    # names to ARNs, which it would otherwise ask IAM for.
    translator = Translator(managed_policy_map=None, sam_parser=Parser())
    parameters = {name: spec.get("Default", "") for name, spec in template.get("Parameters", {}).items()}
    output: dict[str, Any] = translator.translate(
        sam_template=template, parameter_values=parameters, get_managed_policy_map=lambda: {}
    )
    return output


def main() -> None:
    import yaml

    with TEMPLATE_PATH.open(encoding="utf-8") as stream:
        template = yaml.load(stream, Loader=_TemplateLoader)  # noqa: S506  # nosec B506 # a SafeLoader subclass
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(translate(template), indent=1, ensure_ascii=False), encoding="utf-8")
    print(output.relative_to(ROOT) if output.is_relative_to(ROOT) else output)


if __name__ == "__main__":
    main()
