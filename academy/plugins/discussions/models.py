"""Discussion boards, threads, posts, reports, moderation log, announcements.

Each cohort has its own discussion space: a general board (threads without a
lesson) and one board per lesson of its course.  A thread's first post (its
``opening`` post) carries the thread's text; the thread is visible to others
exactly when that post is.  Every row carries its ``cohort_id`` so that each
query can be confined to one cohort.

A post's :class:`PostStatus` moves: ``pending`` (pre-moderation) →
``visible`` → ``hidden`` (the author sees the moderator's reason) or
``deleted`` (soft: moderators can restore it).  Each moderator action is a
:class:`ModerationEntry` (who, what, when, why).
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
from academy.plugins.cohorts.models import Cohort
from academy.plugins.courses.models import Item


class _Labelled(enum.StrEnum):
    @property
    def label(self) -> str:
        return str(LABELS[self])


class ModerationMode(_Labelled):
    POST = "post"  # learners' posts are visible at once; moderators act afterwards
    PRE = "pre"  # learners' posts wait for a moderator's approval


class PostStatus(_Labelled):
    PENDING = "pending"
    VISIBLE = "visible"
    HIDDEN = "hidden"
    DELETED = "deleted"


class ModerationAction(_Labelled):
    APPROVE = "approve"
    HIDE = "hide"
    RESTORE = "restore"
    DELETE = "delete"
    DISMISS = "dismiss"  # dismiss the reports, the post stays as it is
    LOCK = "lock"
    UNLOCK = "unlock"
    PIN = "pin"
    UNPIN = "unpin"
    MUTE = "mute"
    UNMUTE = "unmute"
    SET_MODE = "set_mode"
    ANNOUNCE = "announce"


class NotificationKind(_Labelled):
    REPLY = "reply"  # someone replied to my thread
    APPROVED = "approved"  # a moderator approved my waiting post
    HIDDEN = "hidden"  # a moderator hid my post


LABELS: dict[enum.Enum, Any] = {
    ModerationMode.POST: _l("Post-moderation: posts are visible at once"),
    ModerationMode.PRE: _l("Pre-moderation: learners' posts wait for a moderator"),
    PostStatus.PENDING: _l("Waiting for a moderator"),
    PostStatus.VISIBLE: _l("Visible"),
    PostStatus.HIDDEN: _l("Hidden by a moderator"),
    PostStatus.DELETED: _l("Deleted by a moderator"),
    ModerationAction.APPROVE: _l("Approved a post"),
    ModerationAction.HIDE: _l("Hid a post"),
    ModerationAction.RESTORE: _l("Restored a post"),
    ModerationAction.DELETE: _l("Deleted a post"),
    ModerationAction.DISMISS: _l("Dismissed the reports of a post"),
    ModerationAction.LOCK: _l("Locked a thread"),
    ModerationAction.UNLOCK: _l("Unlocked a thread"),
    ModerationAction.PIN: _l("Pinned a thread"),
    ModerationAction.UNPIN: _l("Unpinned a thread"),
    ModerationAction.MUTE: _l("Muted a learner"),
    ModerationAction.UNMUTE: _l("Lifted a learner's mute"),
    ModerationAction.SET_MODE: _l("Changed the moderation mode"),
    ModerationAction.ANNOUNCE: _l("Posted an announcement"),
    NotificationKind.REPLY: _l("New reply"),
    NotificationKind.APPROVED: _l("Post approved"),
    NotificationKind.HIDDEN: _l("Post hidden"),
}


def _enum(kind: type[enum.Enum]) -> sa.Enum:
    return sa.Enum(
        kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
    )


def _cohort_fk(*, index: bool = True) -> Mapped[int]:
    return mapped_column(sa.ForeignKey("cohorts_cohort.id", ondelete="CASCADE"), index=index)


def _user_fk(*, index: bool = False) -> Mapped[int | None]:
    return mapped_column(sa.ForeignKey("core_user.id", ondelete="SET NULL"), index=index)


class DiscussionSettings(Base):
    """A cohort's discussion settings; a cohort without a row uses the defaults."""

    __tablename__ = "discussions_settings"

    cohort_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts_cohort.id", ondelete="CASCADE"), primary_key=True
    )
    mode: Mapped[ModerationMode] = mapped_column(_enum(ModerationMode), default=ModerationMode.POST)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = _user_fk()


