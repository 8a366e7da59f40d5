"""Cohorts and enrolments built directly with the models, for the learning tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from academy.core.accounts.models import Role, User
from academy.extensions import db
from academy.plugins.cohorts.models import (
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentMode,
    EnrolmentStatus,
)
from academy.plugins.courses.models import Course, Item
from tests.factories import make_user
from tests.plugins.courses.factories import make_course


def make_cohort(
    course: Course | None = None,
    *,
    moderators: Iterable[User] = (),
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Cohort:
    cohort = Cohort(
        course=course or make_course(),
        name="Spring cohort",
        language="en",
        status=CohortStatus.RUNNING,
        mode=EnrolmentMode.OPEN,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    cohort.moderators = list(moderators)
    db.session.add(cohort)
    db.session.flush()
    return cohort


def enrol(
    user: User | None = None,
    cohort: Cohort | None = None,
    status: EnrolmentStatus = EnrolmentStatus.ACTIVE,
) -> Enrolment:
    enrolment = Enrolment(cohort=cohort or make_cohort(), user=user or make_user(), status=status)
    db.session.add(enrolment)
    db.session.flush()
    return enrolment


def make_moderator() -> User:
    return make_user(roles=[Role.MODERATOR])


def item(enrolment: Enrolment, key: str) -> Item:
    found = next(i for m in enrolment.cohort.course.modules for i in m.items if i.key == key)
    return found
