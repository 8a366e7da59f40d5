"""Demo data for ``academy demo``: a finished cohort of a built-in course that the demo
learner completed, and the certificate they hold.  Running it again changes nothing.

The cohort, the enrolment and (when the learning plugin is on) the learner's
completions are written directly with the models, so that the demo does not
depend on what other plugins put in their own demo data.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from academy.core.accounts.models import User
from academy.core.db import utcnow
from academy.core.plugins import is_enabled
from academy.extensions import db
from academy.plugins.certificates import services
from academy.plugins.certificates.models import Certificate
from academy.plugins.cohorts.models import (
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentEvent,
    EnrolmentMode,
    EnrolmentStatus,
)
from academy.plugins.courses.models import Course, CourseOrigin, Item, Module

DEMO_COHORT = "Pioneers (demo)"
PREFERRED_COURSE = "exchange-methodology"


def _demo_course() -> Course | None:
    """The exchange-methodology course, else any built-in course."""
    query = (
        sa.select(Course)
        .where(Course.origin == CourseOrigin.BUILTIN, Course.archived_at.is_(None))
        .order_by(sa.case((Course.slug == PREFERRED_COURSE, 0), else_=1), Course.slug)
        .limit(1)
    )
    return db.session.scalar(query)


def _cohort(course: Course, moderator: User | None) -> Cohort:
    query = sa.select(Cohort).where(Cohort.course_id == course.id, Cohort.name == DEMO_COHORT)
    cohort = db.session.scalar(query)
    if cohort is not None:
        return cohort
    today = utcnow().date()
    cohort = Cohort(
        course=course,
        name=DEMO_COHORT,
        language=course.source_language,
        status=CohortStatus.FINISHED,
        mode=EnrolmentMode.INVITATION,
        starts_on=today - timedelta(days=70),
        ends_on=today - timedelta(days=7),
        description="A demo cohort that has finished; its learner holds a certificate.",
    )
    cohort.moderators = [moderator] if moderator is not None else []
    db.session.add(cohort)
    db.session.flush()
    return cohort


def _completed_enrolment(cohort: Cohort, learner: User) -> Enrolment:
    query = sa.select(Enrolment).where(
        Enrolment.cohort_id == cohort.id, Enrolment.user_id == learner.id
    )
    enrolment = db.session.scalar(query)
    if enrolment is not None:
        return enrolment
    finished = utcnow() - timedelta(days=8)
    enrolment = Enrolment(
        cohort=cohort, user=learner, status=EnrolmentStatus.COMPLETED, completed_at=finished
    )
    enrolment.events = [
        EnrolmentEvent(new_status=EnrolmentStatus.ACTIVE, reason="demo data"),
        EnrolmentEvent(
            old_status=EnrolmentStatus.ACTIVE,
            new_status=EnrolmentStatus.COMPLETED,
            reason="course criteria met",
        ),
    ]
    db.session.add(enrolment)
    db.session.flush()
    if is_enabled(current_app, "learning"):
        _record_completions(enrolment, cohort.course_id)
    return enrolment


def _record_completions(enrolment: Enrolment, course_id: int) -> None:
    """Every required live item done, and the progress row complete."""
    from academy.plugins.learning.models import Completion, Progress

    required = list(
        db.session.scalars(
            sa.select(Item.id)
            .join(Module, Item.module_id == Module.id)
            .where(Item.course_id == course_id, Item.required.is_(True))
            .where(Item.archived_at.is_(None), Module.archived_at.is_(None))
        )
    )
    when = enrolment.completed_at or utcnow()
    db.session.add_all(
        Completion(enrolment_id=enrolment.id, item_id=item_id, completed_at=when)
        for item_id in required
    )
    db.session.add(
        Progress(
            enrolment_id=enrolment.id,
            percent=100,
            required_done=len(required),
            required_total=len(required),
            last_activity_at=when,
            completed_at=when,
        )
    )
    db.session.flush()


def demo_certificate(learner: User, moderator: User | None) -> Certificate | None:
    """The demo learner's certificate, creating what it needs; None without a built-in course."""
    course = _demo_course()
    if course is None:
        return None
    enrolment = _completed_enrolment(_cohort(course, moderator), learner)
    return services.issue(enrolment).certificate
