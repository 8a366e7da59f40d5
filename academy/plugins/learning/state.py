"""What a learner has done in one enrolment, loaded in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from academy.extensions import db
from academy.plugins.cohorts.models import Cohort, Enrolment
from academy.plugins.courses.models import Course, ItemType
from academy.plugins.courses.outline import Outline, OutlineItem, load_outline
from academy.plugins.learning.models import Completion, Progress, QuizAttempt, Submission


@dataclass
class LearnerState:
    enrolment: Enrolment
    cohort: Cohort
    course: Course
    outline: Outline
    done: set[int]
    progress: Progress | None
    best_scores: dict[int, int] = field(default_factory=dict)
    #: item id -> status of the latest submission
    submissions: dict[int, str] = field(default_factory=dict)

    @property
    def percent(self) -> int:
        return self.progress.percent if self.progress else 0

    @property
    def completed(self) -> bool:
        return self.progress is not None and self.progress.completed_at is not None

    def is_done(self, entry: OutlineItem) -> bool:
        return entry.item.id in self.done

    @property
    def minutes_left(self) -> int:
        return sum(
            e.item.minutes for e in self.outline.items if e.item.required and not self.is_done(e)
        )

    def next_step(self) -> OutlineItem | None:
        """Where to resume: the first required item not done, else the last one visited."""
        for entry in self.outline.items:
            if entry.item.required and not self.is_done(entry):
                return entry
        last = self.progress.last_item_id if self.progress else None
        return next((e for e in self.outline.items if e.item.id == last), None)

    @property
    def deadline(self) -> date | None:
        return self.cohort.ends_on


def item_ids_done(enrolment_ids: Sequence[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {eid: set() for eid in enrolment_ids}
    query = sa.select(Completion.enrolment_id, Completion.item_id).where(
        Completion.enrolment_id.in_(enrolment_ids)
    )
    for enrolment_id, item_id in db.session.execute(query):
        found[enrolment_id].add(item_id)
    return found


def best_scores(enrolment_id: int) -> dict[int, int]:
    query = (
        sa.select(QuizAttempt.item_id, sa.func.max(QuizAttempt.score))
        .where(QuizAttempt.enrolment_id == enrolment_id)
        .group_by(QuizAttempt.item_id)
    )
    return {item_id: best for item_id, best in db.session.execute(query)}


def latest_submissions(enrolment_id: int) -> dict[int, str]:
    latest = (
        sa.select(Submission.item_id, sa.func.max(Submission.number).label("number"))
        .where(Submission.enrolment_id == enrolment_id)
        .group_by(Submission.item_id)
        .subquery()
    )
    query = (
        sa.select(Submission.item_id, Submission.status)
        .join(
            latest,
            sa.and_(
                Submission.item_id == latest.c.item_id,
                Submission.number == latest.c.number,
            ),
        )
        .where(Submission.enrolment_id == enrolment_id)
    )
    return {item_id: status.value for item_id, status in db.session.execute(query)}


def load_state(enrolment: Enrolment, language: str) -> LearnerState:
    cohort = db.session.get(Cohort, enrolment.cohort_id)
    assert cohort is not None
    course = cohort.course
    outline = load_outline(course, language)
    state = LearnerState(
        enrolment=enrolment,
        cohort=cohort,
        course=course,
        outline=outline,
        done=item_ids_done([enrolment.id])[enrolment.id],
        progress=db.session.get(Progress, enrolment.id),
    )
    if any(e.type == ItemType.QUIZ for e in outline.items):
        state.best_scores = best_scores(enrolment.id)
    if any(e.type == ItemType.ASSIGNMENT for e in outline.items):
        state.submissions = latest_submissions(enrolment.id)
    return state
