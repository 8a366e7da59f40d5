"""Certificate codes: short, unambiguous, typed by people and checked before any look-up.

A code is eleven random symbols and one check symbol from Crockford's base32
alphabet (digits and capitals without I, L, O and U), printed in three groups
of four: ``7KQ2-M9XD-4TRB``.  Eleven symbols carry 55 random bits.

The check symbol makes the whole code a word of a linear code over GF(32):
``sum(alpha**i * symbol[i] for i in range(12)) == 0`` where ``alpha`` is a
primitive element of the field.  Because the twelve weights ``alpha**i`` are
distinct and non-zero, every change of a single symbol and every swap of two
adjacent different symbols (the check symbol included) gives a non-zero sum,
so such typing mistakes are always detected instead of finding someone
else's certificate.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DATA_LENGTH = 11
LENGTH = DATA_LENGTH + 1
GROUP = 4
PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")

_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
#: Letters people type for the digits they look like (Crockford's decoding rules).
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.·]+")

# GF(32) built on the primitive polynomial x^5 + x^2 + 1: exp/log tables of alpha = x.
_POLY = 0b100101
_EXP = [0] * 62
_LOG = [0] * 32
_element = 1
for _power in range(31):
    _EXP[_power] = _EXP[_power + 31] = _element
    _LOG[_element] = _power
    _element <<= 1
    if _element & 0b100000:
        _element ^= _POLY


def _times_alpha_power(value: int, power: int) -> int:
    """``value * alpha**power`` in GF(32)."""
    if value == 0:
        return 0
    return _EXP[(_LOG[value] + power) % 31]


def _syndrome(values: list[int]) -> int:
    """The weighted sum ``sum(alpha**i * values[i])``; addition in GF(32) is XOR."""
    total = 0
    for position, value in enumerate(values):
        total ^= _times_alpha_power(value, position)
    return total


def check_symbol(data: str) -> str:
    """The check symbol that completes eleven data symbols into a valid code."""
    if len(data) != DATA_LENGTH or any(symbol not in _VALUE for symbol in data):
        raise ValueError("a code's data part is eleven symbols of the code alphabet")
    partial = _syndrome([_VALUE[symbol] for symbol in data])
    # alpha**11 * check == partial (characteristic 2), so check = partial * alpha**-11.
    return ALPHABET[_times_alpha_power(partial, 31 - DATA_LENGTH)]


def _group(symbols: str) -> str:
    return "-".join(symbols[start : start + GROUP] for start in range(0, len(symbols), GROUP))


def new_code() -> str:
    """A fresh random code in its printed form, e.g. ``7KQ2-M9XD-4TRB``."""
    data = "".join(secrets.choice(ALPHABET) for _ in range(DATA_LENGTH))
    return _group(data + check_symbol(data))


def normalise(text: str) -> str:
    """The printed form of what someone typed or scanned.

    Tolerates lower case, spaces, dashes, dots and underscores anywhere, full-
    width characters, and the look-alike letters O (for 0) and I or L (for 1).
    Text that does not have the right number of symbols is returned cleaned
    but ungrouped, so that :func:`is_valid` rejects it.
    """
    cleaned = unicodedata.normalize("NFKC", text).upper()
    cleaned = _SEPARATORS.sub("", cleaned).translate(_LOOKALIKES)
    if len(cleaned) == LENGTH and all(symbol in _VALUE for symbol in cleaned):
        return _group(cleaned)
    return cleaned


def is_valid(code: str) -> bool:
    """True for a code in its printed form whose check symbol is right."""
    if not PATTERN.match(code):
        return False
    return _syndrome([_VALUE[symbol] for symbol in code.replace("-", "")]) == 0


def parse(text: str) -> str | None:
    """The printed form of a typed code, or None when it is not a valid code."""
    code = normalise(text)
    return code if is_valid(code) else None
