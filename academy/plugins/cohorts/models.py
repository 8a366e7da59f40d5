"""Cohorts, their moderators and reviewers, enrolments and their history, invitations,
and the applications a selection committee scores.

An enrolment is one person in one cohort; its ``status`` moves through
:class:`EnrolmentStatus` and every move is an :class:`EnrolmentEvent` (who,
when, why).  Capacity counts the enrolments that hold a place
(:data:`PLACE_HOLDING`); the enrolment service locks the cohort row before it
counts, so concurrent requests never exceed it.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.core.accounts.models import Organisation, User
from academy.core.db import Base, CreatedMixin, utcnow
from academy.plugins.courses.models import Course


class _Labelled(enum.StrEnum):
    @property
    def label(self) -> str:
        return str(LABELS[(type(self), self.value)])


class CohortStatus(_Labelled):
    DRAFT = "draft"
    OPEN = "open"
    RUNNING = "running"
    FINISHED = "finished"
    ARCHIVED = "archived"


class EnrolmentMode(_Labelled):
    OPEN = "open"  # join at once
    APPROVAL = "approval"  # a moderator accepts or declines
    SELECTION = "selection"  # apply; the selection committee decides
    INVITATION = "invitation"  # with an invitation code or an emailed invitation


class EnrolmentStatus(_Labelled):
    APPLIED = "applied"
    WAITING = "waiting"
    ACTIVE = "active"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    DECLINED = "declined"


class Decision(_Labelled):
    SELECTED = "selected"
    RESERVE = "reserve"
    DECLINED_APPLICATION = "declined_application"


#: Enrolments that occupy one of the cohort's places.
PLACE_HOLDING = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)
#: Enrolments that still count as "in" the cohort (may come back to active).
CURRENT = (EnrolmentStatus.APPLIED, EnrolmentStatus.WAITING, *PLACE_HOLDING)

_LABEL_LIST: list[tuple[enum.Enum, Any]] = [
    (CohortStatus.DRAFT, _l("Draft")),
    (CohortStatus.OPEN, _l("Open for enrolment")),
    (CohortStatus.RUNNING, _l("Running")),
    (CohortStatus.FINISHED, _l("Finished")),
    (CohortStatus.ARCHIVED, _l("Archived")),
    (EnrolmentMode.OPEN, _l("Open: join at once")),
    (EnrolmentMode.APPROVAL, _l("Approval: a moderator accepts each request")),
    (EnrolmentMode.SELECTION, _l("Selection: apply, the selection committee decides")),
    (EnrolmentMode.INVITATION, _l("Invitation only")),
    (EnrolmentStatus.APPLIED, _l("Applied")),
    (EnrolmentStatus.WAITING, _l("On the waiting list")),
    (EnrolmentStatus.ACTIVE, _l("Enrolled")),
    (EnrolmentStatus.COMPLETED, _l("Completed")),
    (EnrolmentStatus.WITHDRAWN, _l("Withdrawn")),
    (EnrolmentStatus.DECLINED, _l("Declined")),
    (Decision.SELECTED, _l("Selected")),
    (Decision.RESERVE, _l("Reserve")),
    (Decision.DECLINED_APPLICATION, _l("Not selected")),
]
#: (enum class, value) -> label: keyed by class, since CohortStatus.OPEN == EnrolmentMode.OPEN
#: (both are the string "open") and a plain dict would keep only one of their labels.
LABELS: dict[tuple[type[enum.Enum], str], Any] = {
    (type(member), str(member.value)): label for member, label in _LABEL_LIST
}


def _enum(kind: type[enum.Enum]) -> sa.Enum:
    return sa.Enum(
        kind, native_enum=False, length=30, values_callable=lambda e: [m.value for m in e]
    )


class Cohort(CreatedMixin, Base):
    __tablename__ = "cohorts_cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses_course.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    language: Mapped[str] = mapped_column(sa.String(10))
    status: Mapped[CohortStatus] = mapped_column(_enum(CohortStatus), default=CohortStatus.DRAFT)
    mode: Mapped[EnrolmentMode] = mapped_column(_enum(EnrolmentMode), default=EnrolmentMode.OPEN)
    #: Places; None means no limit.
    capacity: Mapped[int | None]
    enrol_opens_at: Mapped[datetime | None]
    enrol_closes_at: Mapped[datetime | None]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: Selection criteria reviewers score, each 0-5: [{"key", "label", "weight"}].
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("core_user.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship()
    moderators: Mapped[list[User]] = relationship(secondary="cohorts_moderator", order_by=User.name)
    reviewers: Mapped[list[User]] = relationship(secondary="cohorts_reviewer", order_by=User.name)

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.name!r}>"


cohort_moderator = sa.Table(
    "cohorts_moderator",
    Base.metadata,
    sa.Column(
        "cohort_id", sa.ForeignKey("cohorts_cohort.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("user_id", sa.ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True),
)
cohort_reviewer = sa.Table(
    "cohorts_reviewer",
    Base.metadata,
    sa.Column(
        "cohort_id", sa.ForeignKey("cohorts_cohort.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("user_id", sa.ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True),
)


class Enrolment(CreatedMixin, Base):
    __tablename__ = "cohorts_enrolment"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts_cohort.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("core_user.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[EnrolmentStatus] = mapped_column(_enum(EnrolmentStatus), index=True)
    #: When the enrolment joined the waiting list (first in line = oldest).
    waiting_since: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    #: Moderator's sign-off, for courses that ask for it.
    signed_off_at: Mapped[datetime | None]
    signed_off_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("core_user.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    cohort: Mapped[Cohort] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    events: Mapped[list[EnrolmentEvent]] = relationship(
        back_populates="enrolment", order_by="EnrolmentEvent.id", cascade="all, delete-orphan"
    )


class EnrolmentEvent(CreatedMixin, Base):
    """One change of an enrolment's status: who, when, why."""

    __tablename__ = "cohorts_enrolment_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts_enrolment.id", ondelete="CASCADE"), index=True
    )
    old_status: Mapped[EnrolmentStatus | None] = mapped_column(_enum(EnrolmentStatus))
    new_status: Mapped[EnrolmentStatus] = mapped_column(_enum(EnrolmentStatus))
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")

    enrolment: Mapped[Enrolment] = relationship(back_populates="events")
    by: Mapped[User | None] = relationship()


