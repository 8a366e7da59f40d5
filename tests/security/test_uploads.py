"""Uploads: files too large, of the wrong type, or lying about their type are refused.

For each upload of the app — a course package or Common Cartridge (packages),
a publisher's key file, an assignment's file (learning) and the CSV of a bulk
enrolment (cohorts) — a hostile file gets an answer of 413 or 422 with a message
that says what is wrong, and leaves nothing behind: no row in the database, no
file in the instance's storage.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from academy.core.accounts.services import user_by_email
from academy.extensions import db
from academy.plugins.learning import services as learning
from academy.plugins.learning.models import Submission
from tests.conftest import login
from tests.plugins.packages.builders import PNG, raw_zip
from tests.security.conftest import World
from tests.security.support import changed_tables, fingerprint, text, unsafe_markup

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HTML = b"<!doctype html><script>alert(1)</script>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
XLSX = raw_zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")])
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1">'
    b"<metadata>&lol3;</metadata><organizations/><resources/></manifest>"
)


def stored_files(app: Flask) -> set[str]:
    root = Path(app.instance_path) / "files"
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@dataclass(frozen=True)
class Answer:
    status: int
    page: str


def send(client: FlaskClient, path: str, field: str, data: bytes, name: str) -> Answer:
    """Post ``data`` as the file ``name`` (encoded here: the test client would spool a large
    body to a temporary file it never closes)."""
    boundary, body = encode_multipart({field: FileStorage(io.BytesIO(data), name)})
    kind = f"multipart/form-data; boundary={boundary}"
    with client.post(path, data=body, content_type=kind) as response:
        return Answer(response.status_code, text(response))


#: (what the file is, its content, its name, the message that must be shown)
Case = tuple[str, bytes, str, str]


def refusals(
    app: Flask, client: FlaskClient, path: str, field: str, cases: list[Case], status: int = 422
) -> list[str]:
    """What went wrong: a case accepted, refused without its message, or leaving something."""
    files, rows = stored_files(app), fingerprint()
    problems = []
    for what, data, name, message in cases:
        answer = send(client, path, field, data, name)
        if answer.status != status:
            problems.append(f"{what} ({name}): {answer.status}, expected {status}")
        elif message not in answer.page:
            problems.append(f"{what} ({name}): the page does not say {message!r}")
        db.session.rollback()
        if stored_files(app) != files:
            problems.append(f"{what} ({name}): files were stored")
        if changed := changed_tables(rows, fingerprint()):
            problems.append(f"{what} ({name}): changed {', '.join(changed)}")
    return problems


@pytest.fixture
def manager(app: Flask, world: World) -> FlaskClient:
    return login(app.test_client(), world.manager)


# -- course packages, cartridges and publisher keys -----------------------------------------

NOT_A_ZIP = "The file is not a valid zip archive, or it is damaged."


def test_hostile_packages_and_cartridges_are_refused(app: Flask, manager: FlaskClient) -> None:
    cases: list[Case] = [
        ("an image", PNG, "course.zip", NOT_A_ZIP),
        ("a web page", HTML, "course.zip", NOT_A_ZIP),
        ("a program", EXE, "course.exe", NOT_A_ZIP),
        ("a spreadsheet", XLSX, "course.zip", "it is not a built package"),
        ("an image", PNG, "course.imscc", NOT_A_ZIP),
        ("a spreadsheet", XLSX, "course.imscc", "there is no imsmanifest.xml at its root"),
        ("an entity bomb", raw_zip([("imsmanifest.xml", BOMB)]), "x.imscc", "refused for safety"),
        ("a path out", raw_zip([("../../evil.txt", b"x")]), "course.zip", "outside the package"),
    ]
    problems = refusals(app, manager, "/packages/upload", "package", cases)
    assert not problems, "\n".join(problems)


def test_packages_over_the_size_limits_are_refused(
    app: Flask, manager: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PACKAGE_UPLOAD_MAX_BYTES", 1000)
    too_large = [("a large file", XLSX + b"\0" * 1000, "course.zip", "The file is too large.")]
    problems = refusals(app, manager, "/packages/upload", "package", too_large)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    request = [("a large request", b"\0" * 20_000, "course.zip", "Please choose a smaller file.")]
    problems += refusals(app, manager, "/packages/upload", "package", request, status=413)
    assert not problems, "\n".join(problems)


def test_hostile_publisher_key_files_are_refused(app: Flask, manager: FlaskClient) -> None:
    cases: list[Case] = [
        ("a large file", b"x" * 70_000, "key.json", "The key file is too large."),
        ("an image", PNG, "key.json", "The key file is not valid JSON."),
        ("a list", b"[1, 2]", "key.json", "must have exactly id, name and public_key"),
    ]
    problems = refusals(app, manager, "/packages/publishers/trust", "key_file", cases)
    assert not problems, "\n".join(problems)


# -- assignment files -----------------------------------------------------------------------


@pytest.fixture
def learner(app: Flask, world: World) -> FlaskClient:
    """The learner, who may hand in again: the moderator asked for a revision."""
    with app.test_request_context():
        learning.review_submission(world.submission, accept=False, feedback="More", by=world.admin)
        db.session.commit()
    return login(app.test_client(), world.learner)


def submissions(world: World) -> str:
    return f"/learn/{world.enrolment.id}/items/{world.assignment.key}/submissions"


def test_hostile_assignment_files_are_refused(
    app: Flask, world: World, learner: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "LEARNING_UPLOAD_MAX_BYTES", 1024 * 1024)
    not_allowed = "Files of this type cannot be handed in."
    cases: list[Case] = [
        ("a program", EXE, "plan.exe", not_allowed),
        ("an SVG image", b"<svg onload=alert(1)/>", "plan.svg", not_allowed),
        ("a web page", HTML, "plan.html", not_allowed),
        ("a web page", HTML, "plan.pdf", "is not a pdf file, as its name says"),
        ("a PDF", PDF, "plan.png", "is not a png file, as its name says"),
        ("a program", EXE, "plan.docx", "is not a docx file, as its name says"),
        ("a spreadsheet", XLSX, "plan.docx", "is not a docx file, as its name says"),
        ("a spreadsheet", XLSX, "plan.odt", "is not a odt file, as its name says"),
        ("binary data", b"\x00\x01binary", "plan.txt", "is not a txt file, as its name says"),
        ("nothing", b"", "plan.pdf", "The file is empty."),
        ("a large file", PDF + b"\0" * 1024 * 1024, "plan.pdf", "The file is larger than 1 MB."),
    ]
    problems = refusals(app, learner, submissions(world), "file", cases)
    assert not problems, "\n".join(problems)


def test_a_file_name_cannot_choose_where_the_file_goes(
    app: Flask, world: World, learner: FlaskClient
) -> None:
    files = stored_files(app)
    answer = send(learner, submissions(world), "file", b"My plan\n", "../../../etc/plan.txt")
    assert answer.status == 302
    submission = db.session.scalars(db.select(Submission).order_by(Submission.id.desc())).first()
    assert submission is not None and submission.file_name == "plan.txt"
    [added] = stored_files(app) - files
    assert added.startswith(f"submissions/{world.enrolment.id}/") and ".." not in added


def test_an_office_document_is_accepted(app: Flask, world: World, learner: FlaskClient) -> None:
    docx = raw_zip([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w/>")])
    answer = send(learner, submissions(world), "file", docx, "plan.docx")
    assert answer.status == 302


# -- bulk enrolment from CSV ----------------------------------------------------------------


@pytest.fixture
def moderator(app: Flask, world: World) -> FlaskClient:
    return login(app.test_client(), world.moderator)


def test_hostile_csv_files_are_refused(app: Flask, world: World, moderator: FlaskClient) -> None:
    not_csv = "Please save the file as CSV in UTF-8."
    no_header = "The first line must name the columns"
    cases: list[Case] = [
        ("a large file", b"email\n" + b"a@example.org\n" * 80_000, "big.csv", "larger than 1 MB"),
        ("an image", PNG, "people.csv", not_csv),
        ("a spreadsheet", XLSX, "people.csv", not_csv),
        ("a program", EXE, "people.exe", not_csv),
        ("columns unnamed", "name;langue\nÉva;fr\n".encode(), "people.csv", no_header),
        ("nothing", b"", "people.csv", no_header),
    ]
    problems = refusals(app, moderator, f"/cohorts/{world.cohort_a.id}/import", "file", cases)
    assert not problems, "\n".join(problems)


def test_hostile_rows_are_reported_inert_and_enrol_no_one(
    world: World, moderator: FlaskClient
) -> None:
    data = (
        b"email,name,organisation,language\n"
        b"=cmd|' /C calc'!A0,Formula,,\n"
        b"good@example.org,<script>alert(1)</script>,Nowhere Town,fr\n"
    )
    answer = send(moderator, f"/cohorts/{world.cohort_a.id}/import", "file", data, "people.csv")
    assert answer.status == 200 and "Not imported" in answer.page
    assert not unsafe_markup(answer.page)
    assert user_by_email("good@example.org") is None  # its organisation does not exist
