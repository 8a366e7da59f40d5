"""Course Markdown to safe HTML.

markdown-it-py parses CommonMark (plus tables and strikethrough) with raw HTML
turned off, so HTML typed into a lesson is shown as text.  Three token rules
adapt the output to courses: LaTeX spans ``\\( … \\)`` and ``\\[ … \\]`` keep
their backslashes (for a maths renderer), ``assets/<path>`` links and images
point at the course's asset route, and a Markdown ``#`` heading becomes an
``h2`` (the page's title is the only ``h1``).  nh3 then keeps only an allow
list of tags, attributes and URL schemes, whatever the parser produced.

Rendering is cached in-process per (text, asset base): a lesson's HTML is
computed once per worker and text version.
"""

from __future__ import annotations

import functools
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markupsafe import Markup

ASSET_PREFIX = "assets/"
MATH_CLOSERS = {"(": "\\)", "[": "\\]"}
TAGS = {
    *("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote"),
    *("ul", "ol", "li", "code", "pre", "em", "strong", "s", "del", "a", "img"),
    *("table", "thead", "tbody", "tr", "th", "td", "div"),
}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
ATTRIBUTE_VALUES = {"th": {"scope": {"col"}}}
CLASSES = {"div": {"table-scroll"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _math_span(state: StateInline, silent: bool) -> bool:
    """Keep ``\\( … \\)`` and ``\\[ … \\]`` verbatim instead of unescaping them."""
    start = state.pos
    if state.src[start] != "\\" or start + 1 >= state.posMax:
        return False
    closer = MATH_CLOSERS.get(state.src[start + 1])
    if closer is None:
        return False
    end = state.src.find(closer, start + 2, state.posMax)
    if end < 0:
        return False
    if not silent:
        token = state.push("text", "", 0)
        token.content = state.src[start : end + 2]
    state.pos = end + 2
    return True


def _asset_url(url: str, base: str) -> str:
    """``assets/<path>`` under the course's asset route; other URLs unchanged."""
    if base and url.startswith(ASSET_PREFIX):
        return base + url[len(ASSET_PREFIX) :]
    return url


def _adapt_tokens(state: StateCore) -> None:
    """Demote ``h1`` to ``h2``, scope table headers, point assets at the asset route."""
    base = state.env.get("asset_base", "") if isinstance(state.env, dict) else ""
    for token in state.tokens:
        if token.type in {"heading_open", "heading_close"} and token.tag == "h1":
            token.tag = "h2"
        if token.type == "th_open":
            token.attrSet("scope", "col")
        for child in token.children or ():
            for attribute in ("href", "src"):
                value = child.attrGet(attribute)
                if isinstance(value, str):
                    child.attrSet(attribute, _asset_url(value, base))


def _table_open(*_args: Any) -> str:
    return '<div class="table-scroll">\n<table>\n'


def _table_close(*_args: Any) -> str:
    return "</table>\n</div>\n"


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.inline.ruler.before("escape", "math_span", _math_span)
    md.core.ruler.push("course_tokens", _adapt_tokens)
    md.add_render_rule("table_open", _table_open)  # wide tables scroll on small screens
    md.add_render_rule("table_close", _table_close)
    return md


_MARKDOWN = _parser()


def _allowed_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Images only from this site's paths or https; never data: or other schemes."""
    if tag == "img" and attribute == "src":
        on_site = value.startswith("/") and not value.startswith("//")
        return value if on_site or value.startswith("https://") else None
    return value


def sanitise(html: str) -> str:
    """Keep only the allowed tags, attributes and URL schemes; add rel on links."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        tag_attribute_values=ATTRIBUTE_VALUES,
        allowed_classes=CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_allowed_attribute,
        strip_comments=True,
    )


@functools.lru_cache(maxsize=4096)
def render_markdown(text: str, asset_base: str = "") -> Markup:
    """Safe HTML for course Markdown; ``asset_base`` is the course's asset URL ending in /."""
    env: dict[str, Any] = {"asset_base": asset_base}
    return Markup(sanitise(_MARKDOWN.render(text, env)))  # noqa: S704 - sanitised by nh3
