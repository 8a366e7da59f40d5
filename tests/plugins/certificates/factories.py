"""Completed enrolments and issued certificates, built on the learning tests' factories."""

from __future__ import annotations

from academy.core.accounts.models import Role, User
from academy.plugins.certificates import services
from academy.plugins.certificates.models import Certificate
from academy.plugins.cohorts.models import Cohort, Enrolment
from academy.plugins.learning import services as learning
from tests.factories import make_user
from tests.plugins.learning.factories import enrol, item, make_cohort, make_moderator

RIGHT = {"q-one": ["b"], "q-two": ["true"]}

__all__ = ["complete", "enrol", "issue", "make_cohort", "make_manager", "make_moderator"]


def complete(enrolment: Enrolment, moderator: User | None = None) -> None:
    """Do every required item of the factory course, as the learner would."""
    learning.complete_lesson(enrolment, item(enrolment, "intro"))
    learning.complete_lesson(enrolment, item(enrolment, "second"))
    learning.submit_quiz(enrolment, item(enrolment, "basics-quiz"), RIGHT)
    plan = learning.submit_assignment(enrolment, item(enrolment, "plan"), text="My plan")
    learning.review_submission(plan, accept=True, feedback="Good", by=moderator or make_moderator())


def issue(
    user: User | None = None, cohort: Cohort | None = None, *, name: str | None = None
) -> Certificate:
    """A certificate issued for a new active enrolment (without doing the course)."""
    enrolment = enrol(user or make_user(name=name), cohort)
    return services.issue(enrolment).certificate


def make_manager() -> User:
    return make_user(roles=[Role.MANAGER])
