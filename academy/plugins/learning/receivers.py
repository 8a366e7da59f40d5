"""Receivers of core signals: progress after course upgrades, personal data, the lesson panel.

Signals are connected once for every app; each receiver checks that this plugin
is enabled in the running app.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_login import current_user
from markupsafe import Markup

from academy.core.accounts.models import User
from academy.core.plugins import is_enabled
from academy.core.storage import storage
from academy.extensions import db
from academy.plugins.cohorts.models import PLACE_HOLDING, Cohort, Enrolment
from academy.plugins.courses.models import Course, Item
from academy.plugins.learning.models import Completion, QuizAttempt, Submission
from academy.plugins.learning.progress import recompute_course


def on_course_upgraded(course: Course, **_: Any) -> None:
    """A new version changes which items are required: recompute every enrolment."""
    if is_enabled(current_app, "learning"):
        recompute_course(course.id)


def _submissions_of(user: User) -> list[Submission]:
    query = (
        sa.select(Submission)
        .join(Enrolment, Submission.enrolment_id == Enrolment.id)
        .where(Enrolment.user_id == user.id)
        .order_by(Submission.id)
    )
    return list(db.session.scalars(query))


def on_user_data_export(user: User, **_: Any) -> tuple[str, Any] | None:
    if not is_enabled(current_app, "learning"):
        return None
    mine = sa.select(Enrolment.id).where(Enrolment.user_id == user.id)
    completions = db.session.execute(
        sa.select(Completion.enrolment_id, Item.key, Completion.completed_at)
        .join(Item, Completion.item_id == Item.id)
        .where(Completion.enrolment_id.in_(mine))
    )
    attempts = db.session.scalars(sa.select(QuizAttempt).where(QuizAttempt.enrolment_id.in_(mine)))
    return "learning", {
        "completions": [
            {"enrolment_id": e, "item": key, "completed_at": when.isoformat()}
            for e, key, when in completions
        ],
        "quiz_attempts": [
            {
                "enrolment_id": a.enrolment_id,
                "number": a.number,
                "score": a.score,
                "passed": a.passed,
                "answers": a.answers,
                "at": a.created_at.isoformat(),
            }
            for a in attempts
        ],
        "submissions": [
            {
                "enrolment_id": s.enrolment_id,
                "number": s.number,
                "text": s.text,
                "file": s.file_name,
                "status": s.status.value,
                "feedback": s.feedback,
                "at": s.created_at.isoformat(),
            }
            for s in _submissions_of(user)
        ],
    }


def on_user_deleted(user: User, **_: Any) -> None:
    """Erase what the person wrote and handed in; scores and completions stay (no personal
    text) so that cohort statistics remain true."""
    if not is_enabled(current_app, "learning"):
        return
    for submission in _submissions_of(user):
        if submission.file_key:
            storage().delete(submission.file_key)
        submission.text, submission.file_key, submission.file_name = "", None, None
        submission.file_size = submission.file_type = None
    db.session.flush()


def lesson_panel(course: Course, item: Item) -> Markup | None:
    """On a course's public lesson page: a link to study it in the reader's cohort."""
    if not current_user.is_authenticated:
        return None
    enrolment = db.session.scalar(
        sa.select(Enrolment)
        .join(Cohort, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.user_id == current_user.id, Enrolment.status.in_(PLACE_HOLDING))
        .where(Cohort.course_id == course.id)
        .limit(1)
    )
    if enrolment is None:
        return None
    html = render_template("learning/_lesson_panel.html", enrolment=enrolment, item=item)
    return Markup(html)  # noqa: S704 - a template rendered with autoescape
