"""Malformed and hostile cartridges are refused with one clear message, and nothing is written."""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from academy.plugins.courses.models import TextScope
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.imscc.service import import_cartridge
from tests.plugins.packages.builders import raw_zip
from tests.plugins.packages.helpers import text
from tests.plugins.packages.imscc.cartridges import (
    cartridge,
    import_new,
    item,
    manifest,
    page,
    resource,
    simple_cartridge,
)

Counts = Callable[[], dict[str, int]]
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE manifest [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<manifest xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" identifier="m">&lol9;</manifest>
"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE manifest [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<manifest xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
  identifier="m">&secret;</manifest>
"""
REMOTE_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE manifest SYSTEM "http://attacker.example/evil.dtd">
<manifest xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" identifier="m"/>
"""


def files_on_disk(app: Flask) -> set[str]:
    root = Path(app.instance_path) / "files"
    return {str(p.relative_to(root)) for p in root.rglob("*")} if root.exists() else set()


def named(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("x")
    info.filename = name
    return info


def with_manifest(raw: bytes) -> bytes:
    return cartridge({**simple_cartridge(), "imsmanifest.xml": raw})


def symlinked() -> bytes:
    info = zipfile.ZipInfo("pages/intro.html")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    files = simple_cartridge()
    del files["pages/intro.html"]
    return raw_zip([*files.items(), (info, b"/etc/passwd")])


def hostile_quiz() -> bytes:
    files = simple_cartridge()
    files["quiz.xml"] = LAUGHS.replace(b"<manifest", b"<questestinterop").replace(
        b"</manifest>", b"</questestinterop>"
    )
    return cartridge(files)


def bomb() -> bytes:
    return cartridge({**simple_cartridge(), "pages/big.txt": b"\0" * (3 * 1024 * 1024)})


CASES = {
    "billion laughs": (lambda: with_manifest(LAUGHS), "declares a document type or entities"),
    "external entity": (lambda: with_manifest(EXTERNAL), "declares a document type or entities"),
    "remote DTD": (lambda: with_manifest(REMOTE_DTD), "declares a document type or entities"),
    "entity in a quiz": (hostile_quiz, "quiz.xml declares a document type or entities"),
    "zip slip": (
        lambda: raw_zip([*simple_cartridge().items(), (named("../evil.html"), b"x")]),
        "points outside the package",
    ),
    "absolute path": (
        lambda: raw_zip([*simple_cartridge().items(), (named("/etc/evil"), b"x")]),
        "is an absolute path",
    ),
    "symbolic link": (symlinked, "is a symbolic link"),
    "zip bomb": (bomb, "looks like a zip bomb"),
    "missing manifest": (
        lambda: cartridge({"pages/intro.html": page("a", "b")}),
        "there is no imsmanifest.xml at its root",
    ),
    "manifest not XML": (lambda: with_manifest(b"this is { not xml"), "is not well-formed XML"),
    "not a manifest": (lambda: with_manifest(b"<html><body/></html>"), "root element is html"),
    "not a zip": (lambda: b"PK\x03\x04 definitely not a zip", "not a valid zip archive"),
    "too deep": (
        lambda: with_manifest(b"<a>" * 3000 + b"</a>" * 3000),
        "is not well-formed XML",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_cartridge_is_refused_and_nothing_is_written(
    app: Flask, counts: Counts, case: str
) -> None:
    make, message = CASES[case]
    data = make()
    before, disk = counts(), files_on_disk(app)
    for dry_run in (True, False):
        with pytest.raises(PackageError) as raised:
            import_cartridge(data, dry_run=dry_run)
        assert message in raised.value.message
        assert "\n" not in raised.value.message
    assert counts() == before and files_on_disk(app) == disk


def test_entities_are_never_expanded_even_in_a_page() -> None:
    """An HTML page is parsed as HTML: an internal subset there is text, never expanded."""
    files = simple_cartridge()
    files["pages/intro.html"] = LAUGHS.replace(b"manifest", b"html") + page("t", "<p>fine</p>")
    course, _action = import_new(cartridge(files))
    lesson = text(course, TextScope.LESSON, "intro-page", "en")
    assert lesson is not None and "fine" in lesson.fields["body"]
    assert len(lesson.fields["body"]) < 200 and "lollol" not in lesson.fields["body"]


def test_nothing_to_import_is_refused() -> None:
    files = {
        "imsmanifest.xml": manifest(
            item("tool", "A tool", "r-lti"), resource("r-lti", "imsbasiclti_xmlv1p0", "lti.xml")
        ),
        "lti.xml": b"<cartridge_basiclti_link/>",
    }
    with pytest.raises(PackageError, match="no pages, quizzes, discussions or links"):
        import_cartridge(cartridge(files), dry_run=True)


def test_a_broken_resource_file_is_reported_not_fatal() -> None:
    files = simple_cartridge()
    files["quiz.xml"] = b"<questestinterop><assessment"
    report = import_cartridge(cartridge(files), dry_run=True)
    reasons = {entry.what: entry.reason for entry in report.skipped}
    assert "quiz.xml is not well-formed XML" in reasons["First quiz"]
    assert [ref.key for ref in report.changes.items_new] == ["intro-page", "link"]
