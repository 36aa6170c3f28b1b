"""The one backoff between the tries of a loop that botocore cannot retry for us.

AWS throttling and transient faults are retried by botocore itself (standard mode, `common/aws.py`).
What remains are our own loops: an optimistic write that lost a race to another writer (the
request number's counter, a meter's "never lower" state), keys a BatchGetItem left unread, and a
transient fault of ASKUE. They all wait the same way: full jitter (a random wait between 0 and a
ceiling that doubles with each try, never above `cap`; AWS's architecture blog "Exponential Backoff
And Jitter" measures it as the best spread for competing writers), and never past a deadline.
"""

import random
import time
from collections.abc import Callable

_MAX_DOUBLINGS = 60  # 2**60 × any sensible first ceiling is far above any cap: no float overflow


def full_jitter(retry: int, first: float, cap: float) -> float:
    """The wait before retry number `retry` (0 for the first retry): uniform in
    [0, min(cap, first × 2**retry)]."""
    ceiling = min(cap, first * 2 ** min(max(retry, 0), _MAX_DOUBLINGS))
    return random.uniform(0, ceiling)  # noqa: S311 (jitter, not secrecy)  # nosec B311


class Backoff:
    """Waits between the tries of one operation: full jitter from `first`, at most `cap` each, and
    all of them (with the tries) within `budget` seconds from its creation.

        backoff = Backoff(first=0.04, cap=3.0, budget=10.0)
        while True:
            if try_once():
                return
            if not backoff.wait():
                raise GaveUp          # the deadline is reached: no time for another try
    """

    def __init__(
        self,
        first: float,
        cap: float,
        budget: float,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._first = first
        self._cap = cap
        self._sleep = sleep
        self._clock = clock
        self.deadline = clock() + budget
        self.retries = 0  # waits taken so far

    def expired(self) -> bool:
        return self._clock() >= self.deadline

    def wait(self) -> bool:
        """Sleeps the next wait, cut short at the deadline; whether time is left for another try."""
        remaining = self.deadline - self._clock()
        if remaining <= 0:
            return False
        pause = min(full_jitter(self.retries, self._first, self._cap), remaining)
        self.retries += 1
        self._sleep(pause)
        return not self.expired()
