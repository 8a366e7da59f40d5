"""Read-only discussion queries for pages and the API.

Every function runs a fixed number of SQL statements whatever the number of
threads, posts or reports, and confines itself to one cohort and to what the
viewer may see (:mod:`academy.plugins.discussions.access`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from academy.core.accounts.models import User
from academy.core.db import utcnow
from academy.extensions import db
from academy.plugins.cohorts.models import Cohort
from academy.plugins.discussions.access import (
    in_participating_cohort,
    readable_notifications,
    visible_posts,
)
from academy.plugins.discussions.models import (
    Announcement,
    ModerationEntry,
    Mute,
    Notification,
    Post,
    PostStatus,
    Report,
    Thread,
)


@dataclass(frozen=True)
class Viewer:
    """Who looks at a cohort's discussions, and whether they moderate it."""

    user: User
    cohort: Cohort
    moderator: bool

    def can_see(self, post: Post) -> bool:
        if self.moderator or post.status == PostStatus.VISIBLE:
            return True
        return post.author_id == self.user.id and post.status in (
            PostStatus.PENDING,
            PostStatus.HIDDEN,
        )

    def posts(self, post: Any = Post) -> sa.ColumnElement[bool]:
        return visible_posts(post, self.user.id, moderator=self.moderator)


@dataclass
class Page:
    """A page of results, shaped like Flask-SQLAlchemy's pagination for the templates."""

    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def paginate(query: sa.Select[Any], *, page: int, per_page: int, scalars: bool = True) -> Page:
    """Two statements: the count, and the rows of page ``page`` (1-based)."""
    page, per_page = max(page, 1), max(per_page, 1)
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    rows = query.limit(per_page).offset((page - 1) * per_page)
    result = db.session.scalars(rows) if scalars else db.session.execute(rows)
    return Page(list(result.unique() if scalars else result), page, per_page, total or 0)


# Threads


@dataclass(frozen=True)
class ThreadRow:
    thread: Thread
    opening: Post
    replies: int


def _reply_counts(cohort_id: int) -> Any:
    return (
        sa.select(Post.thread_id, sa.func.count(Post.id).label("replies"))
        .where(Post.cohort_id == cohort_id, Post.opening.is_(False))
        .where(Post.status == PostStatus.VISIBLE)
        .group_by(Post.thread_id)
        .subquery()
    )


def threads_query(viewer: Viewer, *, lesson_id: int | None, board: bool = True) -> sa.Select[Any]:
    """Threads the viewer may see with their opening post and visible replies.

    ``board``: only the general board (``lesson_id`` None) or one lesson's board;
    otherwise every thread of the cohort.
    """
    opening = aliased(Post)
    counts = _reply_counts(viewer.cohort.id)
    query = (
        sa.select(Thread, opening, sa.func.coalesce(counts.c.replies, 0))
        .join(opening, sa.and_(opening.thread_id == Thread.id, opening.opening.is_(True)))
        .outerjoin(counts, counts.c.thread_id == Thread.id)
        .where(Thread.cohort_id == viewer.cohort.id, viewer.posts(opening))
        .options(joinedload(opening.author).lazyload(User.role_rows))
        .order_by(Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
    )
    if board:
        query = query.where(
            Thread.lesson_id.is_(None) if lesson_id is None else Thread.lesson_id == lesson_id
        )
    return query


def thread_page(viewer: Viewer, *, lesson_id: int | None, page: int, per_page: int) -> Page:
    """A page of a board's threads: pinned first, then the most recently active."""
    found = paginate(
        threads_query(viewer, lesson_id=lesson_id), page=page, per_page=per_page, scalars=False
    )
    found.items = [ThreadRow(thread, opening, replies) for thread, opening, replies in found.items]
    return found


def lesson_thread_counts(viewer: Viewer) -> dict[int, int]:
    """How many threads the viewer may see on each lesson board of the cohort."""
    opening = aliased(Post)
    query = (
        sa.select(Thread.lesson_id, sa.func.count(Thread.id))
        .join(opening, sa.and_(opening.thread_id == Thread.id, opening.opening.is_(True)))
        .where(Thread.cohort_id == viewer.cohort.id, Thread.lesson_id.is_not(None))
        .where(viewer.posts(opening))
        .group_by(Thread.lesson_id)
    )
    return {lesson_id: count for lesson_id, count in db.session.execute(query) if lesson_id}


def opening_post(thread: Thread) -> Post | None:
    return db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.opening))


