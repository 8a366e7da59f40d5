"""Who may do what with cohorts: named predicates for views, templates, the API and other plugins.

Other plugins (learning, discussions, certificates) ask these questions instead
of reading enrolments or moderator lists themselves.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from academy.core.accounts.models import Role
from academy.core.permissions import Permission, role_permission
from academy.extensions import db
from academy.plugins.cohorts.models import (
    PLACE_HOLDING,
    Cohort,
    Enrolment,
    cohort_moderator,
    cohort_reviewer,
)

can_manage_cohorts = role_permission(
    "can_manage_cohorts",
    _l("Creating and editing cohorts is for academy managers and administrators."),
    Role.MANAGER,
    Role.ADMIN,
)


def _is_moderator_of(user: Any, cohort: Cohort) -> bool:
    query = sa.select(cohort_moderator.c.user_id).where(
        cohort_moderator.c.cohort_id == cohort.id, cohort_moderator.c.user_id == user.id
    )
    return db.session.scalar(query) is not None


def _is_reviewer_of(user: Any, cohort: Cohort) -> bool:
    query = sa.select(cohort_reviewer.c.user_id).where(
        cohort_reviewer.c.cohort_id == cohort.id, cohort_reviewer.c.user_id == user.id
    )
    return db.session.scalar(query) is not None


def participant_enrolment(user: Any, cohort: Cohort) -> Enrolment | None:
    """The user's enrolment in the cohort if it holds a place (active or completed)."""
    return db.session.scalar(
        sa.select(Enrolment).where(
            Enrolment.cohort_id == cohort.id,
            Enrolment.user_id == user.id,
            Enrolment.status.in_(PLACE_HOLDING),
        )
    )


can_moderate = Permission(
    "can_moderate",
    _l("Only this cohort's moderators and the academy's managers can do this."),
    lambda user, cohort: user.has_role(Role.MANAGER, Role.ADMIN) or _is_moderator_of(user, cohort),
)
can_review = Permission(
    "can_review",
    _l("Only the selection committee reviewers assigned to this cohort can do this."),
    lambda user, cohort: _is_reviewer_of(user, cohort),
)
is_participant = Permission(
    "is_participant",
    _l("This is for the learners enrolled in this cohort and its moderators."),
    lambda user, cohort: participant_enrolment(user, cohort) is not None,
)
can_take_part = Permission(
    "can_take_part",
    _l("This is for the learners enrolled in this cohort and its moderators."),
    lambda user, cohort: (
        participant_enrolment(user, cohort) is not None or can_moderate(user, cohort)
    ),
)
