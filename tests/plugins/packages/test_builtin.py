"""Built-in courses: the real packages in courses/, and loading them at ``academy init``."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from academy.core.signals import instance_initialised
from academy.plugins.courses.models import CourseOrigin
from academy.plugins.packages.services import (
    build_package,
    builtin_courses_folder,
    import_package,
    load_builtin_courses,
    verify_package,
)
from academy.plugins.packages.signing import Signer
from tests.plugins.packages.builders import sample_files, write_package
from tests.plugins.packages.helpers import the_course

REAL_COURSES = sorted(
    p.name for p in builtin_courses_folder().iterdir() if (p / "course.toml").is_file()
)


@pytest.mark.parametrize("name", REAL_COURSES)
def test_real_course_builds_verifies_and_imports(signer: Signer, name: str) -> None:
    data = build_package(builtin_courses_folder() / name)
    verified = verify_package(data)
    assert verified.publisher == signer.publisher
    assert verified.package.stale_translations() == [], "a translation's source_hash is stale"
    report = import_package(data, origin=CourseOrigin.BUILTIN)
    assert report.applied and len(report.languages) >= 2
    assert the_course(verified.package.manifest.uuid).origin is CourseOrigin.BUILTIN


def test_builtin_loading_is_idempotent(signer: Signer, tmp_path: Path) -> None:
    write_package(tmp_path / "sample", sample_files())
    assert load_builtin_courses(tmp_path) == ["Installed course sample-course 1.0.0"]
    assert load_builtin_courses(tmp_path) == ["Kept course sample-course 1.0.0"]
    write_package(tmp_path / "sample", sample_files("1.1.0"))
    assert load_builtin_courses(tmp_path) == ["Upgraded course sample-course 1.0.0 -> 1.1.0"]
    course = the_course()
    assert course.origin is CourseOrigin.BUILTIN and course.publisher_id == signer.publisher.id


def test_a_broken_builtin_course_is_skipped(signer: Signer, tmp_path: Path) -> None:
    files = sample_files()
    del files["en/course.md"]
    write_package(tmp_path / "broken", files)
    (lines,) = [load_builtin_courses(tmp_path)]
    assert lines == [
        "Skipped built-in course broken: en/course.md is missing: the source "
        "language needs every file."
    ]


def test_init_without_courses_loads_none(app: Flask, signer: Signer) -> None:
    results = [r for _f, r in instance_initialised.send(app, load_courses=False)]
    assert ["Built-in courses left out (--no-courses)"] in results