class Invitation(CreatedMixin, Base):
    """A code or link that lets people join an invitation cohort; or one emailed person."""

    __tablename__ = "cohorts_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts_cohort.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    #: Set for an invitation sent to one person: only that address may use it.
    email: Mapped[str | None] = mapped_column(sa.String(254))
    max_uses: Mapped[int] = mapped_column(default=1)
    uses: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("core_user.id", ondelete="SET NULL")
    )

    cohort: Mapped[Cohort] = relationship()


class ExpertiseField(Base):
    """A field of expertise applicants choose from (a managed list)."""

    __tablename__ = "cohorts_expertise_field"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    archived_at: Mapped[datetime | None]


application_expertise = sa.Table(
    "cohorts_application_expertise",
    Base.metadata,
    sa.Column(
        "application_id",
        sa.ForeignKey("cohorts_application.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "field_id",
        sa.ForeignKey("cohorts_expertise_field.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class Application(CreatedMixin, Base):
    """What an applicant to a selection cohort wrote, and the committee's decision."""

    __tablename__ = "cohorts_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts_enrolment.id", ondelete="CASCADE"), unique=True
    )
    motivation: Mapped[str] = mapped_column(sa.Text)
    international_experience: Mapped[str] = mapped_column(sa.Text, default="")
    #: The applicant's organisation when they applied (reviewers never see their own).
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("core_organisation.id", ondelete="SET NULL"), index=True
    )
    decision: Mapped[Decision | None] = mapped_column(_enum(Decision))
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("core_user.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]

    enrolment: Mapped[Enrolment] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    expertise: Mapped[list[ExpertiseField]] = relationship(
        secondary=application_expertise, order_by=ExpertiseField.name
    )
    reviews: Mapped[list[Review]] = relationship(
        back_populates="application", cascade="all, delete-orphan"
    )


class Review(CreatedMixin, Base):
    """One reviewer's scores (criterion key -> 0..5) and comment on one application."""

    __tablename__ = "cohorts_review"
    __table_args__ = (sa.UniqueConstraint("application_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts_application.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("core_user.id", ondelete="CASCADE"))
    scores: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    application: Mapped[Application] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship()
