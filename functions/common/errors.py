"""What went wrong, in the domain's terms: the only exceptions a refusal raises below a handler.

Services, rules and stores say what happened — not found, refused input, a conflict, try later, too
many attempts, not logged in — with the Russian title and detail the caller reads and, for input,
each refused field with what to fix. They know nothing of HTTP: one table in functions/common/api.py
(`ERROR_ANSWERS`) gives each kind its status and headers (docs/architecture.md, «Errors»). A domain
raises these kinds or its own subclasses of them; a new kind needs its row in that table.
"""

from collections.abc import Iterable
from typing import TypeVar

from pydantic import BaseModel

CHECK_INPUT = "Проверьте введённые данные"
E = TypeVar("E", bound="DomainError")


class FieldError(BaseModel):
    """A refused field (its dotted name in the body, query or header) and what to fix in it."""

    field: str
    message: str


class DomainError(Exception):
    """A refusal: its Russian title and detail, the fields it names, and when to try again."""

    retry_after: int | None = None  # seconds; only the kinds that may say so set it
    # The kind of problem a program branches on, when more precise than the exception's kind
    # (functions/common/problems.py's PROBLEM_KINDS; `coded` sets it).
    code: str | None = None

    def __init__(self, title: str, detail: str, errors: Iterable[FieldError] = ()) -> None:
        super().__init__(detail)
        self.title = title
        self.detail = detail
        self.errors = list(errors)


class NotFound(DomainError):
    """What the caller names does not exist, or is not theirs to see (the same answer)."""

    def __init__(self, detail: str, title: str = "Не найдено") -> None:
        super().__init__(title, detail)


class InvalidInput(DomainError):
    """The input breaks a rule: each refused field with what to fix."""


def coded(error: "E", code: str) -> "E":
    """`error`, named as the kind of problem `code` (one of problems.py's PROBLEM_KINDS)."""
    error.code = code
    return error


class NeedsConfirmation(InvalidInput):
    """The input is possible but unusual (a counter that rolled over, an implausible jump): sent
    again with the boolean field `confirm` set to true, it is accepted. The answer names that field
    (`confirm` in the problem details), so a client can offer a checkbox instead of a dead end."""

    code = "needs-confirmation"

    def __init__(self, title: str, detail: str, errors: Iterable[FieldError] = (), *, confirm: str) -> None:
        super().__init__(title, detail, errors)
        self.confirm = confirm


class Conflict(DomainError):
    """The state does not allow it: it changed meanwhile, is being done, or is done already."""


class PreconditionFailed(DomainError):
    """The caller said what state it expected (`expected_status`), and the state is another: nothing
    was changed; read it again and decide."""


class Expired(DomainError):
    """What the caller asks for was kept for a while and is gone (a change feed's cursor older than
    its retention): start again from what is current."""


class Unauthorized(DomainError):
    """Who calls is not established: wrong credentials, an ended session."""


class TryLater(DomainError):
    """Nothing was done: what the portal needs is busy or out of reach; the same call may succeed
    later, after `retry_after` seconds when the portal knows when."""

    def __init__(
        self, title: str, detail: str, errors: Iterable[FieldError] = (), *, retry_after: int | None = None
    ) -> None:
        super().__init__(title, detail, errors)
        self.retry_after = retry_after


class ServiceUnavailable(TryLater):
    """A service the portal runs on (AWS) was throttling or failing; nothing the caller asked for is
    half done, and the same call a minute later is likely to succeed."""

    RETRY_AFTER = 60

    def __init__(self) -> None:
        super().__init__(
            "Сервис временно недоступен",
            "Сервис временно недоступен: не удалось выполнить запрос. Повторите через минуту.",
            retry_after=self.RETRY_AFTER,
        )


class TooManyAttempts(DomainError):
    """Refused because of how often it was tried (a lockout, a limit per hour); `retry_after`
    seconds when the portal knows when the limit ends."""

    def __init__(
        self, title: str, detail: str, errors: Iterable[FieldError] = (), *, retry_after: int | None = None
    ) -> None:
        super().__init__(title, detail, errors)
        self.retry_after = retry_after


class ExternalTimeout(DomainError):
    """A system outside the portal (ASKUE) did not answer in time; nothing was stored."""


class ExternalBadData(DomainError):
    """A system outside the portal (ASKUE) answered with data the portal refuses to read; nothing
    was stored."""


def invalid_field(field: str, message: str) -> InvalidInput:
    """A refusal caused by one field: the message goes both to `detail` and next to the field."""
    return InvalidInput(CHECK_INPUT, message, [FieldError(field=field, message=message)])
