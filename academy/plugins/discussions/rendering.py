"""Post Markdown to safe HTML, and counting the links a post carries.

markdown-it-py parses CommonMark with raw HTML off, so HTML typed into a post
is shown as text.  Headings are moved two levels down (a thread page's title
is its ``h1`` and its sections are ``h2``).  nh3 then keeps a short allow list:
no images (a post must not make readers' browsers fetch other sites), links
only to http, https and mailto, marked ``nofollow ugc``.
"""

from __future__ import annotations

import functools
import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup

TAGS = {
    *("h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "ul", "ol", "li"),
    *("code", "pre", "em", "strong", "s", "del", "a"),
}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
HEADING_SHIFT = 2
LINK = re.compile(r"(?i)(?:https?://|www\.|mailto:)")


def _shift_headings(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in {"heading_open", "heading_close"}:
            level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
            token.tag = f"h{level}"


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("strikethrough")
    md.disable("image")
    md.core.ruler.push("post_headings", _shift_headings)
    return md


_MARKDOWN = _parser()


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )


@functools.lru_cache(maxsize=4096)
def render_post(text: str) -> Markup:
    """Safe HTML for a post's Markdown (cached per text in each worker)."""
    return Markup(sanitise(_MARKDOWN.render(text)))  # noqa: S704 - sanitised by nh3


def count_links(text: str) -> int:
    """How many web or mail addresses a post's Markdown holds (linked or not)."""
    return len(LINK.findall(text))
