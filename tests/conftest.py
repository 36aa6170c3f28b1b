from collections.abc import Iterator

import pytest

from tests.stack import LocalStack, start_local_stack


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    """The whole portal as `make run` starts it, on free ports."""
    running = start_local_stack()
    yield running
    running.stop()
