"""The fault matrix (tests/faults.py): every route of template.yaml, the session authorizer, the ASKUE
schedule and both queue workers, each of their AWS calls failed in turn (throttled, a 5xx, a read
timeout). No cell may answer 500, answer done without doing it, leave a change half done, or leave
a state its retry (the same request; the redelivered record) does not complete exactly once —
except the cells tests/faults.py lists as KNOWN, with their reasons. One test: the matrix takes
about half a minute (it does not wait for the next second when sessions end, tests/faults.py)."""

from infra.askue_simulator import AskueSimulator
from infra.world import World
from tests.faults import KNOWN, fault_matrix
from tests.unit.askue_support import askue, simulator  # noqa: F401 (fixtures)


def test_every_aws_call_of_every_route_failing_is_never_a_500_nor_half_done(
    world: World,
    askue: AskueSimulator,  # noqa: F811 (the fixture)
) -> None:
    matrix = fault_matrix(world)

    assert len(matrix) > 250
    assert {c.operation for c in matrix} >= {"POST /api/requests", "mail worker: support reset"}
    assert [c.describe() for c in matrix if c.answer == "500"] == []
    broken = [f"{c.describe()} → {'; '.join(c.problems)}" for c in matrix if not c.consistent and not c.known]
    assert not broken, f"{len(broken)} of {len(matrix)} cells:\n" + "\n".join(broken)
    still = {(c.operation, c.index) for c in matrix if not c.consistent}
    assert set(KNOWN) <= still, f"fixed, remove from KNOWN: {sorted(set(KNOWN) - still)}"
