"""The TrueType font embedded in certificate PDFs.

The font must draw Latin with diacritics (fr, pt, es) and Cyrillic including
the Mongolian letters Ө ө Ү ү.  It comes from the ``fontpkg-noto-sans`` package
(Noto Sans, SIL Open Font License 1.1), whose variable font is drawn at its
default instance (Regular).  When that package is absent, a system Noto Sans
or DejaVu Sans is used; with none of them, :class:`FontUnavailable` is raised
rather than printing a certificate with missing letters.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "AcademyCertificateSans"
#: Letters every candidate font must have: Latin diacritics and Mongolian Cyrillic.
#: (Babel writes dates and numbers with no-break spaces U+00A0 and U+202F.)
REQUIRED = (
    "ÀÂÇÉÈÊËÎÏÔÛÙÜŸàâçéèêëîïôûùüÿÃÕãõÁÍÓÚÑáíóúñ¿¡ªº"
    "АБВГДЕЁЖЗИЙКЛМНОӨПРСТУҮФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмноөпрстуүфхцчшщъыьэюя"
    "–·\u00a0\u202f"
)

SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)


class FontUnavailable(RuntimeError):
    """No installed font can print every language of the certificates."""


def _packaged_font() -> Path | None:
    try:
        package = importlib.import_module("fontpkg_noto_sans")
    except ImportError:
        return None
    folder = Path(package.ROOT) / "files"
    upright = sorted(path for path in folder.glob("NotoSans*.ttf") if "Italic" not in path.name)
    return upright[0] if upright else None


def candidates() -> list[Path]:
    """Font files to try, best first."""
    packaged = _packaged_font()
    found = [packaged] if packaged else []
    return found + [Path(path) for path in SYSTEM_FONTS if Path(path).is_file()]


def covers(font: TTFont, text: str = REQUIRED) -> bool:
    """True when the font has a glyph for every character of ``text``."""
    mapping = font.face.charToGlyph
    return all(ord(char) in mapping for char in text if char not in " \t\n")


@cache
def certificate_font() -> str:
    """Register the certificate font with reportlab (once) and return its name."""
    for path in candidates():
        font = TTFont(FONT_NAME, str(path))
        if covers(font):
            pdfmetrics.registerFont(font)
            return FONT_NAME
    raise FontUnavailable(
        "no font for certificates: install fontpkg-noto-sans (or fonts-noto-core / fonts-dejavu)"
    )


def font_file() -> Path:
    """The file the registered certificate font was read from."""
    certificate_font()
    return Path(pdfmetrics.getFont(FONT_NAME).face.filename)
