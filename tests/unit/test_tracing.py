"""Tracing as Lambda runs it (functions/common/tracing.py): the X-Ray SDK is loaded by the first
invocation X-Ray samples, not by a handler's import, and from then on every invocation is traced.

The probe runs in a fresh interpreter with Lambda's `LAMBDA_TASK_ROOT` set (Powertools traces only
in Lambda) and the trace header Lambda gives each invocation in `_X_AMZN_TRACE_ID`; the X-Ray daemon
is a UDP socket of the probe, which reads what the SDK sends it.
"""

import json
import subprocess
import sys
from typing import Any

from infra.template import ROOT

PROBE = r"""
import json, os, socket, sys

daemon = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
daemon.bind(("127.0.0.1", 0))
daemon.settimeout(5)
os.environ["AWS_XRAY_DAEMON_ADDRESS"] = "127.0.0.1:%d" % daemon.getsockname()[1]

from functions.common.tracing import tracer

@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event, context):
    return {"secret": "token"}

def invoke(sampled, root):
    os.environ["_X_AMZN_TRACE_ID"] = "Root=1-5759e988-%s;Parent=53995c3f42cd8ad8;Sampled=%d" % (root, sampled)
    return lambda_handler({}, None)

report = {"at_import": "aws_xray_sdk" in sys.modules}
report["unsampled_answer"] = invoke(0, "bd862e3fe1be46a994272791")
report["after_unsampled"] = "aws_xray_sdk" in sys.modules
report["sampled_answer"] = invoke(1, "bd862e3fe1be46a994272792")
from aws_xray_sdk.core import patcher
report["patched"] = sorted(patcher._PATCHED_MODULES)
sent = daemon.recv(65536).decode().split("\n", 1)[1]
report["subsegment"] = json.loads(sent)
invoke(0, "bd862e3fe1be46a994272793")
report["unsampled_after_sent"] = []
daemon.settimeout(0.5)
try:
    report["unsampled_after_sent"].append(daemon.recv(65536).decode())
except socket.timeout:
    pass
print(json.dumps(report))
"""


def probe() -> dict[str, Any]:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "LAMBDA_TASK_ROOT": str(ROOT),
        "AWS_LAMBDA_FUNCTION_NAME": "ProbeFunction",
        "POWERTOOLS_SERVICE_NAME": "ProbeFunction",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return report


def test_the_xray_sdk_is_loaded_by_the_first_sampled_invocation_and_then_traces_each() -> None:
    report = probe()

    assert report["at_import"] is False
    assert report["unsampled_answer"] == {"secret": "token"}
    assert report["after_unsampled"] is False, "an invocation X-Ray does not sample needs no SDK"
    assert report["sampled_answer"] == {"secret": "token"}
    assert report["patched"] == ["botocore", "httplib"]
    subsegment = report["subsegment"]
    assert subsegment["name"] == "## lambda_handler"
    assert subsegment["trace_id"] == "1-5759e988-bd862e3fe1be46a994272792"
    # Not the environment's first invocation: Powertools must not call it a cold start.
    assert subsegment["annotations"] == {"ColdStart": False, "Service": "ProbeFunction"}
    assert "token" not in json.dumps(subsegment), "answers hold tokens: never in a trace"
    assert report["unsampled_after_sent"] == []
