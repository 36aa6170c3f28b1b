"""Addresses matched by their normalised forms (functions/common/addresses.py): an object's street and
an outage's meet however each was typed; house lists and ranges as an outage names them."""

import pytest

from functions.common.addresses import BadHouses, house_key, parse_houses, settlement_key, street_key


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("г. Москва", "ул. Лесная"), ("Москва", "Лесная")),
        (("пос. Берёзовый", "Лесная улица"), ("п Березовый", "ул Лесная")),
        (("ПГТ Луч", "Лесной переулок"), ("Луч", "пер. Лесной")),
        (("с. Ивановка", "пр-т Мира"), ("село Ивановка", "проспект Мира")),
        (("д. Берёзки", None), ("деревня Березки", "")),
    ],
)
def test_the_same_street_typed_differently_has_one_key(
    one: tuple[str, str | None], other: tuple[str, str | None]
) -> None:
    assert street_key(*one) == street_key(*other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("Москва", "ул. Ленина"), ("Москва", "пр-т Ленина")),
        (("Москва", "Лесная"), ("Москва", "Лесной пер.")),
        (("Бор", "Лесная"), ("Луч", "Лесная")),
    ],
)
def test_different_streets_have_different_keys(one: tuple[str, str], other: tuple[str, str]) -> None:
    assert street_key(*one) != street_key(*other)


def test_a_settlement_loses_its_type_and_its_yo() -> None:
    assert settlement_key("пос. Берёзовый") == "березовый"
    assert settlement_key("г Москва") == "москва"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("д. 5 А", "5а"),
        ("5-а", "5а"),
        ("дом 5А", "5а"),
        ("12 корп. 2", "12к2"),
        ("7 стр 1", "7с1"),
        ("21", "21"),
    ],
)
def test_a_house_is_compared_without_its_spaces_words_and_case(typed: str, key: str) -> None:
    assert house_key(typed) == key


def test_a_list_of_houses_takes_ranges_and_single_houses() -> None:
    houses = parse_houses("1-15, 17, 21а")

    assert [house for house in ("1", "3а", "15", "7к1", "17", "21а") if houses.covers(house)] == [
        "1",
        "3а",
        "15",
        "7к1",
        "17",
        "21а",
    ]
    assert not any(houses.covers(house) for house in ("16", "21", "21б", "б/н"))


def test_no_houses_is_the_whole_street() -> None:
    assert parse_houses(" ").whole_street
    assert parse_houses("").covers("999")


@pytest.mark.parametrize("text", ["15-1", "1-99999", "дом", "а5", "1, , x"])
def test_a_list_that_cannot_be_read_is_refused_naming_the_part(text: str) -> None:
    with pytest.raises(BadHouses, match="«"):
        parse_houses(text)
