"""Cohorts, enrolments and discussions built directly with the models, for these tests.

Plain functions that flush, never commit.  Cohorts and enrolments are made here
(not through the cohorts plugin's services, which are being written in parallel).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import timedelta

from academy.core.accounts.models import Role, User
from academy.core.db import utcnow
from academy.extensions import db
from academy.plugins.cohorts.models import Cohort, CohortStatus, Enrolment, EnrolmentStatus
from academy.plugins.courses.models import Course
from academy.plugins.discussions import services
from academy.plugins.discussions.models import Post, Thread
from tests.factories import make_organisation, make_user
from tests.plugins.courses.factories import make_course

_counter = itertools.count(1)


def make_cohort(
    course: Course | None = None,
    *,
    name: str | None = None,
    status: CohortStatus = CohortStatus.RUNNING,
    moderators: Iterable[User] = (),
) -> Cohort:
    cohort = Cohort(
        course_id=(course or make_course()).id,
        name=name or f"Cohort {next(_counter)}",
        language="en",
        status=status,
    )
    cohort.moderators = list(moderators)
    db.session.add(cohort)
    db.session.flush()
    return cohort


def old_enough(user: User) -> User:
    """Make the account older than a day (no new-account link limit)."""
    user.created_at = utcnow() - timedelta(days=3)
    db.session.flush()
    return user


def enrol(
    cohort: Cohort,
    user: User | None = None,
    *,
    status: EnrolmentStatus = EnrolmentStatus.ACTIVE,
    name: str | None = None,
    country: str = "PT",
) -> User:
    """A learner (made with an organisation when not given) enrolled in ``cohort``."""
    if user is None:
        organisation = make_organisation(country=country)
        user = old_enough(make_user(name=name, organisation=organisation))
    db.session.add(Enrolment(cohort_id=cohort.id, user_id=user.id, status=status))
    db.session.flush()
    return user


def make_moderator(cohort: Cohort, *, name: str | None = None) -> User:
    user = old_enough(make_user(name=name, roles=(Role.MODERATOR,)))
    cohort.moderators.append(user)
    db.session.flush()
    return user


def make_thread(
    cohort: Cohort, author: User, *, title: str = "A question", body: str = "What do you think?"
) -> Thread:
    return services.start_thread(cohort, author, title=title, body=body)


def opening(thread: Thread) -> Post:
    post = db.session.scalar(db.select(Post).where(Post.thread_id == thread.id, Post.opening))
    assert post is not None
    return post
