"""The fault matrix (README «Reliability»): every route of template.yaml, the session authorizer, the
ASKUE schedule and both queue workers, each of their AWS calls failed in turn — throttled, a 5xx, a
read timeout, injected at botocore's `before-call` — and what the portal answered, whether the state
was consistent (nothing half done, the retry done exactly once) and, where it was not, why that is
known and accepted (tests/faults.py, KNOWN).

The same matrix as tests/unit/test_faults.py (which fails on an inconsistent cell not in KNOWN),
against moto in this process, with the ASKUE simulator; it takes a minute or two.

    .venv/bin/python benchmarks/faults.py [--all]   # --all: every cell, not one line per call
"""

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from benchmarks.moto_world import moto_world
    from infra.askue_simulator import AskueSimulator
    from tests.faults import fault_matrix
    from tests.unit.conftest import _copyable_locks

    every = "--all" in sys.argv
    _copyable_locks()
    simulator = AskueSimulator().start()
    began = time.perf_counter()
    try:
        overrides = {"AskueBaseUrl": simulator.url, "PortalUrl": "http://portal.test"}
        with moto_world(overrides, log_level="CRITICAL") as world:
            cells = fault_matrix(world)
    finally:
        simulator.stop()
    seconds = time.perf_counter() - began

    faults = f"{'throttling':<11} {'5xx':<11} {'timeout':<11}"
    print(f"{'operation':<46} {'#':>2} {'AWS call':<42} {faults} consistent")
    rows: dict[tuple[str, int], list] = {}
    for cell in cells:
        rows.setdefault((cell.operation, cell.index), []).append(cell)
    for (operation, index), row in rows.items():
        answers = {c.fault: c.answer for c in row}
        consistent = all(c.consistent for c in row)
        verdict = "yes" if consistent else ("known: " + (row[0].known or "")[:70] if row[0].known else "NO")
        call = " ".join(row[0].call)
        print(
            f"{operation[:46]:<46} {index:>2} {call[:42]:<42} {answers.get('throttling', '-'):<11}"
            f" {answers.get('5xx', '-'):<11} {answers.get('timeout', '-'):<11} {verdict}"
        )
        if every and not consistent:
            for c in row:
                print(f"    {c.fault}: " + "; ".join(c.problems)[:300])
    answers = Counter(c.answer for c in cells)
    broken = [c for c in cells if not c.consistent]
    unknown = [c for c in broken if not c.known]
    print(
        f"\n{len(cells)} cells ({len(rows)} calls × 3 faults)"
        f" over {len({c.operation for c in cells})} operations"
        f" in {seconds:.0f} s; answers: {dict(sorted(answers.items()))}; 500s: {answers['500']} (goal 0);"
        f" inconsistent: {len(broken)}, all known: {not unknown}"
    )
    if answers["500"] or unknown:
        sys.exit(1)


if __name__ == "__main__":
    main()
