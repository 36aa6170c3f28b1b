"""Who calls a consumer route: what the rules of every domain are handed, apart from HTTP."""

from pydantic import BaseModel


class Caller(BaseModel):
    """The consumer the session authorizer let through (functions/authorizer/handler.py)."""

    user_id: str
    email: str