class Thread(CreatedMixin, Base):
    """A conversation on a cohort's general board (``lesson_id`` None) or a lesson's board."""

    __tablename__ = "discussions_thread"
    __table_args__ = (
        sa.Index("ix_discussions_thread_board", "cohort_id", "lesson_id", "last_activity_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = _cohort_fk(index=False)
    lesson_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("courses_item.id", ondelete="SET NULL"), index=True
    )
    author_id: Mapped[int | None] = _user_fk(index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    #: When a post of the thread last became visible (orders the thread lists).
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    lesson: Mapped[Item | None] = relationship()
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.title!r}>"


class Post(CreatedMixin, Base):
    """A thread's opening text or a reply, in Markdown."""

    __tablename__ = "discussions_post"
    __table_args__ = (sa.Index("ix_discussions_post_cohort_status", "cohort_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        sa.ForeignKey("discussions_thread.id", ondelete="CASCADE"), index=True
    )
    cohort_id: Mapped[int] = _cohort_fk(index=False)
    author_id: Mapped[int | None] = _user_fk(index=True)
    opening: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[PostStatus] = mapped_column(_enum(PostStatus), default=PostStatus.VISIBLE)
    #: Why a moderator hid or deleted the post; its author sees it.
    moderation_reason: Mapped[str] = mapped_column(sa.Text, default="")
    moderated_at: Mapped[datetime | None]
    moderated_by_id: Mapped[int | None] = _user_fk()
    edited_at: Mapped[datetime | None]

    thread: Mapped[Thread] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    def __repr__(self) -> str:
        return f"<Post {self.id} {self.status.value}>"


class Report(CreatedMixin, Base):
    """A participant flags a post for the moderators, with a reason (once per post)."""

    __tablename__ = "discussions_report"
    __table_args__ = (sa.UniqueConstraint("post_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("discussions_post.id", ondelete="CASCADE"), index=True
    )
    cohort_id: Mapped[int] = _cohort_fk()
    reporter_id: Mapped[int | None] = _user_fk()
    reason: Mapped[str] = mapped_column(sa.Text)
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    resolved_by_id: Mapped[int | None] = _user_fk()

    post: Mapped[Post] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])


class Mute(CreatedMixin, Base):
    """A learner may not post in a cohort's discussions until ``until`` (or until lifted)."""

    __tablename__ = "discussions_mute"
    __table_args__ = (sa.Index("ix_discussions_mute_cohort_user", "cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = _cohort_fk(index=False)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("core_user.id", ondelete="CASCADE"), index=True
    )
    until: Mapped[datetime]
    reason: Mapped[str] = mapped_column(sa.Text)
    by_id: Mapped[int | None] = _user_fk()
    lifted_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ModerationEntry(Base):
    """One line of a cohort's moderation log: who did what, when and why."""

    __tablename__ = "discussions_moderation_log"
    __table_args__ = (sa.Index("ix_discussions_moderation_log_cohort_at", "cohort_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = _cohort_fk(index=False)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = _user_fk()
    action: Mapped[ModerationAction] = mapped_column(_enum(ModerationAction))
    post_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("discussions_post.id", ondelete="SET NULL")
    )
    thread_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("discussions_thread.id", ondelete="SET NULL")
    )
    #: The person acted upon (a post's author, a muted learner).
    subject_id: Mapped[int | None] = _user_fk()
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])
    thread: Mapped[Thread | None] = relationship()


class Announcement(CreatedMixin, Base):
    """A moderator's message to the whole cohort: on the dashboard and by email."""

    __tablename__ = "discussions_announcement"
    __table_args__ = (
        sa.Index("ix_discussions_announcement_cohort_created", "cohort_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = _cohort_fk(index=False)
    author_id: Mapped[int | None] = _user_fk()
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)

    cohort: Mapped[Cohort] = relationship()
    author: Mapped[User | None] = relationship()


class Notification(CreatedMixin, Base):
    """Something in a cohort's discussions the user should know about (in-app, and digest)."""

    __tablename__ = "discussions_notification"
    __table_args__ = (sa.Index("ix_discussions_notification_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("core_user.id", ondelete="CASCADE"))
    cohort_id: Mapped[int] = _cohort_fk()
    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("discussions_post.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[NotificationKind] = mapped_column(_enum(NotificationKind))
    read_at: Mapped[datetime | None]
    #: When the notification went out in an email digest.
    digested_at: Mapped[datetime | None]

    post: Mapped[Post] = relationship()


class Preference(Base):
    """A person's discussion preferences: whether to get an email digest."""

    __tablename__ = "discussions_preference"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True
    )
    email_digest: Mapped[bool] = mapped_column(default=False)
    last_digest_at: Mapped[datetime | None]
