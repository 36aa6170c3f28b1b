"""What the OpenAPI document promises about a field is what the code accepts (property-based).

The fuzzing of the API (tests/api/test_api_fuzz.py) sends what the document calls invalid and
expects a refusal; these properties pin the patterns the document states to the parsers behind them.
"""

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from functions.common.safe_json import loads
from functions.readings.models import READING_TEXT_PATTERN, TariffValues

# Digits, separators, the spaces the parser ignores, and what it must not: a tab, a sign, a letter,
# Arabic-Indic digits (Python's \d would take them).
READING_ALPHABET = "0123456789,. \u00a0\u2009\u202f\t-e\u0663"
NOT_READABLE = {"reading_not_a_number", "reading_negative"}


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=READING_ALPHABET, max_size=14))
def test_the_documented_reading_pattern_is_exactly_what_the_parser_reads(text: str) -> None:
    try:
        TariffValues.model_validate({"t1": text})
        readable = True
    except ValidationError as error:
        # Too many digits is a reading with a limit the document states in words, not a pattern.
        readable = not {e["type"] for e in error.errors()} & NOT_READABLE

    assert (re.fullmatch(READING_TEXT_PATTERN, text) is not None) == readable, text


def _outcome(value: object) -> object:
    try:
        return TariffValues.model_validate({"t1": value}).t1
    except ValidationError as error:
        return {e["type"] for e in error.errors()}


# JSON numbers without an exponent that a float holds exactly (at most 14 significant digits).
JSON_NUMBERS = st.from_regex(r"-?(0|[1-9][0-9]{0,9})(\.[0-9]{1,4})?", fullmatch=True)


@settings(max_examples=500, deadline=None)
@given(JSON_NUMBERS)
def test_a_reading_sent_as_a_json_number_follows_the_rule_of_the_same_digits_as_a_string(
    literal: str,
) -> None:
    # The number as the API reads the body (safe_json: -0 keeps its sign) against the string.
    assert _outcome(loads(literal)) == _outcome(literal), literal
