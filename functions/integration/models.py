"""Requests and answers of the routes for the company's systems."""

from pydantic import BaseModel

from functions.common.fields import Email
from functions.requests.models import LABELS as REQUEST_LABELS

LABELS = {**REQUEST_LABELS, "email": "Email"}


class PasswordReset(BaseModel):
    email: Email


class PasswordResetDone(BaseModel):
    detail: str = "Новый пароль отправлен потребителю на email."
