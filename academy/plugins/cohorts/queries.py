"""Read-only cohort queries for pages and the API.

Every function runs a fixed number of SQL statements, whatever the number of
cohorts, enrolments or events (the pages built on them stay bounded).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload, selectinload

from academy.core.accounts.models import User
from academy.extensions import db
from academy.plugins.cohorts.models import (
    PLACE_HOLDING,
    Cohort,
    Enrolment,
    EnrolmentEvent,
    EnrolmentMode,
    EnrolmentStatus,
    cohort_moderator,
    cohort_reviewer,
)
from academy.plugins.cohorts.permissions import can_manage_cohorts
from academy.plugins.cohorts.services import TAKING_ENROLMENTS
from academy.plugins.courses.languages import ui_language
from academy.plugins.courses.models import Course
from academy.plugins.courses.queries import describe_courses

#: Cohorts anyone signed in can find: taking enrolments and not by invitation only.
LISTED = sa.and_(Cohort.status.in_(TAKING_ENROLMENTS), Cohort.mode != EnrolmentMode.INVITATION)


def _ordered(query: sa.Select[Any]) -> sa.Select[Any]:
    return query.order_by(Cohort.starts_on.is_(None), Cohort.starts_on, Cohort.name, Cohort.id)


def listed_cohorts() -> list[Cohort]:
    query = _ordered(sa.select(Cohort).where(LISTED)).options(joinedload(Cohort.course))
    return list(db.session.scalars(query))


def _moderated_ids(user: User) -> sa.Select[Any]:
    return sa.select(cohort_moderator.c.cohort_id).where(cohort_moderator.c.user_id == user.id)


def _reviewed_ids(user: User) -> sa.Select[Any]:
    return sa.select(cohort_reviewer.c.cohort_id).where(cohort_reviewer.c.user_id == user.id)


def moderated_cohorts(user: User) -> list[Cohort]:
    query = sa.select(Cohort).where(Cohort.id.in_(_moderated_ids(user)))
    return list(db.session.scalars(_ordered(query).options(joinedload(Cohort.course))))


def reviewed_cohorts(user: User) -> list[Cohort]:
    query = sa.select(Cohort).where(Cohort.id.in_(_reviewed_ids(user)))
    return list(db.session.scalars(_ordered(query).options(joinedload(Cohort.course))))


def all_cohorts_query() -> sa.Select[Any]:
    """Every cohort, newest first (the managers' list)."""
    query = sa.select(Cohort).options(joinedload(Cohort.course))
    return query.order_by(Cohort.created_at.desc(), Cohort.id.desc())


def visible_cohorts_query(user: User) -> sa.Select[Any]:
    """The cohorts ``user`` may see: listed ones, and those they are in, moderate or review."""
    query = sa.select(Cohort).options(joinedload(Cohort.course))
    if not can_manage_cohorts(user):
        mine = sa.select(Enrolment.cohort_id).where(Enrolment.user_id == user.id)
        query = query.where(
            sa.or_(
                LISTED,
                Cohort.id.in_(mine),
                Cohort.id.in_(_moderated_ids(user)),
                Cohort.id.in_(_reviewed_ids(user)),
            )
        )
    return _ordered(query)


def my_enrolments(user: User) -> list[Enrolment]:
    """The user's enrolments, newest first, with their cohort and course."""
    query = (
        sa.select(Enrolment)
        .where(Enrolment.user_id == user.id)
        .options(joinedload(Enrolment.cohort).joinedload(Cohort.course))
        .order_by(Enrolment.created_at.desc(), Enrolment.id.desc())
    )
    return list(db.session.scalars(query))


def taken_counts(cohort_ids: Sequence[int]) -> dict[int, int]:
    """Places taken in each cohort: one query."""
    if not cohort_ids:
        return {}
    query = (
        sa.select(Enrolment.cohort_id, sa.func.count())
        .where(Enrolment.cohort_id.in_(cohort_ids), Enrolment.status.in_(PLACE_HOLDING))
        .group_by(Enrolment.cohort_id)
    )
    return {cohort_id: count for cohort_id, count in db.session.execute(query)}


def status_counts(cohort: Cohort) -> dict[EnrolmentStatus, int]:
    query = (
        sa.select(Enrolment.status, sa.func.count())
        .where(Enrolment.cohort_id == cohort.id)
        .group_by(Enrolment.status)
    )
    return {status: count for status, count in db.session.execute(query)}


#: Requests to answer first, then the participants, the waiting list, and the rest.
STATUS_ORDER = sa.case(
    {
        status: position
        for position, status in enumerate(
            (
                EnrolmentStatus.APPLIED,
                EnrolmentStatus.ACTIVE,
                EnrolmentStatus.WAITING,
                EnrolmentStatus.COMPLETED,
                EnrolmentStatus.WITHDRAWN,
                EnrolmentStatus.DECLINED,
            )
        )
    },
    value=Enrolment.status,
)


def cohort_enrolments_query(
    cohort: Cohort, status: EnrolmentStatus | None = None
) -> sa.Select[Any]:
    """The cohort's enrolments with their people; the waiting list in its order."""
    query = (
        sa.select(Enrolment)
        .join(User, Enrolment.user_id == User.id)
        .where(Enrolment.cohort_id == cohort.id)
        .options(joinedload(Enrolment.user))
    )
    if status is not None:
        query = query.where(Enrolment.status == status)
    return query.order_by(STATUS_ORDER, Enrolment.waiting_since, User.name, Enrolment.id)


def waiting_order(cohort: Cohort) -> dict[int, int]:
    """Enrolment id -> place on the waiting list (1 = first in line): one query."""
    query = (
        sa.select(Enrolment.id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.WAITING)
        .order_by(Enrolment.waiting_since, Enrolment.id)
    )
    return {enrolment_id: n for n, enrolment_id in enumerate(db.session.scalars(query), 1)}


def waiting_positions(enrolments: Sequence[Enrolment]) -> dict[int, int]:
    """Place on its cohort's waiting list of each waiting enrolment given: one query."""
    ids = [e.id for e in enrolments if e.status == EnrolmentStatus.WAITING]
    if not ids:
        return {}
    ahead = aliased(Enrolment)
    in_line = sa.and_(
        ahead.cohort_id == Enrolment.cohort_id,
        ahead.status == EnrolmentStatus.WAITING,
        sa.or_(
            ahead.waiting_since < Enrolment.waiting_since,
            sa.and_(ahead.waiting_since == Enrolment.waiting_since, ahead.id <= Enrolment.id),
        ),
    )
    query = (
        sa.select(Enrolment.id, sa.func.count(ahead.id))
        .join(ahead, in_line)
        .where(Enrolment.id.in_(ids))
        .group_by(Enrolment.id)
    )
    return {enrolment_id: position for enrolment_id, position in db.session.execute(query)}


def events_of(enrolment: Enrolment) -> list[EnrolmentEvent]:
    query = (
        sa.select(EnrolmentEvent)
        .where(EnrolmentEvent.enrolment_id == enrolment.id)
        .options(selectinload(EnrolmentEvent.by))
        .order_by(EnrolmentEvent.created_at, EnrolmentEvent.id)
    )
    return list(db.session.scalars(query))


def course_titles(courses: Sequence[Course]) -> dict[int, str]:
    """Each course's title in the interface language (source language as fallback)."""
    unique = list({course.id: course for course in courses}.values())
    return {entry.course.id: entry.title for entry in describe_courses(unique, ui_language())}
