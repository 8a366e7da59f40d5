"""Fixtures of the discussions tests: two cohorts with learners and moderators."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask, g, request_started

from academy.core.accounts.models import User
from academy.extensions import db
from academy.plugins.cohorts.models import Cohort
from academy.plugins.courses.models import Course
from tests.plugins.courses.factories import make_course
from tests.plugins.discussions.factories import enrol, make_cohort, make_moderator


@pytest.fixture(autouse=True)
def _fresh_request_state(app: Flask) -> Iterator[None]:
    """Each request finds its own user and language, as in production."""

    def forget(_sender: Flask, **_extra: object) -> None:
        g.__dict__.clear()

    request_started.connect(forget, app)
    try:
        yield
    finally:
        request_started.disconnect(forget, app)


@dataclass
class Space:
    """One cohort's people."""

    cohort: Cohort
    learner: User
    peer: User
    moderator: User


@dataclass
class World:
    course: Course
    a: Space
    b: Space


def make_space(course: Course, name: str) -> Space:
    cohort = make_cohort(course, name=name)
    moderator = make_moderator(cohort, name=f"Moderator of {name}")
    return Space(
        cohort=cohort,
        learner=enrol(cohort, name=f"Learner of {name}", country="PT"),
        peer=enrol(cohort, name=f"Peer of {name}", country="FR"),
        moderator=moderator,
    )


@pytest.fixture
def world(app_ctx: Flask) -> World:
    """Two cohorts of one course, each with two learners and a moderator (committed to the
    test's savepoint, so requests that fail and roll back keep them)."""
    course = make_course("peer")
    found = World(course, make_space(course, "Cohort A"), make_space(course, "Cohort B"))
    db.session.commit()
    return found
