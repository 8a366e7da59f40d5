"""Helpers of the cohorts tests: cohorts, people, outbox and audit lookups, query counts."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from werkzeug.test import TestResponse

from academy.core.accounts.models import User
from academy.core.audit.models import AuditEvent
from academy.core.mail.models import OutboxMessage
from academy.extensions import db
from academy.plugins.cohorts import editing
from academy.plugins.cohorts.models import (
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentEvent,
    EnrolmentMode,
    EnrolmentStatus,
)
from academy.plugins.courses.models import Course
from tests.factories import make_user

_counter = itertools.count(1)
SAVEPOINT_STATEMENTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def make_cohort(
    course: Course,
    *,
    name: str | None = None,
    mode: EnrolmentMode = EnrolmentMode.OPEN,
    status: CohortStatus = CohortStatus.OPEN,
    capacity: int | None = None,
    moderators: Sequence[User] = (),
    reviewers: Sequence[User] = (),
    **extra: Any,
) -> Cohort:
    """A cohort of ``course`` made through the service (flushed, not committed)."""
    details = editing.CohortDetails(
        name=name or f"Cohort {next(_counter)}",
        language="en",
        mode=mode,
        status=status,
        capacity=capacity,
        **extra,
    )
    cohort = editing.create_cohort(course, details, by=None)
    if moderators or reviewers:
        editing.set_staff(cohort, moderators=moderators, reviewers=reviewers, by=None)
    return cohort


def make_learners(count: int, **kwargs: Any) -> list[User]:
    return [make_user(**kwargs) for _ in range(count)]


def statuses(cohort: Cohort) -> dict[EnrolmentStatus, int]:
    query = (
        sa.select(Enrolment.status, sa.func.count())
        .where(Enrolment.cohort_id == cohort.id)
        .group_by(Enrolment.status)
    )
    return {status: count for status, count in db.session.execute(query)}


def history(enrolment: Enrolment) -> list[tuple[str | None, str, int | None, str]]:
    """(old, new, by id, reason) of each event of the enrolment, oldest first."""
    query = (
        sa.select(EnrolmentEvent)
        .where(EnrolmentEvent.enrolment_id == enrolment.id)
        .order_by(EnrolmentEvent.id)
    )
    return [
        (e.old_status.value if e.old_status else None, e.new_status.value, e.by_id, e.reason)
        for e in db.session.scalars(query)
    ]


def outbox(kind: str, to: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).where(OutboxMessage.kind == kind)
    if to is not None:
        query = query.where(OutboxMessage.recipient == to)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def audit_events(action: str) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def count(model: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """The SQL statements run inside the block (not the tests' savepoints)."""
    statements: list[str] = []

    def _record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.startswith(SAVEPOINT_STATEMENTS):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", _record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", _record)


def redirects_to_login(response: TestResponse) -> bool:
    return response.status_code == 302 and urlsplit(response.location).path == "/account/login"


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
