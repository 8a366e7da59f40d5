"""Read-only certificate queries for the pages, the API and the CLI; each runs one query
(or a fixed number), whatever the number of certificates."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from academy.extensions import db
from academy.plugins.certificates.models import Certificate
from academy.plugins.cohorts.models import Cohort, Enrolment, EnrolmentStatus

PER_PAGE = 50


def my_certificates(user_id: int) -> list[Certificate]:
    """The person's certificates, newest first: one query."""
    query = (
        sa.select(Certificate)
        .where(Certificate.user_id == user_id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    return list(db.session.scalars(query))


def search_query(text: str, status: str) -> Any:
    """Certificates matching ``text`` (code, holder, course or cohort), newest first."""
    query = sa.select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    text = text.strip()
    if text:
        pattern = f"%{_escaped(text)}%"
        fields = (
            Certificate.code,
            Certificate.holder_name,
            Certificate.course_title,
            Certificate.course_slug,
            Certificate.cohort_name,
        )
        query = query.where(sa.or_(*(f.ilike(pattern, escape="\\") for f in fields)))
    if status == "valid":
        query = query.where(Certificate.revoked_at.is_(None))
    elif status == "revoked":
        query = query.where(Certificate.revoked_at.is_not(None))
    return query


def completed_without_certificate(limit: int = PER_PAGE) -> list[Enrolment]:
    """Completed enrolments that have no certificate (e.g. completed while it was off)."""
    issued = sa.select(Certificate.enrolment_id).where(Certificate.enrolment_id.is_not(None))
    query = (
        sa.select(Enrolment)
        .options(joinedload(Enrolment.user), joinedload(Enrolment.cohort).joinedload(Cohort.course))
        .where(Enrolment.status == EnrolmentStatus.COMPLETED, Enrolment.id.not_in(issued))
        .order_by(Enrolment.completed_at.desc(), Enrolment.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
