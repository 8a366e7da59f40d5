"""Learning API: progress, completing lessons, quiz attempts, cohort progress and xAPI."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Response, current_app
from pydantic import BaseModel, Field

from academy.core.api import ApiProblem, api_blueprint, api_user, parse_body, require_api
from academy.core.api.openapi import operation
from academy.core.db import utcnow
from academy.extensions import db
from academy.plugins.cohorts.models import PLACE_HOLDING, Cohort, Enrolment
from academy.plugins.cohorts.permissions import can_moderate
from academy.plugins.courses.languages import ui_language
from academy.plugins.courses.models import Item, ItemType
from academy.plugins.learning import services
from academy.plugins.learning.dashboard import all_rows, expected_percent
from academy.plugins.learning.exports import xapi_statements
from academy.plugins.learning.models import Progress
from academy.plugins.learning.quiz import live_questions
from academy.plugins.learning.state import item_ids_done

bp = api_blueprint("learning", __name__)


class ProgressOut(BaseModel):
    enrolment_id: int
    status: str
    percent: int
    required_done: int
    required_total: int
    completed: bool
    completed_item_ids: list[int]


class CompleteIn(BaseModel):
    enrolment_id: int | None = Field(None, description="Needed only when several enrolments fit")


class CompleteOut(BaseModel):
    first_time: bool
    progress: ProgressOut


class AttemptIn(BaseModel):
    answers: dict[str, list[str]] = Field(description="question key -> chosen choice keys")
    enrolment_id: int | None = None


class QuestionResult(BaseModel):
    key: str
    correct: bool


class AttemptOut(BaseModel):
    number: int
    score: int
    passed: bool
    attempts_left: int | None
    questions: list[QuestionResult]


class LearnerProgressOut(BaseModel):
    enrolment_id: int
    user_id: int
    name: str
    percent: int
    behind: bool
    last_activity_at: str | None


class CohortProgressOut(BaseModel):
    cohort_id: int
    expected_percent: int | None
    items: list[LearnerProgressOut]


def _progress(enrolment: Enrolment) -> ProgressOut:
    row = db.session.get(Progress, enrolment.id)
    return ProgressOut(
        enrolment_id=enrolment.id,
        status=enrolment.status.value,
        percent=row.percent if row else 0,
        required_done=row.required_done if row else 0,
        required_total=row.required_total if row else 0,
        completed=bool(row and row.completed_at),
        completed_item_ids=sorted(item_ids_done([enrolment.id])[enrolment.id]),
    )


def _item(item_id: int, kind: ItemType) -> Item:
    item = db.session.get(Item, item_id)
    if item is None or item.type != kind or item.archived_at is not None:
        raise ApiProblem(404, "No such item.")
    return item


def _enrolment_for(item: Item, enrolment_id: int | None) -> Enrolment:
    """The caller's enrolment (holding a place) in a cohort of the item's course."""
    user = api_user()
    query = (
        sa.select(Enrolment)
        .join(Cohort, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.user_id == user.id, Enrolment.status.in_(PLACE_HOLDING))
        .where(Cohort.course_id == item.course_id)
    )
    if enrolment_id is not None:
        query = query.where(Enrolment.id == enrolment_id)
    found = list(db.session.scalars(query.limit(2)))
    if not found:
        raise ApiProblem(403, "You are not enrolled in a cohort of this course.")
    if len(found) > 1:
        raise ApiProblem(
            409, "You are enrolled in several cohorts of this course: give enrolment_id."
        )
    return found[0]


@bp.get("/me/enrolments/<int:enrolment_id>/progress")
@operation("Progress of one of my enrolments", tag="learning", response=ProgressOut, errors=(404,))
def my_progress(enrolment_id: int) -> dict[str, Any]:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.user_id != api_user().id:
        raise ApiProblem(404, "No such enrolment.")
    return _progress(enrolment).model_dump()


@bp.post("/lessons/<int:item_id>/complete")
@operation(
    "Mark a lesson as complete (idempotent)",
    tag="learning",
    request=CompleteIn,
    response=CompleteOut,
    errors=(400, 403, 404, 409, 422),
)
def complete_lesson(item_id: int) -> dict[str, Any]:
    item = _item(item_id, ItemType.LESSON)
    body = parse_body(CompleteIn)
    enrolment = _enrolment_for(item, body.enrolment_id)
    first = services.complete_lesson(enrolment, item)
    return CompleteOut(first_time=first, progress=_progress(enrolment)).model_dump()


@bp.post("/quizzes/<int:item_id>/attempts")
@operation(
    "Submit a quiz attempt",
    tag="learning",
    request=AttemptIn,
    response=AttemptOut,
    status=201,
    errors=(400, 403, 404, 409, 422),
)
def attempt(item_id: int) -> tuple[dict[str, Any], int]:
    item = _item(item_id, ItemType.QUIZ)
    body = parse_body(AttemptIn)
    enrolment = _enrolment_for(item, body.enrolment_id)
    result = services.submit_quiz(enrolment, item, body.answers)
    used = len(services.attempts_of(enrolment, item))
    out = AttemptOut(
        number=result.number,
        score=result.score,
        passed=result.passed,
        attempts_left=services.attempts_left(item, used),
        questions=[
            QuestionResult(key=q.key, correct=result.results.get(q.key, False))
            for q in live_questions(item)
        ],
    )
    return out.model_dump(), 201


def _moderated(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise ApiProblem(404, "No such cohort.")
    require_api(can_moderate, cohort)
    return cohort


@bp.get("/cohorts/<int:cohort_id>/progress")
@operation(
    "Progress of every learner of a cohort (moderators)",
    tag="learning",
    response=CohortProgressOut,
    errors=(403, 404),
)
def cohort_progress(cohort_id: int) -> dict[str, Any]:
    cohort = _moderated(cohort_id)
    _outline, rows = all_rows(
        cohort,
        ui_language(),
        inactive_days=current_app.config["LEARNING_INACTIVE_DAYS"],
        today=utcnow().date(),
    )
    items = [
        LearnerProgressOut(
            enrolment_id=row.enrolment.id,
            user_id=row.user.id,
            name=row.user.name,
            percent=row.percent,
            behind=row.behind,
            last_activity_at=row.last_activity.isoformat() if row.last_activity else None,
        )
        for row in rows
    ]
    return CohortProgressOut(
        cohort_id=cohort.id, expected_percent=expected_percent(cohort, utcnow().date()), items=items
    ).model_dump()


@bp.get("/cohorts/<int:cohort_id>/xapi")
@operation(
    "The cohort's learning events as xAPI 1.0.3 statements, one per line (moderators)",
    tag="learning",
    errors=(403, 404),
    content_type="application/x-ndjson",
)
def cohort_xapi(cohort_id: int) -> Response:
    cohort = _moderated(cohort_id)
    base = current_app.config["ACADEMY_BASE_URL"].rstrip("/")
    body = "".join(line + "\n" for line in xapi_statements(cohort, base))
    return Response(body, mimetype="application/x-ndjson")
