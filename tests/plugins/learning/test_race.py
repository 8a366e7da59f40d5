"""Completion is recorded exactly once, and never missed, when requests race.

Each round, a learner who has done everything but two lessons completes both at the
same moment (two API requests in two threads); another round sends the same last
lesson twice.  Each time ``course_completed`` fires exactly once and the enrolment
ends completed.  Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from academy.core.api.tokens import create_token
from academy.core.signals import course_completed
from academy.extensions import db
from academy.plugins.cohorts.models import Enrolment, EnrolmentStatus
from academy.plugins.learning import services
from tests.concurrency import all_at_once, own_app
from tests.plugins.learning.factories import enrol, item, make_cohort, make_moderator

__all__ = ["own_app"]  # the fixture
ROUNDS = 4


def _prepare(application: Flask) -> list[tuple[int, str, dict[str, int]]]:
    """Learners one step from the end: (enrolment id, token, lesson ids)."""
    made = application.extensions["concurrency_test_rows"]
    prepared = []
    with application.test_request_context():
        moderator = make_moderator()
        made["users"].append(moderator.id)
        for _ in range(ROUNDS):
            cohort = make_cohort(moderators=[moderator])
            made["courses"].append(cohort.course_id)
            enrolment = enrol(cohort=cohort)
            made["users"].append(enrolment.user_id)
            services.submit_quiz(
                enrolment, item(enrolment, "basics-quiz"), {"q-one": ["b"], "q-two": ["true"]}
            )
            submission = services.submit_assignment(enrolment, item(enrolment, "plan"), text="p")
            services.review_submission(submission, accept=True, feedback="", by=moderator)
            lessons = {key: item(enrolment, key).id for key in ("intro", "second")}
            prepared.append((enrolment.id, create_token(enrolment.user)[1], lessons))
        db.session.commit()
        db.session.remove()
    return prepared


def _complete(application: Flask, lesson_id: int, secret: str) -> Any:
    def call() -> int:
        response = application.test_client().post(
            f"/api/v1/lessons/{lesson_id}/complete",
            headers={"Authorization": f"Bearer {secret}"},
            json={},
        )
        return response.status_code

    return call


def test_completion_is_claimed_once_and_never_missed(own_app: Flask) -> None:
    fired: list[int] = []

    def record(sender: Enrolment, **_: object) -> None:
        fired.append(sender.id)

    prepared = _prepare(own_app)
    with course_completed.connected_to(record):
        for number, (_enrolment, secret, lessons) in enumerate(prepared):
            if number % 2:  # the same last lesson, twice at once
                _complete(own_app, lessons["intro"], secret)()
                calls = [_complete(own_app, lessons["second"], secret) for _ in range(2)]
            else:  # the two last lessons at once
                calls = [_complete(own_app, lesson, secret) for lesson in lessons.values()]
            assert all_at_once(calls) == [200, 200]
    assert sorted(fired) == sorted(enrolment_id for enrolment_id, _s, _l in prepared)
    with own_app.app_context():
        statuses = db.session.scalars(
            sa.select(Enrolment.status).where(Enrolment.id.in_([p[0] for p in prepared]))
        ).all()
        assert set(statuses) == {EnrolmentStatus.COMPLETED}
        db.session.remove()
