"""Stored XSS: hostile text in every user-written field renders inert on every page.

Each field people (or a course package) write — a user's name and job function,
an organisation's name, a cohort's name and description, an application,
thread titles and posts, reports and mute reasons, announcements, assignment
text and feedback, a token's name, a field of expertise, and the lessons, quiz
and assignment of an imported course package — holds a script element, an
event handler and ``javascript:`` links.  Every HTML page of the app is opened
by each role that may open it, and must contain no script element, no event
handler attribute and no ``javascript:`` URL; each field's marker must show up
on some page (so the test does reach it).  The exports are checked too: the
CSV files neutralise formulas, the certificate PDF carries no script or link
action, the Common Cartridge export's HTML is as inert as the pages.
"""

from __future__ import annotations

import html
import io
import itertools
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

from academy.extensions import db
from academy.plugins.cohorts import selection
from academy.plugins.cohorts.expertise import create_field
from academy.plugins.cohorts.models import Decision
from academy.plugins.courses.models import Course
from academy.plugins.learning import services as learning
from academy.plugins.packages.services import import_package
from tests.conftest import login
from tests.plugins.packages.builders import new_signer, sample_files, signed_zip
from tests.security.conftest import ROLES, World, build_world
from tests.security.support import formula_cells, is_api, methods_of, text, unsafe_markup
from tests.security.test_authorisation import MATRIX, OK, rows
from tests.security.urls import url_of

#: A script element, an event handler, a javascript: link in HTML and in Markdown (each
#: field's text starts with "=" and its marker, for the spreadsheets and the coverage).
PAYLOAD = (
    "<script>alert(1)</script><img src=x onerror=alert(2)>"
    '<a href="javascript:alert(3)">a</a> [b](javascript:alert(4))'
)
ITEM_KEYS = {"lesson": "intro", "quiz": "basics-quiz", "assignment": "practice-task"}
#: Pages to open with a query, so that they show the stored text.
QUERIES = {"discussions.search": "?q=alert", "certificates.manage": "?q=X"}


class Hostile:
    """``text(field)``: a marker for the field, then the payload; remembers the fields."""

    def __init__(self) -> None:
        self.markers: dict[str, str] = {}
        self._numbers = itertools.count(1)

    def __call__(self, field: str) -> str:
        if field not in self.markers:
            self.markers[field] = f"X{next(self._numbers):02d}Y"
        return f"={self.markers[field]} {PAYLOAD}"


def _front(fields: dict[str, str]) -> str:
    return "".join(f"{name} = {json.dumps(value)}\n" for name, value in fields.items())


def _quiz(say: Callable[[str], str]) -> bytes:
    question, choice, feedback = say("question text"), say("choice text"), say("feedback")
    lines = [_front({"title": say("quiz title"), "intro": say("quiz intro")})]
    for key, choices in (("q-one", ("a", "b")), ("q-two", ("true", "false"))):
        lines.append(f"\n[questions.{key}]\n" + _front({"text": question, "feedback": feedback}))
        lines.append(f"[questions.{key}.choices]\n" + _front(dict.fromkeys(choices, choice)))
    return "".join(lines).encode()


def _markdown(front: dict[str, str], body: str) -> bytes:
    return f"+++\n{_front(front)}+++\n\n{body}\n".encode()


def hostile_course(say: Callable[[str], str]) -> Course:
    """A course imported from a signed package whose every text is hostile."""
    files = sample_files(lessons=("intro", "second"), languages=(), slug="hostile-course")
    files["en/course.md"] = _markdown(
        {"title": say("course title"), "summary": say("course summary")}, say("course body")
    )
    for module in ("basics", "practice"):
        files[f"en/modules/{module}.md"] = _markdown({"title": say("module title")}, "Text.")
    for lesson in ("intro", "second"):
        files[f"en/lessons/{lesson}.md"] = _markdown(
            {"title": say("lesson title"), "discussion_prompt": say("discussion prompt")},
            say("lesson body"),
        )
    files["en/quizzes/basics-quiz.toml"] = _quiz(say)
    files["en/assignments/practice-task.md"] = _markdown(
        {"title": say("assignment title")}, say("assignment task")
    )
    report = import_package(signed_zip(files, new_signer()), trust=True)
    course = db.session.get(Course, report.course_id)
    assert course is not None
    return course


def hostile_world(say: Hostile) -> World:
    world = build_world(say, course=hostile_course(say), keys=ITEM_KEYS)
    learning.review_submission(
        world.submission, accept=False, feedback=say("review feedback"), by=world.moderator
    )
    create_field(say("expertise field"), by=world.manager)
    selection.decide(
        world.application,
        decision=Decision.RESERVE,
        reason=say("decision reason"),
        by=world.reviewer,
    )
    db.session.commit()
    return world


@pytest.fixture
def say() -> Hostile:
    return Hostile()


@pytest.fixture
def hostile(app: Flask, say: Hostile) -> World:
    with app.test_request_context():
        return hostile_world(say)


