"""Shared helpers of the import tests."""

from __future__ import annotations

import sqlalchemy as sa

from academy.extensions import db
from academy.plugins.courses.models import Course, CourseText, Item, Question, TextScope
from academy.plugins.packages.report import ImportReport
from academy.plugins.packages.services import import_package
from academy.plugins.packages.signing import Signer
from tests.plugins.packages.builders import COURSE_UUID, sample_files, signed_zip


def install(
    signer: Signer, files: dict[str, bytes] | None = None, **kwargs: object
) -> ImportReport:
    data = signed_zip(files if files is not None else sample_files(), signer)
    return import_package(data, trust=True, **kwargs)  # type: ignore[arg-type]


def the_course(course_uuid: str = COURSE_UUID) -> Course:
    course = db.session.scalar(sa.select(Course).where(Course.uuid == course_uuid))
    assert course is not None
    return course


def items(course: Course) -> dict[str, Item]:
    rows = db.session.scalars(sa.select(Item).where(Item.course_id == course.id))
    return {item.key: item for item in rows}


def questions(course: Course) -> dict[str, Question]:
    query = sa.select(Question).join(Item).where(Item.course_id == course.id)
    return {f"{q.item.key}/{q.key}": q for q in db.session.scalars(query)}


def text(course: Course, scope: TextScope, key: str, language: str) -> CourseText | None:
    return db.session.scalar(
        sa.select(CourseText).where(
            CourseText.course_id == course.id,
            CourseText.scope == scope,
            CourseText.key == key,
            CourseText.language == language,
        )
    )


def texts_by_language(course: Course) -> dict[tuple[str, str, str], dict[str, object]]:
    rows = db.session.scalars(sa.select(CourseText).where(CourseText.course_id == course.id))
    return {(str(t.scope), t.key, t.language): t.fields for t in rows}