# Posts of a thread


def posts_query(viewer: Viewer, thread: Thread) -> sa.Select[Any]:
    return (
        sa.select(Post)
        .where(Post.thread_id == thread.id, viewer.posts())
        .options(joinedload(Post.author).lazyload(User.role_rows))
        .order_by(Post.opening.desc(), Post.created_at, Post.id)
    )


def post_page(viewer: Viewer, thread: Thread, *, page: int, per_page: int) -> Page:
    """A page of the thread's posts the viewer may see, opening post first, oldest first."""
    return paginate(posts_query(viewer, thread), page=page, per_page=per_page)


def page_of(viewer: Viewer, post: Post, *, per_page: int) -> int:
    """The page of its thread on which ``post`` is shown to the viewer."""
    before = (
        sa.select(sa.func.count(Post.id))
        .where(Post.thread_id == post.thread_id, viewer.posts(), Post.id != post.id)
        .where(
            sa.or_(
                Post.opening.is_(True),
                Post.created_at < post.created_at,
                sa.and_(Post.created_at == post.created_at, Post.id < post.id),
            )
        )
    )
    count = 0 if post.opening else db.session.scalar(before) or 0
    return count // per_page + 1


def reported_by(user: User, post_ids: Sequence[int]) -> set[int]:
    """Which of ``post_ids`` the user has reported."""
    if not post_ids:
        return set()
    query = sa.select(Report.post_id).where(
        Report.reporter_id == user.id, Report.post_id.in_(post_ids)
    )
    return set(db.session.scalars(query))


def open_report_counts(post_ids: Sequence[int]) -> dict[int, int]:
    """How many unresolved reports each post has."""
    if not post_ids:
        return {}
    query = (
        sa.select(Report.post_id, sa.func.count(Report.id))
        .where(Report.post_id.in_(post_ids), Report.resolved_at.is_(None))
        .group_by(Report.post_id)
    )
    return {post_id: count for post_id, count in db.session.execute(query)}


# Moderation


@dataclass
class Queue:
    pending: list[Post]
    pending_total: int
    reported: list[Post]
    reported_total: int
    reports: dict[int, list[Report]] = field(default_factory=dict)


def _queue_posts(condition: Any, cohort: Cohort, limit: int) -> tuple[list[Post], int]:
    query = (
        sa.select(Post)
        .where(Post.cohort_id == cohort.id, condition)
        .options(
            joinedload(Post.author).lazyload(User.role_rows),
            joinedload(Post.thread),
        )
        .order_by(Post.created_at, Post.id)
    )
    found = paginate(query, page=1, per_page=limit)
    return found.items, found.total


def moderation_queue(cohort: Cohort, *, limit: int) -> Queue:
    """The oldest waiting posts and reported posts (up to ``limit`` each), with the reports."""
    pending, pending_total = _queue_posts(Post.status == PostStatus.PENDING, cohort, limit)
    open_reports = sa.select(Report.post_id).where(
        Report.cohort_id == cohort.id, Report.resolved_at.is_(None)
    )
    reported, reported_total = _queue_posts(Post.id.in_(open_reports), cohort, limit)
    reports: dict[int, list[Report]] = defaultdict(list)
    if reported:
        query = (
            sa.select(Report)
            .where(Report.post_id.in_([post.id for post in reported]))
            .where(Report.resolved_at.is_(None))
            .options(joinedload(Report.reporter).lazyload(User.role_rows))
            .order_by(Report.id)
        )
        for report in db.session.scalars(query):
            reports[report.post_id].append(report)
    return Queue(pending, pending_total, reported, reported_total, dict(reports))


