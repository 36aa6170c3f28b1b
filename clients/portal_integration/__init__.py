
""" A client library for accessing Личный кабинет потребителя — API """
from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
