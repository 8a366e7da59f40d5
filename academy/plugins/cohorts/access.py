"""More named predicates of the cohorts pages, next to those in ``permissions.py``.

``permissions.py`` holds the ones other plugins rely on (can_manage_cohorts,
can_moderate, can_review, is_participant, can_take_part); this module adds
who may see a cohort, decide on applications, and open "My cohorts", and the
conflict-of-interest rule of the selection.  Both are re-exported here, so
templates and views need one namespace.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from academy.core.accounts.models import Role
from academy.core.permissions import Permission, role_permission
from academy.extensions import db
from academy.plugins.cohorts.models import (
    Application,
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentMode,
    cohort_moderator,
    cohort_reviewer,
)
from academy.plugins.cohorts.permissions import (
    _is_moderator_of,
    _is_reviewer_of,
    can_manage_cohorts,
    can_moderate,
    can_review,
    can_take_part,
    is_participant,
)

__all__ = [
    "can_decide",
    "can_judge",
    "can_manage_cohorts",
    "can_moderate",
    "can_review",
    "can_take_part",
    "can_view_cohort",
    "conflict_of_interest",
    "has_cohort_duties",
    "is_cohort_staff",
    "is_listed",
    "is_participant",
]


def is_listed(cohort: Cohort) -> bool:
    """Anyone signed in may find it: taking enrolments, and not by invitation only."""
    taking = cohort.status in (CohortStatus.OPEN, CohortStatus.RUNNING)
    return taking and cohort.mode != EnrolmentMode.INVITATION


def _has_enrolment(user: Any, cohort: Cohort) -> bool:
    query = sa.select(Enrolment.id).where(
        Enrolment.cohort_id == cohort.id, Enrolment.user_id == user.id
    )
    return db.session.scalar(query) is not None


def _can_view(user: Any, cohort: Cohort) -> bool:
    return (
        is_listed(cohort)
        or can_manage_cohorts(user)
        or _has_enrolment(user, cohort)
        or _is_moderator_of(user, cohort)
        or _is_reviewer_of(user, cohort)
    )


can_view_cohort = Permission(
    "can_view_cohort",
    _l("This cohort is only for its participants, its moderators and its reviewers."),
    _can_view,
)
can_decide = Permission(
    "can_decide",
    _l("Only this cohort's selection committee and the academy's managers can do this."),
    lambda user, cohort: can_manage_cohorts(user) or _is_reviewer_of(user, cohort),
)
#: The "My cohorts" navigation entry: people whose role may give them cohorts to run.
is_cohort_staff = role_permission(
    "is_cohort_staff",
    _l("This page is for moderators, reviewers and academy managers."),
    Role.MODERATOR,
    Role.REVIEWER,
    Role.MANAGER,
    Role.ADMIN,
)


def _has_duties(user: Any) -> bool:
    if is_cohort_staff(user):
        return True
    moderates = sa.select(cohort_moderator.c.cohort_id).where(cohort_moderator.c.user_id == user.id)
    reviews = sa.select(cohort_reviewer.c.cohort_id).where(cohort_reviewer.c.user_id == user.id)
    return db.session.scalar(sa.union_all(moderates, reviews).limit(1)) is not None


has_cohort_duties = Permission(
    "has_cohort_duties",
    _l("This page is for the moderators and reviewers of cohorts."),
    lambda user, *_: _has_duties(user),
)


def conflict_of_interest(user: Any, application: Application) -> bool:
    """True when ``user`` applied, or belongs to the applicant's organisation (then or now)."""
    applicant = application.enrolment.user
    if applicant.id == user.id:
        return True
    if user.organisation_id is None:
        return False
    return user.organisation_id in {application.organisation_id, applicant.organisation_id}


can_judge = Permission(
    "can_judge",
    _l(
        "Applications are judged by the cohort's selection committee, never by people from "
        "the applicant's own organisation."
    ),
    lambda user, application: (
        can_decide(user, application.enrolment.cohort)
        and not conflict_of_interest(user, application)
    ),
)
