"""Language names and the language a page's course texts are shown in."""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError
from flask_babel import get_locale


@functools.lru_cache(maxsize=512)
def display_name(code: str, in_locale: str) -> str:
    """The name of language ``code`` in the language ``in_locale`` (the code if unknown)."""
    try:
        name = Locale.parse(code).get_display_name(in_locale)
    except (UnknownLocaleError, ValueError):
        return code
    return name or code


def ui_language() -> str:
    """The interface language of the current request (e.g. "fr")."""
    return str(get_locale() or "en")


def language_name(code: str) -> str:
    """The name of language ``code`` in the current interface language."""
    return display_name(code, ui_language())
