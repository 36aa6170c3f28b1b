"""The mail a consumer gets from the ASKUE sync (plain Russian text)."""

from datetime import datetime

from functions.common import russian


def credentials_rejected(login: str, at: datetime, portal_url: str) -> tuple[str, str]:
    when = russian.date_time(at).replace(" ", " в ", 1)
    return (
        "АСКУЭ не принимает сохранённый пароль",
        f"""Здравствуйте!

{when} (МСК) система АСКУЭ не приняла сохранённые в личном кабинете идентификатор «{login}» и пароль.
Автоматическое обновление данных АСКУЭ приостановлено; последние полученные данные сохранены.

Чтобы возобновить обновление, откройте «Показания» → «АСКУЭ» ({portal_url.rstrip("/")}/#/readings/askue),
введите действующие идентификатор и пароль, отметьте «Запомнить для автоматического обновления»
и нажмите «Получить данные». Чтобы портал больше не хранил пароль, нажмите там «Забыть».

Это письмо отправлено один раз; пока пароль не обновлён, повторных писем не будет.
""",
    )
