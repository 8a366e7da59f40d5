"""A course travels between two academies: the network exports a built-in course, a
partner province imports it into a clean instance (`init --no-courses`)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from academy.extensions import db
from academy.plugins.courses.models import Course, CourseText


def run(application: Flask, *args: str) -> Any:
    with application.app_context():
        return application.test_cli_runner().invoke(args=list(args))


def texts(application: Flask, slug: str) -> dict[tuple[str, str, str], dict[str, Any]]:
    with application.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
        assert course is not None
        rows = db.session.scalars(sa.select(CourseText).where(CourseText.course_id == course.id))
        found = {(str(t.scope), t.key, t.language): dict(t.fields) for t in rows}
        db.session.remove()
    return found


def course_count(application: Flask) -> int:
    with application.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Course)) or 0
        db.session.remove()
    return count


def flip_one_byte(source: Path, target: Path) -> None:
    """The same package with one byte of one lesson changed (the zip itself stays valid)."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as changed:
        for info in original.infolist():
            data = original.read(info)
            if info.filename.endswith("lessons/colleague-to-colleague.md"):
                data = data.replace(b"e", b"E", 1)
            changed.writestr(info, data)


def test_a_builtin_course_moves_to_a_partner_academy(make_app: Any, tmp_path: Path) -> None:
    network = make_app(migrate=False)
    assert run(network, "init").exit_code == 0
    package = tmp_path / "exchange-methodology.zip"
    exported = run(network, "packages", "export", "exchange-methodology", "-o", str(package))
    assert exported.exit_code == 0, exported.output

    partner = make_app(migrate=False)
    assert run(partner, "init", "--no-courses").exit_code == 0
    assert course_count(partner) == 0
    tampered = tmp_path / "tampered.zip"
    flip_one_byte(package, tampered)
    assert run(partner, "packages", "verify", str(tampered)).exit_code == 2
    refused = run(partner, "packages", "import", str(tampered), "--trust")
    assert refused.exit_code == 2 and course_count(partner) == 0

    assert run(partner, "packages", "verify", str(package)).exit_code == 0
    imported = run(partner, "packages", "import", str(package), "--trust")
    assert imported.exit_code == 0, imported.output
    original, copy = texts(network, "exchange-methodology"), texts(partner, "exchange-methodology")
    assert copy == original
    assert {language for _scope, _key, language in copy} >= {"en", "fr", "pt"}
