"""A newer version of a course package keeps every learner's progress (issue: packages)."""

from __future__ import annotations

import sqlalchemy as sa

from academy.core.accounts.models import User
from academy.extensions import db
from academy.plugins.cohorts.models import EnrolmentStatus
from academy.plugins.courses.models import Item
from academy.plugins.learning import services
from academy.plugins.learning.models import Completion, Progress
from academy.plugins.packages.signing import Signer
from tests.factories import make_user
from tests.plugins.learning.factories import enrol, make_cohort, make_moderator
from tests.plugins.packages.builders import sample_files
from tests.plugins.packages.conftest import signer
from tests.plugins.packages.helpers import install, items, the_course

__all__ = ["signer"]


def _study_everything(user: User) -> tuple:
    course = the_course()
    cohort = make_cohort(course, moderators=[make_moderator()])
    enrolment = enrol(user, cohort)
    found = items(course)
    services.complete_lesson(enrolment, found["welcome"])
    services.complete_lesson(enrolment, found["first-steps"])
    services.submit_quiz(enrolment, found["basics-quiz"], {"q-one": ["a"], "q-two": ["true"]})
    return course, enrolment


def test_a_new_version_keeps_completions_and_lowers_the_percentage(signer: Signer) -> None:
    install(signer)
    course, enrolment = _study_everything(make_user())
    assert db.session.get(Progress, enrolment.id).percent == 75  # 3 of 4 required items
    install(signer, sample_files("1.1.0", ["welcome", "first-steps", "third-lesson"]))
    assert the_course().version == "1.1.0" and the_course().id == course.id
    db.session.expire_all()
    row = db.session.get(Progress, enrolment.id)
    assert (row.required_done, row.required_total, row.percent) == (3, 5, 60)
    done = db.session.scalars(
        sa.select(Item.key)
        .join(Completion, Completion.item_id == Item.id)
        .where(Completion.enrolment_id == enrolment.id)
    ).all()
    assert sorted(done) == ["basics-quiz", "first-steps", "welcome"]


def test_a_removed_lesson_is_archived_and_its_completion_kept(signer: Signer) -> None:
    install(signer)
    _course, enrolment = _study_everything(make_user())
    install(signer, sample_files("1.1.0", ["first-steps"]))
    db.session.expire_all()
    welcome = items(the_course())["welcome"]
    assert welcome.archived_at is not None
    assert db.session.scalar(sa.select(Completion).where(Completion.item_id == welcome.id))
    row = db.session.get(Progress, enrolment.id)
    assert (row.required_done, row.required_total) == (2, 3)
    assert enrolment.status == EnrolmentStatus.ACTIVE
