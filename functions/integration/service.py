"""What the company's systems may do: support resets a consumer's password."""

from aws_lambda_powertools import Logger

from functions.common.identity import UnknownAccount, UserDirectory, generate_password
from functions.common.mail import send_mail
from functions.common.problems import not_found
from functions.common.sessions import end_sessions

logger = Logger()


def reset_password(email: str) -> None:
    """Sets a new random password, ends every session of the account and mails the password."""
    directory = UserDirectory()
    password = generate_password()
    try:
        directory.set_password(email, password)
    except UnknownAccount:
        raise not_found("Потребитель с таким email не зарегистрирован.") from None
    end_sessions(directory.user_id(email), email)
    send_mail(
        email,
        "Новый пароль от личного кабинета потребителя",
        f"""Здравствуйте!

По вашему обращению в службу поддержки пароль от личного кабинета потребителя сброшен.

Имя пользователя: {email}
Новый пароль: {password}

Все прежние сеансы входа завершены. Пароль можно сменить в разделе «Профиль».
Если вы не обращались в поддержку, сообщите об этом сетевой компании.""",
    )
    logger.info("password reset by support")
