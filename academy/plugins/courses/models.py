"""Courses, their modules and items (lessons, quizzes, assignments), and their texts.

Structure and text are kept apart.  Structure rows carry the stable ``key``
from the course package (ids that survive new versions), so an upgrade can
match old and new items and keep learners' progress.  Every translatable text
is one :class:`CourseText` row per item and language; a translation records
the hash of the source-language text it was made from, so a changed source
marks it stale.  Removed items are archived (``archived_at``), never deleted.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.core.db import Base, CreatedMixin, utcnow


class ItemType(enum.StrEnum):
    LESSON = "lesson"
    QUIZ = "quiz"
    ASSIGNMENT = "assignment"

    @property
    def label(self) -> str:
        return str(ITEM_TYPE_LABELS[self])


ITEM_TYPE_LABELS = {
    ItemType.LESSON: _l("Lesson"),
    ItemType.QUIZ: _l("Quiz"),
    ItemType.ASSIGNMENT: _l("Assignment"),
}


class QuestionKind(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"


class TextScope(enum.StrEnum):
    """What a CourseText row belongs to."""

    COURSE = "course"
    MODULE = "module"
    LESSON = "lesson"
    QUIZ = "quiz"
    ASSIGNMENT = "assignment"


class CourseOrigin(enum.StrEnum):
    BUILTIN = "builtin"  # loaded from courses/ by `academy init`
    IMPORTED = "imported"  # imported from another publisher's package
    LOCAL = "local"  # made on this instance (e.g. from a Common Cartridge)


class Course(CreatedMixin, Base):
    __tablename__ = "courses_course"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=lambda: str(uuid.uuid4()))
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    version: Mapped[str] = mapped_column(sa.String(40))
    source_language: Mapped[str] = mapped_column(sa.String(10))
    licence: Mapped[str] = mapped_column(sa.String(80), default="")
    origin: Mapped[CourseOrigin] = mapped_column(
        sa.Enum(CourseOrigin, native_enum=False, length=20), default=CourseOrigin.LOCAL
    )
    #: Publisher of the version installed here (a packages_publisher key id, or "" if local).
    publisher_id: Mapped[str] = mapped_column(sa.String(120), default="")
    publisher_name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Earlier links of the chain: [{"publisher_id", "publisher_name", "version"}...]
    provenance: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    requires_signoff: Mapped[bool] = mapped_column(default=False)
    published: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    archived_at: Mapped[datetime | None]

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Course {self.slug} {self.version}>"


class Module(Base):
    __tablename__ = "courses_module"
    __table_args__ = (sa.UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses_course.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(sa.String(80))
    position: Mapped[int] = mapped_column(default=0)
    archived_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship(back_populates="modules")
    items: Mapped[list[Item]] = relationship(
        back_populates="module", order_by="Item.position", cascade="all, delete-orphan"
    )


class Item(Base):
    """A lesson, quiz or assignment: the unit learners complete."""

    __tablename__ = "courses_item"
    __table_args__ = (sa.UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses_course.id", ondelete="CASCADE"), index=True
    )
    module_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses_module.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(sa.String(80))
    type: Mapped[ItemType] = mapped_column(sa.Enum(ItemType, native_enum=False, length=20))
    position: Mapped[int] = mapped_column(default=0)
    required: Mapped[bool] = mapped_column(default=True)
    minutes: Mapped[int] = mapped_column(default=0)
    # Quiz settings (NULL for other types)
    pass_mark: Mapped[int | None]  # percent
    max_attempts: Mapped[int | None]  # 0 = unlimited
    shuffle: Mapped[bool] = mapped_column(default=False)
    #: Asset paths (under the package's assets/) this item uses.
    assets: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    archived_at: Mapped[datetime | None]

    module: Mapped[Module] = relationship(back_populates="items")
    questions: Mapped[list[Question]] = relationship(
        back_populates="item", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(Base):
    __tablename__ = "courses_question"
    __table_args__ = (sa.UniqueConstraint("item_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses_item.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(sa.String(80))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(sa.Enum(QuestionKind, native_enum=False, length=20))
    choices: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # choice keys in order
    correct: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    archived_at: Mapped[datetime | None]

    item: Mapped[Item] = relationship(back_populates="questions")


class CourseText(Base):
    """The text of one course, module or item in one language.

    ``fields`` holds the texts: course {title, summary, body}; module {title,
    body}; lesson {title, body, discussion_prompt}; assignment {title, body};
    quiz {title, intro, questions: {key: {text, feedback, choices: {key: text}}}}.
    ``content_hash`` is the sha256 of the text as packaged; ``source_hash`` (for
    translations) the content_hash of the source-language text it was made from.
    """

    __tablename__ = "courses_text"
    __table_args__ = (sa.UniqueConstraint("course_id", "scope", "key", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses_course.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[TextScope] = mapped_column(sa.Enum(TextScope, native_enum=False, length=20))
    key: Mapped[str] = mapped_column(sa.String(80))  # "" for the course itself
    language: Mapped[str] = mapped_column(sa.String(10))
    fields: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(sa.String(64), default="")
    source_hash: Mapped[str | None] = mapped_column(sa.String(64))
    #: True when edited on this instance (a local translation), so upgrades keep it.
    local: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Asset(Base):
    """A file a lesson uses, stored by content hash in the instance's storage."""

    __tablename__ = "courses_asset"
    __table_args__ = (sa.UniqueConstraint("course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses_course.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(sa.String(255))  # relative to assets/
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    media_type: Mapped[str] = mapped_column(sa.String(100))
