"""What the ASKUE unit tests share: the simulator on a free port, the functions pointed at it."""

from collections.abc import Iterator
from typing import Any

import pytest

from functions.common.settings import load_settings
from infra.askue_simulator import AskueSimulator
from infra.world import World
from tests.unit.conftest import api_event

CONSUMER = {"sub": "user-askue-1", "email": "askue@example.ru"}
OTHER_CONSUMER = {"sub": "user-askue-2", "email": "other@example.ru"}
DEMO = {"login": "demo", "password": "demo-askue-1"}


@pytest.fixture
def simulator() -> Iterator[AskueSimulator]:
    running = AskueSimulator(hang_seconds=5).start()
    yield running
    running.stop()


@pytest.fixture
def askue(
    world: World, simulator: AskueSimulator, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AskueSimulator]:
    """The moto world with the functions' ASKUE_BASE_URL at the simulator and short timeouts."""
    monkeypatch.setenv("ASKUE_BASE_URL", simulator.url)
    monkeypatch.setenv("ASKUE_READ_TIMEOUT", "0.4")
    monkeypatch.setenv("ASKUE_BUDGET_SECONDS", "1.2")
    load_settings.cache_clear()
    yield simulator
    load_settings.cache_clear()


def consumer_event(
    method: str, path: str, body: Any = None, claims: dict[str, str] = CONSUMER
) -> dict[str, Any]:
    return api_event(method, path, body, claims=claims)
