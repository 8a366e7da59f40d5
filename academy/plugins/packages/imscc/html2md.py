"""HTML from other platforms to the Markdown that Academy's texts are written in.

The HTML is first cleaned by nh3 to an allow list (no scripts, styles, event
handlers or foreign schemes survive), then parsed and written as CommonMark:
paragraphs, headings, lists, quotes, code, tables, emphasis, links and
images.  Text is escaped so that it renders as the text it was (LaTeX such as
``\\(f(x)\\)`` keeps its backslashes).  Links and images pass through a
``rewrite`` function that maps cartridge files to ``assets/...`` or drops them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import lxml.html
import nh3
from lxml import etree

from academy.plugins.packages.imscc.markdown import (
    code_span,
    emphasis,
    escape_heading,
    escape_line,
    escape_text,
    fence,
    link,
    table,
)

#: (url, is_image) -> the URL to write, or None to keep only the text.
Rewrite = Callable[[str, bool], "str | None"]

TAGS = {
    *("h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "br", "hr", "blockquote", "pre"),
    *("ul", "ol", "li", "dl", "dt", "dd", "code", "kbd", "samp", "tt", "var"),
    *("em", "i", "strong", "b", "s", "del", "strike", "u", "sub", "sup", "span", "a", "img"),
    *("table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td"),
    *("section", "article", "header", "footer", "main", "aside", "figure", "figcaption"),
}
DROPPED = {"script", "style", "title", "head", "noscript", "template", "iframe", "object"}
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "ol": {"start"}}
SCHEMES = {"http", "https", "mailto"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
STRONG, EMPH, STRIKE = {"strong", "b"}, {"em", "i"}, {"s", "del", "strike"}
CODE = {"code", "kbd", "samp", "tt", "var"}
BLOCKS = {"p", "div", "section", "article", "header", "footer", "main", "aside", "figure"}
BLOCKS |= {"figcaption", "dl", "dt", "dd", "caption", "body", "html"}
_SPACE = re.compile(r"[ \t\n\r\f]+")
_BREAK = "\ue000"  # a hard line break, until the paragraph is written


def sanitise(html: str) -> str:
    """``html`` with only the tags and attributes the converter understands."""
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=DROPPED,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def _fragment(html: str) -> etree._Element:
    return lxml.html.fragment_fromstring(sanitise(html) or "", create_parent="div")


def html_to_markdown(html: str, rewrite: Rewrite | None = None) -> str:
    """Sanitised CommonMark for an HTML fragment or document body."""
    writer = _Writer(rewrite or (lambda url, _image: url))
    return "\n\n".join(block for block in writer.blocks(_fragment(html)) if block.strip())


def html_to_text(html: str) -> str:
    """The plain text of ``html``, whitespace collapsed (for one-line fields)."""
    return _SPACE.sub(" ", _fragment(html).text_content()).strip()


class _Writer:
    """Walks a sanitised tree and writes Markdown blocks."""

    def __init__(self, rewrite: Rewrite) -> None:
        self.rewrite = rewrite

    def blocks(self, element: etree._Element) -> list[str]:
        """The Markdown blocks of an element that holds blocks and inline content."""
        out: list[str] = []
        line: list[str] = [_text(element.text)]
        for node in element:
            if _is_block(node):
                out.append(_paragraph(line))
                out.extend(self.block(node))
                line = []
            else:
                line.append(self.inline(node))
            line.append(_text(node.tail))
        out.append(_paragraph(line))
        return [block for block in out if block]

    def block(self, node: etree._Element) -> list[str]:
        tag = node.tag
        if tag in HEADINGS:
            content = self.inline_content(node).replace(_BREAK, " ").strip()
            return ["#" * HEADINGS[tag] + " " + escape_heading(content)] if content else []
        if tag in {"ul", "ol"}:
            return [self.list(node, ordered=tag == "ol")]
        if tag == "blockquote":
            inner = "\n\n".join(self.blocks(node))
            return ["\n".join(("> " + line).rstrip() for line in inner.split("\n"))]
        if tag == "pre":
            return [fence(node.text_content())]
        if tag == "hr":
            return ["---"]
        if tag == "table":
            return [self.table(node)]
        if tag == "dt":
            return [emphasis("**", self.inline_content(node))]
        return self.blocks(node)

    def list(self, node: etree._Element, *, ordered: bool) -> str:
        items = [li for li in node if li.tag == "li"]
        loose = any(inner.tag == "p" for li in items for inner in li)
        start = _start(node) if ordered else 1
        entries = []
        for number, li in enumerate(items, start):
            marker = f"{number}." if ordered else "-"
            content = ("\n\n" if loose else "\n").join(self.blocks(li))
            pad = " " * (len(marker) + 1)
            lines = content.split("\n") if content else [""]
            rest = [pad + line if line else "" for line in lines[1:]]
            entries.append("\n".join([f"{marker} {lines[0]}".rstrip(), *rest]))
        return ("\n\n" if loose else "\n").join(entries)

    def table(self, node: etree._Element) -> str:
        rows = [
            [
                self.inline_content(cell).replace(_BREAK, " ")
                for cell in row
                if cell.tag in {"th", "td"}
            ]
            for row in node.iter("tr")
        ]
        return table([row for row in rows if row])

    def inline_content(self, node: etree._Element) -> str:
        parts = [_text(node.text)]
        for inner in node:
            parts.append(self.inline(inner))
            parts.append(_text(inner.tail))
        return "".join(parts)

    def inline(self, node: etree._Element) -> str:
        tag = node.tag
        if tag == "br":
            return _BREAK
        if tag in CODE:
            return code_span(node.text_content())
        if tag == "img":
            return self.image(node)
        content = self.inline_content(node)
        if tag == "a":
            return self.anchor(node, content)
        if tag in STRONG:
            return emphasis("**", content)
        if tag in EMPH:
            return emphasis("*", content)
        if tag in STRIKE:
            return emphasis("~~", content)
        return content

    def anchor(self, node: etree._Element, content: str) -> str:
        href = node.get("href", "").strip()
        target = self.rewrite(href, False) if href else None
        return link(content, target) if target else content

    def image(self, node: etree._Element) -> str:
        alt = escape_text(_SPACE.sub(" ", node.get("alt", "")).strip())
        src = node.get("src", "").strip()
        target = self.rewrite(src, True) if src else None
        return "!" + link(alt, target) if target else alt


def _text(value: str | None) -> str:
    """A text node as escaped Markdown, its white space collapsed as HTML does."""
    return escape_text(_SPACE.sub(" ", (value or "").replace(_BREAK, "")))


BLOCK_LEVEL = BLOCKS | set(HEADINGS) | {"ul", "ol", "li", "blockquote", "pre", "hr", "table"}


def _is_block(node: etree._Element) -> bool:
    return isinstance(node.tag, str) and node.tag in BLOCK_LEVEL


def _start(node: etree._Element) -> int:
    value = node.get("start", "1").strip()
    return int(value) if value.isdigit() and len(value) < 9 else 1


def _paragraph(parts: list[str]) -> str:
    """Inline pieces as one paragraph: its lines (hard breaks) trimmed and made safe."""
    lines = [line.strip() for line in "".join(parts).split(_BREAK)]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\\\n".join(escape_line(line) for line in lines)
