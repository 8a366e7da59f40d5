"""Public course pages: catalogue, syllabus, lessons, quizzes and assignments, assets.

Published courses that are not archived are readable by anyone; academy
managers also see the others (a preview).  Enrolment checks, progress and
"mark as complete" belong to the learning and cohorts plugins, which add
them through :mod:`academy.plugins.courses.hooks` (the ``lesson_actions``
block of the lesson and item templates).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import sqlalchemy as sa
from flask import abort, redirect, render_template, send_file, url_for
from werkzeug.wrappers import Response

from academy.core.storage import storage
from academy.extensions import db
from academy.plugins.courses.blueprint import bp, visible_course
from academy.plugins.courses.languages import ui_language
from academy.plugins.courses.models import Asset, Course, ItemType, Question, TextScope
from academy.plugins.courses.outline import Outline, OutlineItem, item_scope, load_outline
from academy.plugins.courses.permissions import is_public
from academy.plugins.courses.queries import (
    catalogue,
    course_languages,
    course_texts,
    localised_text,
)

ASSET_MAX_AGE = 24 * 3600
ASSET_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@bp.get("", endpoint="catalogue")
def catalogue_page() -> str:
    """Every published course, with its languages."""
    return render_template("courses/catalogue.html", entries=catalogue(ui_language()))


@bp.get("/<slug>")
def syllabus(slug: str) -> str:
    """The public syllabus: what the course covers, how long it takes, who made it."""
    course = visible_course(slug)
    language = ui_language()
    outline = load_outline(course, language)
    texts = course_texts(course, language, [TextScope.COURSE, TextScope.MODULE])
    return render_template(
        "courses/syllabus.html",
        course=course,
        outline=outline,
        texts=texts,
        languages=course_languages([course.id]).get(course.id, []),
    )


def _entry(outline: Outline, key: str) -> OutlineItem:
    entry = outline.find(key)
    if entry is None:
        abort(404)
    return entry


def _item_page(template: str, course: Course, outline: Outline, entry: OutlineItem) -> str:
    previous, following = outline.neighbours(entry.key)
    text = localised_text(course, item_scope(entry.item), entry.key, outline.language)
    return render_template(
        template,
        course=course,
        outline=outline,
        entry=entry,
        item=entry.item,
        text=text,
        previous=previous,
        following=following,
        question_count=_question_count(entry),
    )


def _question_count(entry: OutlineItem) -> int:
    if entry.type != ItemType.QUIZ:
        return 0
    query = sa.select(sa.func.count()).where(
        Question.item_id == entry.item.id, Question.archived_at.is_(None)
    )
    return db.session.scalar(query) or 0


@bp.get("/<slug>/lessons/<key>")
def lesson(slug: str, key: str) -> Any:
    """A lesson in the interface language, else in the source language with a notice."""
    course = visible_course(slug)
    outline = load_outline(course, ui_language())
    entry = _entry(outline, key)
    if entry.type != ItemType.LESSON:
        return redirect(url_for("courses.item", slug=slug, key=key))
    return _item_page("courses/lesson.html", course, outline, entry)


@bp.get("/<slug>/items/<key>")
def item(slug: str, key: str) -> Any:
    """A quiz (its introduction, not its questions) or an assignment (its task)."""
    course = visible_course(slug)
    outline = load_outline(course, ui_language())
    entry = _entry(outline, key)
    if entry.type == ItemType.LESSON:
        return redirect(url_for("courses.lesson", slug=slug, key=key))
    return _item_page("courses/item.html", course, outline, entry)


def _disposition_inline(media_type: str) -> bool:
    """Images (but not SVG, which can carry scripts) and PDF open in the browser."""
    if media_type == "application/pdf":
        return True
    return media_type.startswith("image/") and not media_type.startswith("image/svg")


@bp.get("/<slug>/assets/<path:path>")
def asset(slug: str, path: str) -> Response:
    """A file a lesson uses, from the instance's storage, cached by its sha256."""
    course = visible_course(slug)
    found = db.session.scalar(
        sa.select(Asset).where(Asset.course_id == course.id, Asset.path == path)
    )
    if found is None:
        abort(404)
    try:
        handle = storage().open(f"courses/{course.uuid}/assets/{found.sha256}")
    except (OSError, ValueError):
        abort(404)
    inline = _disposition_inline(found.media_type)
    response = send_file(
        handle,
        mimetype=found.media_type,
        as_attachment=not inline,
        download_name=PurePosixPath(path).name,
        etag=found.sha256,
        conditional=True,
        max_age=ASSET_MAX_AGE if is_public(course) else 0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    if not is_public(course):
        response.headers["Cache-Control"] = "private, no-cache"
    if found.media_type != "application/pdf":
        response.headers["Content-Security-Policy"] = ASSET_CSP
    return response
