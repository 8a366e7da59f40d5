"""Academy Markdown to the HTML of a cartridge: pages, and fragments for QTI and topics.

The Markdown goes through the same renderer (and nh3) as the course pages, so
an export never carries more than a learner would see here.  Links to
``assets/<path>`` become links to the asset's file in the cartridge.
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

from academy.plugins.courses.rendering import render_markdown

#: Where assets point while rendering; replaced by the path inside the cartridge.
_MARK = "/__academy-cartridge-assets__/"
_ASSET_LINK = re.compile(r'(href|src)="' + re.escape(_MARK) + r'([^"]*)"')
_ONE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)
FILEBASE = "$IMS-CC-FILEBASE$/"


def render(text: str, prefix: str) -> tuple[str, set[str]]:
    """(HTML, asset paths used) for Markdown; asset links start with ``prefix``."""
    used: set[str] = set()

    def relink(match: re.Match[str]) -> str:
        used.add(unquote(html.unescape(match.group(2))))
        return f'{match.group(1)}="{prefix}{match.group(2)}"'

    out = _ASSET_LINK.sub(relink, str(render_markdown(text or "", _MARK)))
    return out.strip(), used


def render_inline(text: str, prefix: str) -> tuple[str, set[str]]:
    """Like :func:`render`, without the paragraph around a one-paragraph text."""
    out, used = render(text, prefix)
    match = _ONE_PARAGRAPH.match(out)
    if match and "<p>" not in match.group(1):
        out = match.group(1)
    return out, used


def page(title: str, language: str, body: str, meta: dict[str, str]) -> bytes:
    """A complete HTML page for a webcontent resource."""
    head = [
        '<meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        *(
            f'<meta name="{html.escape(name)}" content="{html.escape(value)}">'
            for name, value in meta.items()
        ),
    ]
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(language)}">',
        "<head>",
        *(f"  {line}" for line in head),
        "</head>",
        "<body>",
        body,
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(lines).encode("utf-8")
