"""The account mails: a neutral greeting (never «Здравствуйте, ООО …»: an organisation's mail is
read by its representative), and every moment in Moscow time, said so."""

import re
from datetime import UTC, datetime

import pytest

from functions.auth import mails
from functions.common import russian

AT = russian.date_time(datetime(2026, 11, 29, 21, 30, tzinfo=UTC))

MAILS = {
    "welcome": mails.welcome("office@roga.ru", "Abcdefgh23456k"),
    "already_registered": mails.already_registered("office@roga.ru"),
    "password_changed": mails.password_changed(AT),
    "password_reset": mails.password_reset("office@roga.ru", "Abcdefgh23456k"),
    "reset_code": mails.reset_code("123456", AT),
    "profile_changed": mails.profile_changed(["телефон"], AT),
    "account_deleted": mails.account_deleted(AT),
}


@pytest.mark.parametrize("name", sorted(MAILS))
def test_every_account_mail_greets_neutrally(name: str) -> None:
    _, text = MAILS[name]

    assert text.startswith("Здравствуйте!\n")
    assert "ООО" not in text


@pytest.mark.parametrize("name", ["password_changed", "reset_code", "profile_changed", "account_deleted"])
def test_every_moment_in_a_mail_is_moscow_time(name: str) -> None:
    _, text = MAILS[name]

    assert "30.11.2026 00:30 (МСК)" in text  # 21:30 UTC is 00:30 the next day in Moscow
    assert not re.search(r"\bUTC\b", text)
