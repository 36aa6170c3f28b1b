"""Addresses as two domains match them: «Мои объекты» keeps each object's settlement, street and house,
and an outage names the settlements, streets and houses it affects (docs/architecture.md «Domain rules
→ Outages»). People and billing spell the same place differently — «г. Москва» and «Москва», «ул.
Лесная» and «Лесная улица», «пос. Луч» and «п. Луч», «Берёзовая» and «Березовая», «д. 5 а» and «5А» —
so both sides are compared by their *normalised* forms, never as typed (the typed text is kept and
shown).

The rules, and why:

- case and «ё» do not matter (lower case, «ё» → «е»); punctuation is a space; spaces collapse;
- a settlement's type word (г., город, пос., п., посёлок, пгт, рп, с., село, д., дер., деревня, х.,
  хутор, ст-ца, мкр…) is dropped: two settlements of one name and different types in one grid
  company's area are rare, and «г. Москва» = «Москва» is what people expect;
- a street's type «улица» (ул.) is dropped, being the one people leave out («Лесная, 5» is «ул.
  Лесная, 5»); every other type is kept in one canonical spelling in front («пер. Лесной» = «Лесной
  переулок» = «пер Лесной», but not «ул. Лесная»), since «Ленина ул.» and «Ленина пр-т» are two streets;
- a house drops «д.»/«дом», spaces and the punctuation around its letter («5 а», «5-а», «д. 5А» are
  «5а»), and spells a building «к» and a structure «с» («5 корп. 2» = «5к2»).

With ФИАС/ГАР codes (the company's billing often has them) an address would be matched by the code of
its street (ГАР's `OBJECTGUID` of the street's level) and of its house: `street_key` below would be
that GUID and nothing else would change (architecture «Domain rules → Outages»).

House lists and ranges, as an outage names them: «1-15, 17, 21а». A range covers every house whose
number is in it, with or without a letter or a building («3а», «7к1»); a house with a letter is named
alone. An empty list is the whole street.
"""

import re
from dataclasses import dataclass

_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[.,;:«»\"'()№]")

_SETTLEMENT_TYPES = frozenset(
    [
        "г",
        "гор",
        "город",
        "пос",
        "п",
        "поселок",
        "пгт",
        "рп",
        "кп",
        "дп",
        "с",
        "село",
        "д",
        "дер",
        "деревня",
        "х",
        "хутор",
        "ст",
        "ст-ца",
        "станица",
        "сл",
        "слобода",
        "аул",
        "мкр",
        "микрорайон",
        "снт",
        "днт",
        "тер",
        "территория",
        "нп",
    ]
)
# Canonical street types (the first of each row) and their other spellings. «улица» is the default.
_STREET_TYPES: dict[str, str] = {
    spelling: row.split()[0]
    for row in (
        "пер переулок",
        "пр-кт проспект пр-т просп пр",
        "пр-д проезд",
        "б-р бульвар бул",
        "ш шоссе",
        "пл площадь",
        "наб набережная",
        "туп тупик",
        "аллея ал",
        "мкр микрорайон",
        "тракт",
        "линия лин",
    )
    for spelling in row.split()
}
_DEFAULT_STREET_TYPES = frozenset({"ул", "улица"})
_HOUSE_WORDS = re.compile(r"\b(д|дом|вл|владение)\b\.?", re.IGNORECASE)
_BUILDING = re.compile(r"\b(корп|корпус|к)\b\.?\s*", re.IGNORECASE)
_STRUCTURE = re.compile(r"\b(стр|строение|с)\b\.?\s*", re.IGNORECASE)
_HOUSE_NUMBER = re.compile(r"^(\d{1,5})(.*)$")
_RANGE = re.compile(r"^(\d{1,5})\s*[-–—]\s*(\d{1,5})$")
MAX_RANGE = 2000  # houses in one range: a street longer than this does not exist


def _words(text: str) -> list[str]:
    text = text.lower().replace("ё", "е")
    return _PUNCTUATION.sub(" ", text).split()


def settlement_key(settlement: str) -> str:
    """«г. Москва» → «москва»; «пос. Берёзовый» → «березовый»."""
    words = [word for word in _words(settlement) if word not in _SETTLEMENT_TYPES]
    return " ".join(words)


def street_name_key(street: str) -> str:
    """«ул. Лесная» → «лесная»; «Лесной переулок» → «пер лесной»; «пр-т Мира» → «пр-кт мира»."""
    words = _words(street)
    kinds = [_STREET_TYPES[word] for word in words if word in _STREET_TYPES]
    names = [word for word in words if word not in _STREET_TYPES and word not in _DEFAULT_STREET_TYPES]
    return " ".join([*kinds[:1], *names])


def street_key(settlement: str, street: str | None) -> str:
    """The key objects and outages meet by: the normalised settlement and street («москва|лесная»);
    a settlement without streets (a village) is «березки|»."""
    return f"{settlement_key(settlement)}|{street_name_key(street or '')}"


def house_key(house: str) -> str:
    """«д. 5 А» → «5а»; «12 корп. 2» → «12к2»; «7 стр 1» → «7с1»."""
    text = _HOUSE_WORDS.sub(" ", house.lower().replace("ё", "е"))
    text = _BUILDING.sub("к", text)
    text = _STRUCTURE.sub("с", text)
    return re.sub(r"[\s.,\-–—«»\"']", "", text)


def house_number(house: str) -> int | None:
    """The leading number of a normalised house («21а» → 21), None when it has none."""
    found = _HOUSE_NUMBER.match(house)
    return int(found.group(1)) if found else None


class BadHouses(ValueError):
    """A list of houses that cannot be read; the message says which part, in Russian."""


@dataclass(frozen=True)
class Houses:
    """The houses of a street an outage affects: ranges of numbers and single houses; none at all is
    the whole street."""

    ranges: tuple[tuple[int, int], ...] = ()
    single: frozenset[str] = frozenset()

    @property
    def whole_street(self) -> bool:
        return not self.ranges and not self.single

    def covers(self, house: str) -> bool:
        """Whether the house (as typed or normalised) is among these."""
        if self.whole_street:
            return True
        key = house_key(house)
        if key in self.single:
            return True
        number = house_number(key)
        return number is not None and any(low <= number <= high for low, high in self.ranges)


def parse_houses(text: str) -> Houses:
    """«1-15, 17, 21а» → the ranges and single houses; «» → the whole street. Raises BadHouses."""
    ranges: list[tuple[int, int]] = []
    single: set[str] = set()
    for part in (part.strip() for part in re.split(r"[,;]", text)):
        if not part:
            continue
        found = _RANGE.match(part)
        if found:
            low, high = int(found.group(1)), int(found.group(2))
            if low > high or high - low > MAX_RANGE:
                raise BadHouses(f"«{part}»: диапазон домов — от меньшего номера к большему, например 1-15")
            ranges.append((low, high))
            continue
        key = house_key(part)
        if not key or house_number(key) is None or len(key) > 20:
            raise BadHouses(f"«{part}»: номер дома — число, можно с буквой или корпусом, например 21а, 7к1")
        single.add(key)
    return Houses(tuple(ranges), frozenset(single))
