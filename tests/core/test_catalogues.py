"""Every UI string is translated into every language, and nothing is fuzzy."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("fr", "pt", "es", "mn")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
    ("**/templates/**.txt", "jinja2"),
]


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT / "academy", METHODS, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue(language: str):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete(language: str) -> None:
    cat = catalogue(language)
    untranslated = [
        m.id for m in cat if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    fuzzy = [m.id for m in cat if m.id and m.fuzzy]
    assert not untranslated, f"{language}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{language}: fuzzy {fuzzy[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_every_source_string(language: str) -> None:
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(language) if m.id}
    missing = sorted(source_messages() - ids)
    assert not missing, f"{language}: run `make translations`; missing {missing[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language: str) -> None:
    import re

    pattern = re.compile(r"%\((\w+)\)[sd]")
    for message in catalogue(language):
        if not message.id or not isinstance(message.id, str):
            continue
        assert set(pattern.findall(message.id)) == set(pattern.findall(message.string)), (
            f"{language}: placeholders differ in {message.id!r}"
        )
