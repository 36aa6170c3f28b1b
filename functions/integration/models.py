"""Requests and answers of the routes for the company's systems."""

from pydantic import BaseModel

from functions.common.fields import Email

LABELS = {"email": "Email"}


class PasswordReset(BaseModel):
    email: Email


class PasswordResetDone(BaseModel):
    detail: str = "Новый пароль отправлен потребителю на email."
