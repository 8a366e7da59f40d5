"""Capacity is never exceeded, even when many people enrol at the same moment.

40 threads post 40 enrolments through the real request cycle (API, one transaction
per request, each thread with its own app context and session) at a cohort of 10:
exactly 10 get a place and 30 wait.  Then the 10 withdraw at once and exactly the
first 10 in line are promoted.  It runs on the test database: SQLite by default (a
file of its own), PostgreSQL when TEST_DATABASE_URL is set (the rows it commits are
deleted afterwards, since the shared per-test rollback cannot undo other sessions).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask

from academy.core.accounts.models import User
from academy.core.api.tokens import create_token
from academy.core.mail.models import OutboxMessage
from academy.extensions import db
from academy.plugins.cohorts.models import Enrolment, EnrolmentStatus
from tests.concurrency import all_at_once, own_app, post
from tests.factories import make_user
from tests.plugins.cohorts.support import make_cohort
from tests.plugins.courses.factories import make_course

__all__ = ["own_app"]  # the fixture
PEOPLE = 40
CAPACITY = 10


@dataclass
class Setup:
    cohort_id: int
    user_ids: list[int]
    secrets: list[str]


def _prepare(application: Flask) -> Setup:
    made = application.extensions["concurrency_test_rows"]
    with application.test_request_context():
        course = make_course()
        made["courses"].append(course.id)
        db.session.commit()
        cohort = make_cohort(course, capacity=CAPACITY, name="Forty for ten")
        users = [make_user() for _ in range(PEOPLE)]
        made["users"].extend(user.id for user in users)
        secrets = [create_token(user)[1] for user in users]
        db.session.commit()
        setup = Setup(cohort.id, [user.id for user in users], secrets)
        db.session.remove()
    return setup


def _statuses(application: Flask, cohort_id: int) -> Counter[EnrolmentStatus]:
    with application.app_context():
        query = sa.select(Enrolment.status).where(Enrolment.cohort_id == cohort_id)
        found = Counter(db.session.scalars(query))
        db.session.remove()
    return found


def _waiting_order(application: Flask, cohort_id: int) -> list[int]:
    with application.app_context():
        query = (
            sa.select(Enrolment.user_id)
            .where(Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.WAITING)
            .order_by(Enrolment.waiting_since, Enrolment.id)
        )
        order = list(db.session.scalars(query))
        db.session.remove()
    return order


def test_forty_concurrent_enrolments_in_a_cohort_of_ten(own_app: Flask) -> None:
    setup = _prepare(own_app)
    path = f"/api/v1/cohorts/{setup.cohort_id}/enrolments"
    results = all_at_once([post(own_app, path, secret) for secret in setup.secrets])
    assert all(isinstance(r, tuple) and r[0] == 201 for r in results), results
    answered = Counter(body["status"] for _code, body in results)
    assert answered == {"active": CAPACITY, "waiting": PEOPLE - CAPACITY}
    assert _statuses(own_app, setup.cohort_id) == {
        EnrolmentStatus.ACTIVE: CAPACITY,
        EnrolmentStatus.WAITING: PEOPLE - CAPACITY,
    }

    # The ten with a place withdraw at the same moment: the first ten in line move up.
    first_in_line = _waiting_order(own_app, setup.cohort_id)[:CAPACITY]
    holders = [i for i, (_code, body) in enumerate(results) if body["status"] == "active"]
    withdrawals = [
        post(own_app, f"/api/v1/enrolments/{results[i][1]['id']}/withdraw", setup.secrets[i])
        for i in holders
    ]
    outcomes = all_at_once(withdrawals)
    assert all(isinstance(r, tuple) and r[0] == 200 for r in outcomes), outcomes
    assert _statuses(own_app, setup.cohort_id) == {
        EnrolmentStatus.ACTIVE: CAPACITY,
        EnrolmentStatus.WITHDRAWN: CAPACITY,
        EnrolmentStatus.WAITING: PEOPLE - 2 * CAPACITY,
    }
    with own_app.app_context():
        active = db.session.scalars(
            sa.select(Enrolment.user_id).where(
                Enrolment.cohort_id == setup.cohort_id,
                Enrolment.status == EnrolmentStatus.ACTIVE,
            )
        )
        assert sorted(active) == sorted(first_in_line)
        promoted_mails = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == "cohorts-promoted")
            .join(User, User.email == OutboxMessage.recipient)
            .where(User.id.in_(setup.user_ids))
        )
        assert promoted_mails == CAPACITY
        db.session.remove()


def test_a_double_submit_enrols_once(own_app: Flask) -> None:
    setup = _prepare(own_app)
    path = f"/api/v1/cohorts/{setup.cohort_id}/enrolments"
    results = all_at_once([post(own_app, path, setup.secrets[0]) for _ in range(8)])
    codes = Counter(r[0] for r in results if isinstance(r, tuple))
    assert codes == {201: 1, 409: 7}, results
    assert _statuses(own_app, setup.cohort_id) == {EnrolmentStatus.ACTIVE: 1}
