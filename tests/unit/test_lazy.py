"""functions/common/lazy.py: a module bound lazily is executed at the first read of an attribute, not
before; one imported already is handed back as it is. Each case runs in a fresh interpreter (a module
executed once stays executed), reading `sys.modules` only: nothing here depends on timing."""

import json
import subprocess
import sys

from infra.template import ROOT

# functions.common.events builds its event models at import: a module whose execution shows.
PROBE = """
import json, sys
from functions.common.lazy import lazy_module
events = lazy_module("functions.common.events")
bound = "functions.common.events" in sys.modules
# Read past the module's attribute hook: `vars(events)` would itself execute it.
before = "ReadingSubmitted" in object.__getattribute__(events, "__dict__")
again = lazy_module("functions.common.events") is events
import functions.common.events as imported
same = imported is events
detail_type = events.ReadingSubmitted.DETAIL_TYPE
after = "ReadingSubmitted" in object.__getattribute__(events, "__dict__")
print(json.dumps({"bound": bound, "before": before, "again": again, "same": same,
                  "after": after, "detail_type": detail_type}))
"""

ALREADY = """
import json
import functions.common.events as imported
from functions.common.lazy import lazy_module
print(json.dumps(lazy_module("functions.common.events") is imported))
"""

MISSING = """
from functions.common.lazy import lazy_module
try:
    lazy_module("functions.common.no_such_module")
except ModuleNotFoundError as error:
    print(error.name)
"""


def run(code: str) -> str:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "AWS_DEFAULT_REGION": "eu-central-1"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_lazy_module_is_executed_at_the_first_attribute_read_and_is_the_module_imports_get() -> None:
    seen = json.loads(run(PROBE))

    assert seen == {
        "bound": True,  # registered as imported: `import` and `from … import` get this very module
        "before": False,  # bound, not executed: its models are not built yet
        "again": True,
        "same": True,
        "after": True,  # the first attribute read executed it
        "detail_type": "portal.reading.submitted.v1",
    }


def test_a_module_imported_already_is_handed_back_as_it_is() -> None:
    assert json.loads(run(ALREADY)) is True


def test_a_module_that_does_not_exist_is_refused_at_once() -> None:
    assert run(MISSING) == "functions.common.no_such_module"
