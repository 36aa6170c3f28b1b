"""functions/common/lazy.py: a module bound lazily is imported at the first read of one of its
attributes, not before; one imported already is handed back as it is. Each case runs in a fresh
interpreter (a module imported once stays imported), reading `sys.modules` only: nothing here
depends on timing."""

import json
import subprocess
import sys

from infra.template import ROOT

# functions.common.events builds its event models at import: a module whose import shows.
PROBE = """
import json, sys
from functions.common.lazy import lazy_module
events = lazy_module("functions.common.events")
before = "functions.common.events" in sys.modules
detail_type = events.ReadingSubmitted.DETAIL_TYPE
after = "functions.common.events" in sys.modules
import functions.common.events as imported
print(json.dumps({
    "before": before,
    "after": after,
    "detail_type": detail_type,
    "same_class": events.ReadingSubmitted is imported.ReadingSubmitted,
    "bound_again": lazy_module("functions.common.events") is imported,
}))
"""

# An import elsewhere and the stand-in see one module: what is set on it is read through both.
SHARED = """
import json
from functions.common.lazy import lazy_module
events = lazy_module("functions.common.events")
import functions.common.events as imported
imported.SET_LATER = "seen"
print(json.dumps(events.SET_LATER))
"""

# Threads reading a lazy module at once (the local server runs functions in threads): each waits for
# the one import, none sees the module half-built.
THREADS = """
import json, threading
from functions.common.lazy import lazy_module
events = lazy_module("functions.common.events")
start, seen = threading.Barrier(8), []
def read():
    start.wait()
    try:
        seen.append(events.ReadingSubmitted.DETAIL_TYPE)
    except Exception as error:
        seen.append(repr(error))
threads = [threading.Thread(target=read) for _ in range(8)]
for thread in threads: thread.start()
for thread in threads: thread.join()
print(json.dumps(sorted(set(seen))))
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


def test_a_lazy_module_is_imported_at_the_first_attribute_read_and_is_the_module_imports_get() -> None:
    seen = json.loads(run(PROBE))

    assert seen == {
        "before": False,  # bound, not imported: its models are not built yet
        "after": True,  # the first attribute read imported it
        "detail_type": "portal.reading.submitted.v1",
        "same_class": True,  # the one module, not a copy
        "bound_again": True,  # once imported, lazy_module hands back the module itself
    }


def test_what_is_set_on_the_module_is_read_through_its_lazy_binding() -> None:
    assert json.loads(run(SHARED)) == "seen"


def test_threads_reading_a_lazy_module_at_once_all_see_it_whole() -> None:
    assert json.loads(run(THREADS)) == ["portal.reading.submitted.v1"]


def test_a_module_imported_already_is_handed_back_as_it_is() -> None:
    assert json.loads(run(ALREADY)) is True


def test_a_module_that_does_not_exist_is_refused_when_bound() -> None:
    assert run(MISSING) == "functions.common.no_such_module"
