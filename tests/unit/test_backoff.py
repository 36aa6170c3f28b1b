"""The one backoff (functions/common/backoff.py): full jitter, capped, never past its deadline. Pure:
a fake clock and a recorded sleep, no AWS and no real waiting."""

import random

import pytest

from functions.common import backoff
from functions.common.backoff import Backoff, full_jitter


class FakeTime:
    """A clock that moves only when something sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.slept.append(seconds)
        self.now += seconds


def test_each_wait_is_between_zero_and_a_ceiling_that_doubles_up_to_the_cap() -> None:
    for retry in range(80):
        ceiling = min(3.0, 0.04 * 2**retry)
        waits = [full_jitter(retry, first=0.04, cap=3.0) for _ in range(200)]

        assert all(0 <= wait <= ceiling for wait in waits), retry
        assert max(waits) > ceiling / 2, "the whole range is used, not only its bottom"


def test_a_huge_retry_number_is_still_the_cap() -> None:
    assert 0 <= full_jitter(10_000, first=0.01, cap=3.0) <= 3.0


def test_waits_grow_with_each_retry_and_never_pass_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backoff.random, "uniform", lambda low, high: high)  # always the longest wait
    time = FakeTime()
    waiting = Backoff(first=0.1, cap=1.0, budget=3.0, sleep=time.sleep, clock=time.clock)

    tries = 1
    while waiting.wait():
        tries += 1

    assert time.slept == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.0, 0.5])  # the last one cut at the deadline
    assert time.now == pytest.approx(waiting.deadline)
    assert tries == 6  # a try after each wait that left time for it
    assert waiting.expired()
    assert not waiting.wait()
    assert len(time.slept) == 6, "no wait once the deadline is reached"


def test_random_waits_stay_within_their_bounds_and_the_budget() -> None:
    random.seed(7)
    for _ in range(200):
        time = FakeTime()
        started = time.now
        waiting = Backoff(first=0.01, cap=3.0, budget=10.0, sleep=time.sleep, clock=time.clock)
        while waiting.wait():
            pass

        assert all(0 <= wait <= min(3.0, 0.01 * 2**n) for n, wait in enumerate(time.slept))
        assert time.now - started == pytest.approx(10.0)


def test_a_budget_spent_on_tries_leaves_no_wait() -> None:
    time = FakeTime()
    waiting = Backoff(first=0.1, cap=1.0, budget=0.5, sleep=time.sleep, clock=time.clock)
    time.now += 0.6  # the tries themselves took the whole budget

    assert not waiting.wait()
    assert time.slept == []
