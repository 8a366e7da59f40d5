"""Course Markdown is rendered to safe HTML: nothing a package author writes can run."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest

from academy.plugins.courses.rendering import render_markdown, sanitise

BASE = "/courses/demo/assets/"


def render(text: str) -> str:
    return str(render_markdown(text, BASE))


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Hello <script>alert(1)</script> world",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        "<style>body { display: none }</style>",
        '<div onclick="alert(1)">raw block</div>',
    ],
)
def test_raw_html_in_markdown_is_shown_as_text(source: str) -> None:
    html = render(source)
    for tag in ("<script", "<img", "<a ", "<iframe", "<style", "<div"):
        assert tag not in html
    assert "&lt;" in html


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](java&#x09;script:alert(1))",
        "<javascript:alert(1)>",
        "[click](vbscript:msgbox(1))",
    ],
)
def test_script_links_are_inert(source: str) -> None:
    html = render(source)
    for href in re.findall(r'href="([^"]*)"', html):
        assert urlsplit(unescape(href)).scheme in {"", "http", "https", "mailto"}
    assert 'href="javascript' not in html.lower()
    assert 'href="vbscript' not in html.lower()


@pytest.mark.parametrize(
    "source",
    [
        "[open](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![pixel](data:image/png;base64,iVBORw0KGgo=)",
        "![svg](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
    ],
)
def test_data_urls_are_dropped(source: str) -> None:
    html = render(source)
    assert 'href="data:' not in html and 'src="data:' not in html
    assert "<a " not in html


def test_sanitiser_strips_event_handlers_styles_and_frames() -> None:
    html = sanitise(
        '<p style="color:red" onmouseover="x()">a</p><img src="/ok.png" onerror="x()">'
        '<iframe src="https://e.example"></iframe><object data="x"></object>'
        '<a href="javascript:alert(1)">j</a><form action="/x"><input></form>'
    )
    for forbidden in ("onmouseover", "onerror", "style=", "<iframe", "<object", "javascript:"):
        assert forbidden not in html
    assert "<form" not in html and "<input" not in html
    assert '<img src="/ok.png">' in html


def test_links_get_rel_noopener_and_keep_allowed_schemes() -> None:
    html = render("[w](https://example.org/a) [m](mailto:a@example.org) [r](../other)")
    assert html.count('rel="noopener noreferrer"') == 3
    assert 'href="https://example.org/a"' in html
    assert 'href="mailto:a@example.org"' in html
    assert 'href="../other"' in html


def test_images_only_from_the_course_assets_or_https() -> None:
    html = render(
        "![a](assets/img/diagram.png) ![b](https://cdn.example/b.png) ![c](http://x.example/c.png)"
    )
    assert f'src="{BASE}img/diagram.png"' in html
    assert 'src="https://cdn.example/b.png"' in html
    assert "http://x.example" not in html


def test_asset_links_point_to_the_asset_route() -> None:
    assert f'href="{BASE}handout.pdf"' in render("[Handout](assets/handout.pdf)")


def test_latex_backslashes_are_kept() -> None:
    html = render(r"Inline \( x_1 * y_2 \) and display \[ \frac{a}{b} \] and \*stars\*.")
    assert r"\( x_1 * y_2 \)" in html
    assert r"\[ \frac{a}{b} \]" in html
    assert "*stars*" in html  # ordinary escapes still work
    assert "<em>" not in html


def test_commonmark_tables_strikethrough_and_headings() -> None:
    html = render("# Title\n\n## Part\n\n~~old~~\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n")
    assert "<h1>" not in html and "<h2>Title</h2>" in html and "<h2>Part</h2>" in html
    assert "<s>old</s>" in html
    assert '<div class="table-scroll">\n<table>' in html
    assert '<th scope="col">a</th>' in html and "<td>2</td>" in html
    assert "style=" not in html


def test_rendering_is_cached_per_text() -> None:
    text = "A lesson body that is rendered twice."
    render_markdown(text, BASE)
    before = render_markdown.cache_info().hits
    assert render_markdown(text, BASE) == render_markdown(text, BASE)
    assert render_markdown.cache_info().hits == before + 2