def html_pages(app: Flask, world: World, role: str) -> list[tuple[str, str]]:
    """(endpoint, path) of every HTML page ``role`` may open."""
    column = ROLES.index(role)
    pages = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if is_api(rule) or rule.endpoint == "static" or "GET" not in methods_of(rule):
                continue
            for variant, row in rows(MATRIX[rule.endpoint]).items():
                if row[column] == OK:
                    query = QUERIES.get(rule.endpoint, "")
                    pages.append((rule.endpoint, url_of(rule, world, variant) + query))
    return sorted(set(pages))


def signed_in(app: Flask, world: World, role: str) -> FlaskClient:
    client = app.test_client()
    person = world.person(role)
    if person is not None:
        login(client, person)
    return client


def test_hostile_text_is_inert_on_every_page(app: Flask, hostile: World, say: Hostile) -> None:
    problems, seen, opened = [], set(), 0
    for role in ("anonymous", "learner", "reviewer", "moderator", "admin"):
        client = signed_in(app, hostile, role)
        for endpoint, path in html_pages(app, hostile, role):
            with client.get(path) as response:
                if response.mimetype != "text/html":
                    continue
                page = text(response)
            opened += 1
            problems += [f"{role} GET {path} ({endpoint}): {p}" for p in unsafe_markup(page)]
            shown = html.unescape(page)
            seen |= {field for field, marker in say.markers.items() if marker in shown}
    assert not problems, "\n".join(problems[:30])
    missing = sorted(set(say.markers) - seen)
    assert not missing, f"fields shown on no page (the test does not reach them): {missing}"
    assert opened > 150


def test_the_certificate_shows_a_hostile_holder_name_inert(
    client: FlaskClient, hostile: World, say: Hostile
) -> None:
    with client.get(f"/verify/{hostile.certificate.code}") as page:
        assert say.markers["learner name"] in html.unescape(text(page))
        assert not unsafe_markup(text(page))
    record = client.get(f"/verify/{hostile.certificate.code}.json").get_json()
    assert record["holder_name"] == say("learner name")  # kept as written, for verifiers


def test_the_posts_html_in_the_api_is_inert(client: FlaskClient, hostile: World) -> None:
    headers = {"Authorization": f"Bearer {hostile.secret}"}
    response = client.get(f"/api/v1/threads/{hostile.thread.id}/posts", headers=headers)
    posts = response.get_json()["items"]
    assert len(posts) == 2
    for post in posts:
        assert not unsafe_markup(post["html"]), post["html"]
        assert "<script" not in post["html"]


def test_csv_exports_neutralise_formulas(app: Flask, hostile: World, say: Hostile) -> None:
    progress = signed_in(app, hostile, "moderator").get(
        f"/learn/cohorts/{hostile.cohort_a.id}/progress.csv"
    )
    report = signed_in(app, hostile, "reviewer").get(
        f"/cohorts/{hostile.selection.id}/selection-report.csv"
    )
    for response, fields in (
        (progress, ("learner name", "organisation name", "module title")),
        (report, ("peer name", "application motivation", "decision reason")),
    ):
        assert response.status_code == 200 and response.mimetype == "text/csv"
        exported = text(response)
        assert all(say.markers[field] in exported for field in fields)
        assert not formula_cells(exported), formula_cells(exported)[:5]


def _pdf_streams(document: bytes) -> bytes:
    """The PDF with its Flate streams decompressed, to search its objects."""
    import zlib

    parts = [document]
    for match in re.finditer(rb"/Length (\d+)[^>]*>>\s*stream\r?\n", document):
        raw = document[match.end() : match.end() + int(match.group(1))]
        try:
            parts.append(zlib.decompress(raw))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_the_certificate_pdf_prints_the_name_as_text(
    app: Flask, hostile: World, say: Hostile, tmp_path: Path
) -> None:
    client = signed_in(app, hostile, "learner")
    with client.get(f"/certificates/{hostile.certificate.code}.pdf") as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        document = response.get_data()
    searched = _pdf_streams(document)
    for action in (b"/JavaScript", b"/JS ", b"/Launch", b"/OpenAction", b"/AA ", b"/URI"):
        assert action not in searched, action
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(document)
    printed = subprocess.run(
        [tool, str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert say.markers["learner name"] in printed and "<script>alert(1)</script>" in printed


def test_the_cartridge_export_is_as_inert_as_the_pages(
    app: Flask, hostile: World, say: Hostile
) -> None:
    client = signed_in(app, hostile, "admin")
    with client.get(f"/packages/courses/{hostile.course.id}/cartridge-1.3.imscc") as response:
        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    problems, fragments = [], 0
    for name in archive.namelist():
        data = archive.read(name).decode("utf-8", "replace")
        if name.endswith(".html"):
            fragments += 1
            problems += [f"{name}: {p}" for p in unsafe_markup(data)]
        elif name.endswith(".xml"):
            root = etree.fromstring(archive.read(name))
            for element in root.iter():
                if element.get("texttype") == "text/html" and element.text:
                    fragments += 1
                    problems += [f"{name}: {p}" for p in unsafe_markup(element.text)]
    assert fragments >= 5
    assert not problems, "\n".join(problems)
    assert say.markers["lesson body"] in "".join(
        archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
    )
