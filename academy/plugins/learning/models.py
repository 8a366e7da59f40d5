"""Learning records: what each enrolment has done with each item of its course.

Rows point at ``courses_item`` by id.  Course upgrades update items in place
(same key, same id) and archive removed ones, so completions, attempts and
submissions survive upgrades; progress is recomputed from them.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.core.accounts.models import User
from academy.core.db import Base, CreatedMixin, utcnow
from academy.plugins.cohorts.models import Enrolment
from academy.plugins.courses.models import Item


class SubmissionStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REVISION = "revision"

    @property
    def label(self) -> str:
        return str(SUBMISSION_LABELS[self])


SUBMISSION_LABELS = {
    SubmissionStatus.SUBMITTED: _l("Waiting for review"),
    SubmissionStatus.ACCEPTED: _l("Accepted"),
    SubmissionStatus.REVISION: _l("Revision requested"),
}


class Completion(Base):
    """An item done in an enrolment: a lesson read, a quiz passed, an assignment accepted."""

    __tablename__ = "learning_completion"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts_enrolment.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses_item.id", ondelete="CASCADE"), index=True
    )
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Progress(Base):
    """An enrolment's progress, kept up to date so that dashboards read one row per learner."""

    __tablename__ = "learning_progress"

    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts_enrolment.id", ondelete="CASCADE"), primary_key=True
    )
    percent: Mapped[int] = mapped_column(default=0)
    required_done: Mapped[int] = mapped_column(default=0)
    required_total: Mapped[int] = mapped_column(default=0)
    last_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("courses_item.id", ondelete="SET NULL")
    )
    last_activity_at: Mapped[datetime | None]
    #: Set once, by a conditional UPDATE, when the course's criteria are met.
    completed_at: Mapped[datetime | None]

    enrolment: Mapped[Enrolment] = relationship()


class QuizAttempt(CreatedMixin, Base):
    __tablename__ = "learning_quiz_attempt"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts_enrolment.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses_item.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    #: question key -> chosen choice keys
    answers: Mapped[dict[str, list[str]]] = mapped_column(sa.JSON, default=dict)
    #: question key -> answered correctly
    results: Mapped[dict[str, bool]] = mapped_column(sa.JSON, default=dict)
    score: Mapped[int]  # percent
    passed: Mapped[bool]

    item: Mapped[Item] = relationship()


class Submission(CreatedMixin, Base):
    """One version of an assignment handed in, with the moderator's review."""

    __tablename__ = "learning_submission"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts_enrolment.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses_item.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text, default="")
    #: Storage key of the attached file, with its original name, size and type.
    file_key: Mapped[str | None] = mapped_column(sa.String(255))
    file_name: Mapped[str | None] = mapped_column(sa.String(255))
    file_size: Mapped[int | None]
    file_type: Mapped[str | None] = mapped_column(sa.String(100))
    status: Mapped[SubmissionStatus] = mapped_column(
        sa.Enum(
            SubmissionStatus,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=SubmissionStatus.SUBMITTED,
        index=True,
    )
    feedback: Mapped[str] = mapped_column(sa.Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("core_user.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None]

    enrolment: Mapped[Enrolment] = relationship()
    item: Mapped[Item] = relationship()
    reviewed_by: Mapped[User | None] = relationship()

    def describe(self) -> dict[str, Any]:
        return {"number": self.number, "status": self.status.value, "file": self.file_name}
