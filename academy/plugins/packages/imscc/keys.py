"""Stable Academy ids (``^[a-z][a-z0-9-]{0,79}$``) made from cartridge identifiers.

The same cartridge always gives the same ids, so importing it again updates
the course instead of duplicating it.  An identifier that already is a valid
id (as in Academy's own exports) is kept unchanged.
"""

from __future__ import annotations

import re
import unicodedata

from academy.plugins.packages.checks import ID_PATTERN

LIMIT = 80
_INVALID = re.compile(r"[^a-z0-9]+")


def slugify(value: str, *, limit: int = LIMIT) -> str:
    """Lower-case ASCII letters, digits and single hyphens; "" if nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return _INVALID.sub("-", ascii_text.lower()).strip("-")[:limit].strip("-")


def as_id(identifier: str, fallback: str = "item") -> str:
    """``identifier`` as a valid id (prefixed when it does not start with a letter)."""
    if ID_PATTERN.match(identifier):
        return identifier
    value = slugify(identifier) or fallback
    if not value[0].isalpha():
        value = f"{fallback}-{value}"
    return value[:LIMIT].strip("-")


class Keys:
    """Hands out ids that are unique within one scope (a course, or one quiz)."""

    def __init__(self, reserved: set[str] | None = None) -> None:
        self.used: set[str] = set(reserved or ())

    def take(self, identifier: str, fallback: str = "item") -> str:
        base = as_id(identifier, fallback)
        key, number = base, 1
        while key in self.used:
            number += 1
            suffix = f"-{number}"
            key = base[: LIMIT - len(suffix)].rstrip("-") + suffix
        self.used.add(key)
        return key
