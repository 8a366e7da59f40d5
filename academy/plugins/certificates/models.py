"""Issued certificates: what each one states, as it was at issue, and whether it still holds.

A certificate is issued once per enrolment (``enrolment_id`` is unique, so two
requests that race cannot both issue one).  Its claims (holder's name, course
title and version, cohort, dates, hours) are copied at issue and never change:
renaming a person or upgrading a course later leaves earlier certificates as
they were.  The signed Open Badges credential (JSON with its proof, and the
VC-JWT) and the PDF are made once, at issue, and kept: their texts are
translated into the holder's language at that moment and signatures must not
change.  Revocation only sets ``revoked_at`` (and the reason); the status list
published at ``/certificates/status/revocation`` says so to verifiers.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from academy.core.db import Base, CreatedMixin

VALID = "valid"
REVOKED = "revoked"


class Certificate(CreatedMixin, Base):
    __tablename__ = "certificates_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The printed code, e.g. ``7KQ2-M9XD-4TRB`` (see :mod:`.codes`).
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    #: One certificate per enrolment (NULL only if the enrolment row was deleted later).
    enrolment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cohorts_enrolment.id", ondelete="SET NULL"), unique=True
    )
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("core_user.id", ondelete="SET NULL"), index=True
    )
    course_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("courses_course.id", ondelete="SET NULL"), index=True
    )
    cohort_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cohorts_cohort.id", ondelete="SET NULL"), index=True
    )
    # -- the claims, as at issue ----------------------------------------------------------
    holder_name: Mapped[str] = mapped_column(sa.String(200))
    course_title: Mapped[str] = mapped_column(sa.String(300))
    course_slug: Mapped[str] = mapped_column(sa.String(80))
    course_version: Mapped[str] = mapped_column(sa.String(40))
    cohort_name: Mapped[str] = mapped_column(sa.String(200), default="")
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    language: Mapped[str] = mapped_column(sa.String(10))
    hours: Mapped[float] = mapped_column(sa.Float, default=0.0)
    issued_at: Mapped[datetime]
    #: Position in the revocation status list: the row id, set right after the insert.
    status_index: Mapped[int | None] = mapped_column(unique=True)
    # -- the documents, made once at issue ------------------------------------------------
    credential: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    credential_jwt: Mapped[str] = mapped_column(sa.Text, default="")
    key_id: Mapped[str] = mapped_column(sa.String(64), default="")
    pdf_key: Mapped[str] = mapped_column(sa.String(255), default="")
    # -- issued by hand -------------------------------------------------------------------
    issued_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("core_user.id", ondelete="SET NULL")
    )
    issue_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # -- revocation -----------------------------------------------------------------------
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str] = mapped_column(sa.Text, default="")
    revoked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("core_user.id", ondelete="SET NULL")
    )

    @property
    def status(self) -> str:
        """``"valid"`` or ``"revoked"``."""
        return REVOKED if self.revoked_at is not None else VALID

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def issuer_name(self) -> str:
        """The academy's name as written in the signed credential ("" before it is signed)."""
        issuer = (self.credential or {}).get("issuer")
        return str(issuer.get("name") or "") if isinstance(issuer, dict) else ""

    @property
    def by_hand(self) -> bool:
        return bool(self.issue_reason)

    def __repr__(self) -> str:
        return f"<Certificate {self.code} {self.status}>"
