"""Web content of a cartridge: HTML pages to Markdown, and the files they use to assets.

Links and images in a page (or in a QTI or topic text) are resolved against
the folder of the file they are in; ``$IMS-CC-FILEBASE$`` is resolved against
that folder, then ``web_resources/`` (where Canvas puts files), then the
root.  A link to a file of the cartridge becomes ``assets/<path>``; a link to
another page, or to something the cartridge does not hold, is kept as text
and counted, so the report can say so.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import quote

import lxml.html
from lxml import etree

from academy.plugins.packages.imscc.html2md import html_to_markdown
from academy.plugins.packages.imscc.manifest import resolve
from academy.plugins.packages.imscc.markdown import escape_line, escape_text

FILEBASES = ("$IMS-CC-FILEBASE$", "%24IMS-CC-FILEBASE%24")
WEB_RESOURCES = "web_resources/"
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
EXTERNAL = ("http://", "https://", "mailto:")
ASSET_LIMIT = 255
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def is_page(path: str) -> bool:
    return path.lower().endswith(HTML_SUFFIXES)


@dataclass
class Assets:
    """The cartridge files that texts use, under the asset path each gets."""

    files: dict[str, bytes]
    used: dict[str, str] = field(default_factory=dict)  # cartridge path -> asset path

    def add(self, path: str) -> str | None:
        """The asset path of the cartridge file ``path`` (None if it cannot be one)."""
        if path not in self.files or is_page(path):
            return None
        name = path
        if path.startswith(WEB_RESOURCES) and path[len(WEB_RESOURCES) :] not in self.files:
            name = path[len(WEB_RESOURCES) :]
        if len(name) > ASSET_LIMIT:
            return None
        self.used[path] = name
        return name

    def contents(self) -> dict[str, bytes]:
        return {name: self.files[path] for path, name in self.used.items()}


@dataclass
class Linker:
    """Rewrites the links of one file's texts; counts those it had to drop."""

    assets: Assets
    folder: str
    dropped: int = 0

    def __call__(self, url: str, is_image: bool) -> str | None:
        if url.lower().startswith(EXTERNAL):
            return url
        if url.startswith("#"):
            return None
        path = self.find(url)
        name = self.assets.add(path) if path else None
        if name is None:
            self.dropped += 1
            return None
        return "assets/" + quote(name)

    def find(self, url: str) -> str:
        """The cartridge path a relative URL points to ("" if none)."""
        files = self.assets.files
        for base in FILEBASES:
            if url.startswith(base):
                rest = url[len(base) :].lstrip("/")
                candidates = [
                    resolve(files, rest, self.folder),
                    resolve(files, WEB_RESOURCES + rest),
                ]
                candidates.append(resolve(files, rest))
                return next((c for c in candidates if c in files), "")
        path = resolve(files, url, self.folder)
        return path if path in files else ""

    def markdown(self, text: str, is_html: bool) -> str:
        """Markdown for a text that is HTML or plain text."""
        if is_html:
            return html_to_markdown(text, self)
        paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n")]
        return "\n\n".join(
            "\n".join(escape_line(escape_text(line.strip())) for line in p.split("\n"))
            for p in paragraphs
            if p
        )


@dataclass(frozen=True)
class Page:
    title: str
    meta: dict[str, str]
    body: str  # the HTML of the body


def read_page(raw: bytes) -> Page:
    """The title, meta tags and body of an HTML page (never fetching anything)."""
    text = _XML_DECLARATION.sub("", raw.decode("utf-8-sig", errors="replace"))
    if not text.strip():
        return Page("", {}, "")
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        document = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        return Page("", {}, "")
    title = " ".join(document.findtext(".//title", default="").split())
    meta = {
        el.get("name", "").strip().lower(): el.get("content", "").strip()
        for el in document.iter("meta")
        if el.get("name")
    }
    body = document.find("body")
    inner = etree.tostring(body, encoding="unicode", method="html") if body is not None else ""
    return Page(title, meta, inner)


def folder_of(path: str) -> str:
    return posixpath.dirname(path)
