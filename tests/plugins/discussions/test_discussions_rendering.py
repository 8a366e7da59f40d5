"""Post Markdown becomes safe HTML: no raw HTML, no scripts, no images, marked links."""

from __future__ import annotations

import re

import pytest

from academy.plugins.discussions.rendering import count_links, render_post


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Hello *world*", "<p>Hello <em>world</em></p>\n"),
        ("# Title", "<h3>Title</h3>\n"),
        ("#### Deep", "<h6>Deep</h6>\n"),
        ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>\n"),
        ("~~old~~", "<p><s>old</s></p>\n"),
    ],
)
def test_markdown(markdown: str, expected: str) -> None:
    assert str(render_post(markdown)) == expected


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="https://x" onclick="alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
    ],
)
def test_hostile_input_is_harmless(hostile: str) -> None:
    html = str(render_post(hostile))
    for forbidden in ("<script", "<img", "<iframe", 'href="javascript', 'href="data'):
        assert forbidden not in html, html
    assert not re.search(r"<[^>]*\son\w+=", html), html  # no event handler on any tag


def test_images_are_not_loaded_but_linked() -> None:
    html = str(render_post("![chart](https://tracker.example/pixel.png)"))
    assert "<img" not in html
    assert (
        '<a href="https://tracker.example/pixel.png" rel="nofollow noopener noreferrer ugc">'
        in html
    )


def test_links_are_marked_as_user_content() -> None:
    html = str(render_post("[site](https://example.org)"))
    assert html == (
        '<p><a href="https://example.org" rel="nofollow noopener noreferrer ugc">site</a></p>\n'
    )


def test_counting_links() -> None:
    assert count_links("no links here") == 0
    assert count_links("[a](https://a.example) and http://b.example, www.c.example") == 3
    assert count_links("write to mailto:someone@example.org") == 1
