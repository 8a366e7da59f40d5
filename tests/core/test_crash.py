"""Killing the process in the middle of a package import or a bulk enrolment leaves
nothing half-done: the command runs in a subprocess that ends itself abruptly at a
crash point (``academy.core.faults``), then the database is checked."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from academy.core.faults import CRASH_EXIT_STATUS
from academy.extensions import db
from academy.plugins.cohorts.models import Enrolment
from academy.plugins.courses.models import Course, CourseText, Item

ROOT = Path(__file__).resolve().parents[2]
#: Runs the ``academy`` console script's entry point with the arguments that follow.
ACADEMY = "import sys; from academy.cli import main; main(sys.argv[1:])"


def run(application: Flask, crash_at: str, *command: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "ACADEMY_INSTANCE_PATH": application.instance_path,
        "DATABASE_URL": application.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "crash-test",
        "ACADEMY_CRASH_AT": crash_at,
    }
    env.pop("TEST_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, *command], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def count(application: Flask, model: Any) -> int:
    with application.app_context():
        found = db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
        db.session.remove()
    return found


def test_a_crash_during_a_package_import_leaves_nothing(make_app: Any, tmp_path: Path) -> None:
    source = make_app(migrate=False)
    with source.app_context():
        assert source.test_cli_runner().invoke(args=["init"]).exit_code == 0
        package = tmp_path / "course.zip"
        result = source.test_cli_runner().invoke(
            args=["packages", "export", "online-moderation", "-o", str(package)]
        )
        assert result.exit_code == 0, result.output
    target = make_app(migrate=False)
    with target.app_context():
        assert target.test_cli_runner().invoke(args=["init", "--no-courses"]).exit_code == 0
    crashed = run(
        target, "packages.apply", "-c", ACADEMY, "packages", "import", str(package), "--trust"
    )
    assert crashed.returncode == CRASH_EXIT_STATUS, crashed.stderr
    assert (count(target, Course), count(target, Item), count(target, CourseText)) == (0, 0, 0)
    finished = run(target, "", "-c", ACADEMY, "packages", "import", str(package), "--trust")
    assert finished.returncode == 0, finished.stderr
    assert count(target, Course) == 1


BULK = textwrap.dedent(
    """
    from academy import create_app
    from academy.extensions import db
    from academy.core.accounts.models import User
    from academy.plugins.cohorts.models import Cohort
    from academy.plugins.cohorts.bulk import bulk_enrol, parse_csv
    app = create_app()
    with app.test_request_context():
        cohort = db.session.get(Cohort, 1)
        manager = db.session.query(User).filter_by(email="manager@demo.example.org").one()
        rows = parse_csv(open(%r, "rb").read())
        bulk_enrol(cohort, rows, by=manager)
        db.session.commit()
    """
)


def test_a_crash_during_a_bulk_enrolment_leaves_nothing(make_app: Any, tmp_path: Path) -> None:
    academy = make_app(migrate=False)
    with academy.app_context():
        assert academy.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    before = count(academy, Enrolment)
    csv = tmp_path / "people.csv"
    csv.write_text(
        "email,name,organisation,language\n"
        + "".join(f"p{n}@example.org,Person {n},,en\n" for n in range(5))
    )
    crashed = run(academy, "cohorts.bulk_row", "-c", BULK % str(csv))
    assert crashed.returncode == CRASH_EXIT_STATUS, crashed.stderr
    assert count(academy, Enrolment) == before
    finished = run(academy, "", "-c", BULK % str(csv))
    assert finished.returncode == 0, finished.stderr
    assert count(academy, Enrolment) == before + 5