def queue_size(cohort: Cohort) -> int:
    """Waiting posts plus posts with open reports."""
    open_reports = sa.select(Report.post_id).where(
        Report.cohort_id == cohort.id, Report.resolved_at.is_(None)
    )
    query = sa.select(sa.func.count(Post.id)).where(
        Post.cohort_id == cohort.id,
        sa.or_(Post.status == PostStatus.PENDING, Post.id.in_(open_reports)),
    )
    return db.session.scalar(query) or 0


def active_mutes(cohort: Cohort) -> list[Mute]:
    query = (
        sa.select(Mute)
        .where(Mute.cohort_id == cohort.id, Mute.lifted_at.is_(None), Mute.until > utcnow())
        .options(joinedload(Mute.user).lazyload(User.role_rows))
        .order_by(Mute.until)
    )
    return list(db.session.scalars(query))


def mute_for(cohort: Cohort, mute_id: int) -> Mute | None:
    """The cohort's mute ``mute_id`` (None if it belongs to another cohort)."""
    return db.session.scalar(sa.select(Mute).where(Mute.id == mute_id, Mute.cohort_id == cohort.id))


def moderation_log(cohort: Cohort, *, page: int, per_page: int) -> Page:
    """The cohort's moderation log, newest first."""
    query = (
        sa.select(ModerationEntry)
        .where(ModerationEntry.cohort_id == cohort.id)
        .options(
            joinedload(ModerationEntry.actor).lazyload(User.role_rows),
            joinedload(ModerationEntry.subject).lazyload(User.role_rows),
            joinedload(ModerationEntry.thread),
        )
        .order_by(ModerationEntry.at.desc(), ModerationEntry.id.desc())
    )
    return paginate(query, page=page, per_page=per_page)


# Search, announcements, notifications


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(viewer: Viewer, text: str, *, page: int, per_page: int) -> Page:
    """Posts of the cohort the viewer may see whose text or thread title holds ``text``."""
    opening = aliased(Post)
    pattern = _like(text)
    query = (
        sa.select(Post)
        .join(Thread, Post.thread_id == Thread.id)
        .join(opening, sa.and_(opening.thread_id == Thread.id, opening.opening.is_(True)))
        .where(Post.cohort_id == viewer.cohort.id, viewer.posts(), viewer.posts(opening))
        .where(
            sa.or_(Post.body.ilike(pattern, escape="\\"), Thread.title.ilike(pattern, escape="\\"))
        )
        .options(
            joinedload(Post.author).lazyload(User.role_rows),
            joinedload(Post.thread),
        )
        .order_by(Post.created_at.desc(), Post.id.desc())
    )
    return paginate(query, page=page, per_page=per_page)


def cohort_announcements(cohort: Cohort, *, page: int, per_page: int) -> Page:
    query = (
        sa.select(Announcement)
        .where(Announcement.cohort_id == cohort.id)
        .options(joinedload(Announcement.author).lazyload(User.role_rows))
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())
    )
    return paginate(query, page=page, per_page=per_page)


def my_cohorts(user: User) -> list[Cohort]:
    """The cohorts whose discussions ``user`` takes part in, by name."""
    query = (
        sa.select(Cohort)
        .where(in_participating_cohort(Cohort.id, user.id))
        .order_by(Cohort.name, Cohort.id)
    )
    return list(db.session.scalars(query))


def notifications_query(user: User) -> sa.Select[Any]:
    return (
        sa.select(Notification)
        .join(Post, Notification.post_id == Post.id)
        .where(Notification.user_id == user.id, readable_notifications())
        .options(
            joinedload(Notification.post).joinedload(Post.author).lazyload(User.role_rows),
            joinedload(Notification.post).joinedload(Post.thread).joinedload(Thread.cohort),
        )
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def notification_page(user: User, *, page: int, per_page: int) -> Page:
    return paginate(notifications_query(user), page=page, per_page=per_page)


def notification_of(user: User, notification_id: int) -> Notification | None:
    """One of the user's notifications they may still read, else None."""
    query = notifications_query(user).where(Notification.id == notification_id)
    return db.session.scalars(query).unique().first()
