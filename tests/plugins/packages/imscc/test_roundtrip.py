"""An exported cartridge imported back gives the same modules, lessons, quizzes and texts."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from academy.extensions import db
from academy.plugins.courses.models import Asset, Course, CourseOrigin, CourseText, Item
from academy.plugins.courses.rendering import render_markdown
from academy.plugins.packages.imscc.service import export_cartridge, import_cartridge
from academy.plugins.packages.models import PackageImport
from academy.plugins.packages.report import Action
from academy.plugins.packages.signing import Signer
from tests.plugins.packages.helpers import install, the_course
from tests.plugins.packages.imscc.cartridges import import_new, shape
from tests.plugins.packages.imscc.test_export import REAL_COURSES, install_builtin

Counts = Callable[[], dict[str, int]]


def settings(course: Course) -> dict[str, tuple[Any, ...]]:
    rows = db.session.scalars(sa.select(Item).where(Item.course_id == course.id))
    return {i.key: (i.minutes, i.required, i.pass_mark, i.max_attempts, i.shuffle) for i in rows}


def source_texts(course: Course) -> dict[tuple[str, str], dict[str, Any]]:
    rows = db.session.scalars(
        sa.select(CourseText).where(
            CourseText.course_id == course.id, CourseText.language == course.source_language
        )
    )
    return {(str(t.scope), t.key): t.fields for t in rows}


def rendered(text: str) -> str:
    """The HTML a learner would see, white space normalised."""
    html = str(render_markdown(text or ""))
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def assert_same_texts(before: dict[Any, dict[str, Any]], after: dict[Any, dict[str, Any]]) -> None:
    assert before.keys() == after.keys()
    for key, fields in before.items():
        for name, value in fields.items():
            if name == "questions":
                for qid, question in value.items():
                    twin = after[key]["questions"][qid]
                    assert rendered(question["text"]) == rendered(twin["text"]), (key, qid)
                    assert rendered(question["feedback"]) == rendered(twin["feedback"])
                    for cid, choice in question["choices"].items():
                        assert rendered(choice) == rendered(twin["choices"][cid]), (key, qid)
            elif name in {"title", "discussion_prompt", "summary"}:
                assert after[key].get(name, "") == value, (key, name)
            else:
                assert rendered(str(value)) == rendered(str(after[key].get(name, ""))), (key, name)


def asset_paths(course: Course) -> set[str]:
    return set(db.session.scalars(sa.select(Asset.path).where(Asset.course_id == course.id)))


def forget(course: Course) -> None:
    """Another instance: this one no longer has the course."""
    db.session.delete(course)
    db.session.flush()
    db.session.expire_all()


@pytest.mark.parametrize("name", REAL_COURSES)
def test_builtin_course_round_trip_into_a_clean_state(signer: Signer, name: str) -> None:
    course = install_builtin(name)
    before = (shape(course), settings(course), source_texts(course))
    data = export_cartridge(course, today="2025-01-31")
    forget(course)
    imported, action = import_new(data)
    assert action is Action.INSTALL
    assert imported.origin is CourseOrigin.LOCAL and imported.publisher_id == ""
    assert imported.licence == "CC-BY-SA-4.0" and imported.source_language == "en"
    assert shape(imported) == before[0]
    assert len(before[0].items) >= 7 and len(before[0].questions) >= 10
    assert settings(imported) == before[1]
    assert_same_texts(before[2], source_texts(imported))


def test_round_trip_beside_the_original_makes_a_new_course(signer: Signer) -> None:
    install(signer)
    original = the_course()
    data = export_cartridge(original, today="2025-01-31")
    imported, _action = import_new(data)
    assert imported.id != original.id and imported.uuid != original.uuid
    assert imported.slug == "sample-course-2"
    assert shape(imported) == shape(original)
    assert original.origin is not CourseOrigin.LOCAL and original.version == "1.0.0"
    assert asset_paths(imported) == asset_paths(original) == {"diagram.png"}


def test_importing_the_same_cartridge_again_updates_instead_of_duplicating(
    signer: Signer, counts: Counts
) -> None:
    course = install_builtin("online-moderation")
    data = export_cartridge(course, today="2025-01-31")
    first = import_cartridge(data)
    before = counts()
    again = import_cartridge(data)
    assert again.course_id == first.course_id and again.action is Action.REINSTALL
    assert again.version == "1.0.0" and again.changes.is_empty
    after = counts()
    assert after["PackageImport"] == before["PackageImport"] + 1
    assert {k: v for k, v in after.items() if k != "PackageImport"} == {
        k: v for k, v in before.items() if k != "PackageImport"
    }
    formats = db.session.scalars(sa.select(PackageImport.format)).all()
    assert set(formats) >= {"imscc"}
