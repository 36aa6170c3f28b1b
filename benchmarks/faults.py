"""The fault matrix (README «Reliability»): every route of template.yaml, the session authorizer, the
ASKUE schedule and both queue workers, each of their AWS calls failed in turn — throttled, a 5xx, a
read timeout, injected at botocore's `before-call`; and, for the operations that owe a mail or an
event, done and then its answer lost, or the function killed right after it — and what the portal
answered, whether the world was consistent once the outbox was relayed and the mail delivered
(nothing half done, the retry done exactly once, every notice and event delivered once) and, where it
was not, why that is known and accepted (tests/faults.py, KNOWN, which never accepts a lost notice or
event).

The same matrix as tests/unit/test_faults.py (which fails on an inconsistent cell not listed), against
moto in this process, with the ASKUE simulator; it takes a minute or two. Its last line is README's
figures of the matrix (the test holds the README to them, the time apart).

    .venv/bin/python benchmarks/faults.py [--all] [--everywhere]
    # --all: every inconsistent cell, and its kinds; --everywhere: the faults after the call for
    # every operation, not only those that owe a mail or an event (what the test leaves out)
"""

import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from tests.faults import Cell


def verdict(row: list["Cell"]) -> str:
    if all(c.consistent for c in row):
        return "yes"
    if not all(c.explained for c in row):
        return "NO"
    found = sorted(set().union(*(c.kinds for c in row)))
    return f"known: {', '.join(found)}"


def table(cells: list["Cell"], every: bool) -> None:
    from tests.faults import FAULTS

    print(
        f"{'operation':<44} {'#':>2} {'AWS call':<38} " + " ".join(f"{f:<11}" for f in FAULTS) + " consistent"
    )
    rows: dict[tuple[int, int], list[Cell]] = {}
    for cell in cells:
        rows.setdefault((cell.step, cell.index), []).append(cell)
    for row in rows.values():
        first = row[0]
        answers = {c.fault: c.answer for c in row}
        print(
            f"{first.operation[:44]:<44} {first.index:>2} {' '.join(first.call)[:38]:<38} "
            + " ".join(f"{answers.get(f, '-'):<11}" for f in FAULTS)
            + f" {verdict(row)}"
        )
        for c in row if every else []:
            if not c.consistent:
                print(f"    {c.fault}: {sorted(c.kinds)}: " + "; ".join(c.problems)[:400])


def main() -> None:
    from benchmarks.moto_world import moto_world
    from infra.askue_simulator import AskueSimulator
    from tests.faults import fault_matrix
    from tests.unit.conftest import _copyable_locks

    _copyable_locks()
    simulator = AskueSimulator().start()
    began = time.perf_counter()
    try:
        overrides = {"AskueBaseUrl": simulator.url, "PortalUrl": "http://portal.test"}
        with moto_world(overrides, log_level="CRITICAL") as world:
            matrix = fault_matrix(world, everywhere="--everywhere" in sys.argv)
    finally:
        simulator.stop()
    seconds = time.perf_counter() - began
    cells = matrix.cells

    table(cells, every="--all" in sys.argv)
    answers = Counter(c.answer for c in cells)
    broken = [c for c in cells if not c.consistent]
    unexplained = [c for c in broken if not c.explained]
    print(
        f"\nanswers: {dict(sorted(answers.items()))}; 500s: {answers['500']} (goal 0);"
        f" inconsistent: {len(broken)},"
        f" all listed with their kinds: {not unexplained}"
    )
    print(f"\n{matrix.figures()}, about {seconds:.0f} s.")
    if answers["500"] or unexplained:
        sys.exit(1)


if __name__ == "__main__":
    main()
