"""Creating and editing cohorts, and choosing their moderators and reviewers.

Managers do this (views check ``can_manage_cohorts``); the CLI and the demo
call the same functions.  They flush, never commit, and record audit events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from academy.core.accounts.models import Role, User, UserRole
from academy.core.audit import services as audit
from academy.core.errors import DomainError
from academy.extensions import db
from academy.plugins.cohorts.criteria import default_criteria
from academy.plugins.cohorts.models import (
    Application,
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentMode,
    Review,
    cohort_moderator,
    cohort_reviewer,
)
from academy.plugins.cohorts.services import (
    count_enrolments,
    fill_places,
    lock_cohort,
    places_taken,
)
from academy.plugins.courses.models import Course

MODERATOR_ROLES = (Role.MODERATOR, Role.MANAGER, Role.ADMIN)
REVIEWER_ROLES = (Role.REVIEWER,)


@dataclass
class CohortDetails:
    """What a manager sets on a cohort (the form, the CLI and the demo build one).

    ``criteria`` None keeps the current criteria (a new selection cohort gets
    the default ones).
    """

    name: str
    language: str
    mode: EnrolmentMode = EnrolmentMode.OPEN
    status: CohortStatus = CohortStatus.DRAFT
    capacity: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    enrol_opens_at: datetime | None = None
    enrol_closes_at: datetime | None = None
    description: str = ""
    criteria: list[dict[str, Any]] | None = None


def _check_details(details: CohortDetails) -> None:
    if not details.name.strip():
        raise DomainError(_("Please enter the cohort's name."), field="name")
    if not details.language.strip() or len(details.language.strip()) > 10:
        raise DomainError(_("Please choose the cohort's language."), field="language")
    if details.capacity is not None and details.capacity < 1:
        raise DomainError(_("The capacity must be at least 1 place."), field="capacity")
    if details.starts_on and details.ends_on and details.ends_on < details.starts_on:
        raise DomainError(_("The cohort cannot end before it starts."), field="ends_on")
    opens, closes = details.enrol_opens_at, details.enrol_closes_at
    if opens and closes and closes < opens:
        raise DomainError(_("Enrolment cannot close before it opens."), field="enrol_closes_on")


def _apply_details(cohort: Cohort, details: CohortDetails) -> None:
    cohort.name = " ".join(details.name.split())[:200]
    cohort.language = details.language.strip()
    cohort.mode = details.mode
    cohort.status = details.status
    cohort.capacity = details.capacity
    cohort.starts_on, cohort.ends_on = details.starts_on, details.ends_on
    cohort.enrol_opens_at, cohort.enrol_closes_at = details.enrol_opens_at, details.enrol_closes_at
    cohort.description = details.description.strip()
    if details.criteria is not None:
        cohort.criteria = details.criteria
    if cohort.mode == EnrolmentMode.SELECTION and not cohort.criteria:
        cohort.criteria = default_criteria()


def create_cohort(course: Course, details: CohortDetails, *, by: User | None) -> Cohort:
    """A new cohort of ``course``."""
    _check_details(details)
    cohort = Cohort(course_id=course.id, created_by_id=by.id if by else None, criteria=[])
    _apply_details(cohort, details)
    db.session.add(cohort)
    db.session.flush()
    audit.record(by, "cohort.created", cohort, course=course.slug, mode=cohort.mode.value)
    return cohort


def _has_reviews(cohort: Cohort) -> bool:
    query = (
        sa.select(Review.id)
        .join(Application, Review.application_id == Application.id)
        .join(Enrolment, Application.enrolment_id == Enrolment.id)
        .where(Enrolment.cohort_id == cohort.id)
    )
    return db.session.scalar(query.limit(1)) is not None


def _check_change(cohort: Cohort, details: CohortDetails) -> None:
    if details.mode != cohort.mode and count_enrolments(Enrolment.cohort_id == cohort.id):
        raise DomainError(
            _("The enrolment mode cannot change once people have enrolled or applied."),
            field="mode",
        )
    taken = places_taken(cohort)
    if details.capacity is not None and details.capacity < taken:
        raise DomainError(
            _("%(count)d people already hold a place: the capacity cannot be lower.", count=taken),
            field="capacity",
        )
    if (
        details.criteria is not None
        and details.criteria != cohort.criteria
        and _has_reviews(cohort)
    ):
        raise DomainError(
            _("The criteria cannot change once reviewers have scored applications."),
            field="criteria",
        )


def update_cohort(cohort: Cohort, details: CohortDetails, *, by: User | None) -> list[Enrolment]:
    """Save a manager's changes; returns the people a larger capacity promoted."""
    _check_details(details)
    cohort = lock_cohort(cohort)
    _check_change(cohort, details)
    old_status, old_capacity = cohort.status, cohort.capacity
    _apply_details(cohort, details)
    db.session.flush()
    audit.record(
        by,
        "cohort.updated",
        cohort,
        status=[old_status.value, cohort.status.value],
        capacity=[old_capacity, cohort.capacity],
    )
    return fill_places(cohort)


def _check_roles(users: Sequence[User], roles: tuple[Role, ...], field: str) -> None:
    for user in users:
        if user.is_active and user.has_role(*roles):
            continue
        if field == "moderators":
            message = _(
                "%(name)s cannot moderate: give them the moderator role first.", name=user.name
            )
        else:
            message = _(
                "%(name)s cannot review: give them the reviewer role first.", name=user.name
            )
        raise DomainError(message, field=field)


def set_staff(
    cohort: Cohort, *, moderators: Sequence[User], reviewers: Sequence[User], by: User | None
) -> bool:
    """Replace the cohort's moderators and selection committee reviewers; True if changed."""
    _check_roles(moderators, MODERATOR_ROLES, "moderators")
    _check_roles(reviewers, REVIEWER_ROLES, "reviewers")
    old = ({u.id for u in cohort.moderators}, {u.id for u in cohort.reviewers})
    new = ({u.id for u in moderators}, {u.id for u in reviewers})
    if new == old:
        return False
    cohort.moderators = list(dict.fromkeys(moderators))
    cohort.reviewers = list(dict.fromkeys(reviewers))
    db.session.flush()
    audit.record(
        by,
        "cohort.staff_changed",
        cohort,
        moderators=sorted(u.email for u in cohort.moderators),
        reviewers=sorted(u.email for u in cohort.reviewers),
    )
    return True


def staff_candidates(roles: tuple[Role, ...]) -> list[User]:
    """Active users holding one of ``roles``, by name (for the moderators/reviewers lists)."""
    query = (
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_(roles), User.active.is_(True), User.deleted_at.is_(None))
        .distinct()
        .order_by(User.name, User.id)
    )
    return list(db.session.scalars(query))


def remove_from_staff(user: User) -> None:
    """Take the user off every cohort they moderate or review (their account is deleted)."""
    db.session.execute(sa.delete(cohort_moderator).where(cohort_moderator.c.user_id == user.id))
    db.session.execute(sa.delete(cohort_reviewer).where(cohort_reviewer.c.user_id == user.id))
    db.session.flush()
