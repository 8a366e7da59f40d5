"""Certificate codes: format, tolerant reading, and detection of typing mistakes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from academy.plugins.certificates import codes

PROPERTIES = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
DATA = st.text(alphabet=codes.ALPHABET, min_size=codes.DATA_LENGTH, max_size=codes.DATA_LENGTH)


def _code(data: str) -> str:
    symbols = data + codes.check_symbol(data)
    return f"{symbols[:4]}-{symbols[4:8]}-{symbols[8:]}"


def test_new_codes_are_grouped_valid_and_distinct() -> None:
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000
    for code in made:
        assert codes.PATTERN.match(code)
        assert codes.is_valid(code)
        assert not set(code) & set("ILOU")


def test_alphabet_is_crockford_base32() -> None:
    assert len(codes.ALPHABET) == 32 == len(set(codes.ALPHABET))
    assert not set(codes.ALPHABET) & set("ILOU")


@pytest.mark.parametrize(
    "typed",
    [
        "{code}",
        "{lower}",
        "{bare}",
        " {spaced} ",
        "{lower_o}",
        "{fullwidth}",
        "{dotted}",
    ],
)
def test_normalise_tolerates_how_people_type(typed: str) -> None:
    code = _code("0123456789A")  # holds 0 and 1, so O, I and L can stand in for them
    bare = code.replace("-", "")
    forms = {
        "code": code,
        "lower": code.lower(),
        "bare": bare,
        "spaced": " ".join(bare[i : i + 3] for i in range(0, 12, 3)),
        "lower_o": bare.lower().replace("0", "o").replace("1", "l"),
        "fullwidth": "".join(chr(ord(c) + 0xFEE0) for c in bare),
        "dotted": code.replace("-", "."),
    }
    assert codes.normalise(typed.format(**forms)) == code
    assert codes.parse(typed.format(**forms)) == code


@pytest.mark.parametrize("text", ["", "ABCD", "ABCD-EFGH-JKMN-PQRS", "ABCD-EFGH-JKM!", "ÜÜÜÜ"])
def test_parse_refuses_what_is_not_a_code(text: str) -> None:
    assert codes.parse(text) is None


def test_is_valid_wants_the_printed_form() -> None:
    code = _code("0123456789A")
    assert codes.is_valid(code)
    assert not codes.is_valid(code.replace("-", ""))
    assert not codes.is_valid(code.lower())


def test_check_symbol_refuses_bad_data() -> None:
    with pytest.raises(ValueError, match="eleven"):
        codes.check_symbol("0123456789")
    with pytest.raises(ValueError, match="eleven"):
        codes.check_symbol("0123456789U")


@PROPERTIES
@given(data=DATA)
def test_every_completed_code_is_valid(data: str) -> None:
    assert codes.is_valid(_code(data))


@PROPERTIES
@given(data=DATA, position=st.integers(0, codes.LENGTH - 1), symbol=st.sampled_from(codes.ALPHABET))
def test_any_single_symbol_change_is_detected(data: str, position: int, symbol: str) -> None:
    symbols = list(data + codes.check_symbol(data))
    if symbols[position] == symbol:
        return
    symbols[position] = symbol
    assert not codes.is_valid(_group(symbols))


@PROPERTIES
@given(data=DATA, position=st.integers(0, codes.LENGTH - 2))
def test_any_adjacent_transposition_is_detected(data: str, position: int) -> None:
    symbols = list(data + codes.check_symbol(data))
    if symbols[position] == symbols[position + 1]:
        return
    symbols[position], symbols[position + 1] = symbols[position + 1], symbols[position]
    assert not codes.is_valid(_group(symbols))


def test_every_single_change_and_transposition_of_one_code_exhaustively() -> None:
    symbols = list(codes.new_code().replace("-", ""))
    for position in range(codes.LENGTH):
        for symbol in codes.ALPHABET:
            if symbol != symbols[position]:
                changed = symbols.copy()
                changed[position] = symbol
                assert not codes.is_valid(_group(changed))
    for position in range(codes.LENGTH - 1):
        if symbols[position] != symbols[position + 1]:
            swapped = symbols.copy()
            swapped[position], swapped[position + 1] = swapped[position + 1], swapped[position]
            assert not codes.is_valid(_group(swapped))


def _group(symbols: list[str]) -> str:
    text = "".join(symbols)
    return f"{text[:4]}-{text[4:8]}-{text[8:]}"
