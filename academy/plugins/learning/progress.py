"""Progress of enrolments: required items done, percentage, and completion exactly once.

An enrolment's progress is the share of its course's required items (lessons,
quizzes, assignments that are not archived) that have a :class:`Completion`.
The course is complete when every required item is done and, for courses that
ask for it, a moderator has signed off.  Completion is claimed with a
conditional UPDATE (``completed_at IS NULL``), so when two requests race only
one of them records it and sends ``course_completed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from academy.core.db import utcnow
from academy.core.signals import course_completed
from academy.extensions import db
from academy.plugins.cohorts.models import Cohort, Enrolment, EnrolmentStatus
from academy.plugins.cohorts.services import COMPLETED, set_status
from academy.plugins.courses.models import Item, Module
from academy.plugins.learning.models import Completion, Progress


def required_item_ids(course_id: int) -> list[int]:
    """Ids of the course's required items that are live (not archived): one query."""
    query = (
        sa.select(Item.id)
        .join(Module, Item.module_id == Module.id)
        .where(Item.course_id == course_id, Item.required.is_(True))
        .where(Item.archived_at.is_(None), Module.archived_at.is_(None))
    )
    return list(db.session.scalars(query))


def done_counts(enrolment_ids: Sequence[int], item_ids: Sequence[int]) -> dict[int, int]:
    """How many of ``item_ids`` each enrolment has completed: one query."""
    if not enrolment_ids or not item_ids:
        return {}
    query = (
        sa.select(Completion.enrolment_id, sa.func.count())
        .where(Completion.enrolment_id.in_(enrolment_ids), Completion.item_id.in_(item_ids))
        .group_by(Completion.enrolment_id)
    )
    return {enrolment_id: count for enrolment_id, count in db.session.execute(query)}


def percent(done: int, total: int) -> int:
    return 100 if total == 0 else min(100, done * 100 // total)


def progress_of(enrolment: Enrolment) -> Progress:
    """The enrolment's progress row, created when missing (safe when two requests race)."""
    found = db.session.get(Progress, enrolment.id)
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            row = Progress(enrolment_id=enrolment.id)
            db.session.add(row)
    except IntegrityError:
        existing = db.session.get(Progress, enrolment.id, populate_existing=True)
        assert existing is not None
        return existing
    return row


def touch(enrolment: Enrolment, item: Item | None, when: datetime | None = None) -> Progress:
    """Remember the learner's last activity (and where to resume)."""
    row = progress_of(enrolment)
    row.last_activity_at = when or utcnow()
    if item is not None:
        row.last_item_id = item.id
    return row


def recompute(enrolment: Enrolment) -> Progress:
    """Count the required items done, update the row, and claim completion if due."""
    cohort = db.session.get(Cohort, enrolment.cohort_id)
    assert cohort is not None
    row = progress_of(enrolment)
    # Lock the row before counting: two requests that each complete one of the last items
    # then count one after the other, and the second sees both (PostgreSQL; SQLite
    # already runs writing transactions one at a time).
    db.session.execute(
        sa.select(Progress.enrolment_id)
        .where(Progress.enrolment_id == enrolment.id)
        .with_for_update()
    )
    required = required_item_ids(cohort.course_id)
    done = done_counts([enrolment.id], required).get(enrolment.id, 0)
    row.required_done, row.required_total = done, len(required)
    row.percent = percent(done, len(required))
    db.session.flush()
    if done == len(required) and _signed_off_if_needed(enrolment, cohort):
        claim_completion(enrolment)
    return row


def _signed_off_if_needed(enrolment: Enrolment, cohort: Cohort) -> bool:
    return not cohort.course.requires_signoff or enrolment.signed_off_at is not None


def claim_completion(enrolment: Enrolment) -> bool:
    """Mark the enrolment completed once; True (and the signal sent) only for the first caller."""
    if enrolment.status not in (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED):
        return False
    now = utcnow()
    claimed = db.session.execute(
        sa.update(Progress)
        .where(Progress.enrolment_id == enrolment.id, Progress.completed_at.is_(None))
        .values(completed_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    db.session.expire(progress_of(enrolment), ["completed_at"])
    if enrolment.status == EnrolmentStatus.ACTIVE:
        set_status(enrolment, EnrolmentStatus.COMPLETED, by=None, reason=COMPLETED)
    db.session.flush()
    course_completed.send(enrolment)
    return True


def recompute_course(course_id: int) -> int:
    """Recompute every enrolment of the course's cohorts (after an upgrade); returns how many."""
    required = required_item_ids(course_id)
    enrolments = list(
        db.session.scalars(
            sa.select(Enrolment)
            .join(Cohort, Enrolment.cohort_id == Cohort.id)
            .where(Cohort.course_id == course_id)
        )
    )
    counts = done_counts([e.id for e in enrolments], required)
    for enrolment in enrolments:
        row = progress_of(enrolment)
        row.required_done = counts.get(enrolment.id, 0)
        row.required_total = len(required)
        row.percent = percent(row.required_done, row.required_total)
    db.session.flush()
    return len(enrolments)


def mark_done(enrolment: Enrolment, item: Item) -> bool:
    """Record ``item`` as done in the enrolment; False when it already was (idempotent)."""
    exists = db.session.scalar(
        sa.select(Completion.id).where(
            Completion.enrolment_id == enrolment.id, Completion.item_id == item.id
        )
    )
    if exists is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Completion(enrolment_id=enrolment.id, item_id=item.id))
    except IntegrityError:  # the same item completed by a concurrent request
        return False
    return True
