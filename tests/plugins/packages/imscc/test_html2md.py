"""HTML from other platforms to Academy Markdown: structure kept, text rendered as it was."""

from __future__ import annotations

import html
import re

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from academy.plugins.courses.rendering import render_markdown
from academy.plugins.packages.imscc.html2md import html_to_markdown, html_to_text
from academy.plugins.packages.imscc.markdown import escape_line, escape_text


def shown(markdown: str) -> str:
    """The text a reader sees, white space collapsed."""
    html = str(render_markdown(markdown))
    text = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div").text_content()
    return " ".join(text.split())


#: Any text, and text made of what Markdown (and the renderer's maths rule) cares about.
TEXTS = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60),
    st.text(alphabet="\\[]()*_`<>&#;-+=.!|~$ a1", max_size=30),
)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_any_text_renders_as_itself(value: str) -> None:
    assert shown(escape_line(escape_text(value.strip()))) == " ".join(value.split())


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_any_paragraph_of_html_renders_as_its_text(value: str) -> None:
    markdown = html_to_markdown(f"<p><em>{html.escape(value)}</em> {html.escape(value)}</p>")
    expected = " ".join(value.split())
    assert shown(markdown) == " ".join(f"{expected} {expected}".split())


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>a <b>bold</b> and <i>italic</i> <s>gone</s></p>", "a **bold** and *italic* ~~gone~~"),
        ("<h1>Title #</h1><h3>Sub</h3>", "# Title \\#\n\n### Sub"),
        ("<ul><li>one<ul><li>inner</li></ul></li><li>two</li></ul>", "- one\n  - inner\n- two"),
        ("<ol start='3'><li>c</li><li>d</li></ol>", "3. c\n4. d"),
        (
            "<p>1. not a list</p><p>- nor this</p><p># nor this</p>",
            "1\\. not a list\n\n\\- nor this\n\n\\# nor this",
        ),
        ("<blockquote><p>said</p></blockquote>", "> said"),
        ("<pre>x = `y`\n  z</pre>", "```\nx = `y`\n  z\n```"),
        ("<p>use <code>a*b</code> here</p>", "use `a*b` here"),
        ("<p>line<br>break</p>", "line\\\nbreak"),
        (
            "<table><tr><th>A</th><th>B|C</th></tr><tr><td>1</td></tr></table>",
            "| A | B\\|C |\n| --- | --- |\n| 1 |  |",
        ),
        ("<p>\\(x_1 + \\frac{a}{b}\\)</p>", "\\\\(x\\_1 + \\frac{a}{b}\\\\)"),
        ("<p>&amp;copy; stays text</p>", "\\&copy; stays text"),
        ("<div>loose <p>para</p> tail</div>", "loose\n\npara\n\ntail"),
    ],
)
def test_structures(html: str, markdown: str) -> None:
    assert html_to_markdown(html) == markdown


def test_latex_survives_rendering() -> None:
    markdown = html_to_markdown(
        "<p>When \\(a \\ne 0\\), $$x = {-b \\pm \\sqrt{b^2-4ac} \\over 2a}$$</p>"
    )
    html = str(render_markdown(markdown))
    assert "\\(a \\ne 0\\)" in html and "$$x = {-b \\pm \\sqrt{b^2-4ac} \\over 2a}$$" in html


def test_links_and_images_go_through_rewrite() -> None:
    seen: list[tuple[str, bool]] = []

    def rewrite(url: str, image: bool) -> str | None:
        seen.append((url, image))
        return "assets/x.png" if image else None

    markdown = html_to_markdown(
        '<p><a href="a.html">text</a> <img src="p.png" alt="alt"></p>', rewrite
    )
    assert markdown == "text ![alt](assets/x.png)"
    assert seen == [("a.html", False), ("p.png", True)]


def test_unsafe_markup_is_gone() -> None:
    html = "<p style='x' onmouseover='x()'>ok<script>bad()</script><object>o</object></p>"
    assert html_to_markdown(html) == "ok"
    assert html_to_text("<p>Say <em>hi</em>\n  there</p>") == "Say hi there"


def test_builtin_style_markdown_survives_a_trip_through_html() -> None:
    source = (
        "## What we mean\n\nA *peer* is:\n\n- **same job**: a planner;\n- abroad.\n\n"
        "| | A | B |\n|---|---|---|\n| x | 1 | 2 |\n\n1. first\n2. second\n\n> quoted"
    )
    again = html_to_markdown(str(render_markdown(source)))
    assert re.sub(r"\s+", " ", str(render_markdown(again))) == re.sub(
        r"\s+", " ", str(render_markdown(source))
    )
