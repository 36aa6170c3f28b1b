
""" A client library for accessing Личный кабинет потребителя — API """
from .client import AuthenticatedClient, Client
from .integrator import IntegrationClient, ProblemError, RetryPolicy, cursor_pages, feed_pages

__all__ = (
    "AuthenticatedClient",
    "Client",
    "IntegrationClient",
    "ProblemError",
    "RetryPolicy",
    "cursor_pages",
    "feed_pages",
)
