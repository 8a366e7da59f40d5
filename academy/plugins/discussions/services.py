"""Discussion use cases of participants: post, reply, edit, report; notifications.

Each function flushes (never commits) and raises a DomainError with a
translated message when a rule refuses the action.  Callers have already
checked that the person takes part in the cohort (``can_read_discussions``).

For the learners' dashboard: :func:`announcements_for` and
:func:`unread_notifications`.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from academy.core.accounts.models import User
from academy.core.db import utcnow
from academy.core.errors import Conflict, DomainError, Forbidden
from academy.extensions import db
from academy.plugins.cohorts.models import Cohort
from academy.plugins.cohorts.permissions import can_moderate
from academy.plugins.courses.models import Item, ItemType
from academy.plugins.discussions.access import in_participating_cohort, readable_notifications
from academy.plugins.discussions.models import (
    Announcement,
    DiscussionSettings,
    ModerationMode,
    Mute,
    Notification,
    NotificationKind,
    Post,
    PostStatus,
    Preference,
    Report,
    Thread,
)
from academy.plugins.discussions.permissions import editable_until, is_read_only
from academy.plugins.discussions.rendering import count_links

TITLE_MAX = 200
REASON_MAX = 1000


def moderation_mode(cohort: Cohort) -> ModerationMode:
    """The cohort's moderation mode (post-moderation unless a moderator chose otherwise)."""
    found = db.session.get(DiscussionSettings, cohort.id)
    return found.mode if found is not None else ModerationMode.POST


def active_mute(cohort: Cohort, user: User) -> Mute | None:
    """The mute that keeps ``user`` from posting in the cohort now (the longest), if any."""
    query = (
        sa.select(Mute)
        .where(Mute.cohort_id == cohort.id, Mute.user_id == user.id)
        .where(Mute.lifted_at.is_(None), Mute.until > utcnow())
        .order_by(Mute.until.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def _check_may_post(cohort: Cohort, author: User) -> None:
    if is_read_only(cohort):
        raise Forbidden(_("This cohort is archived: its discussions can be read but not changed."))
    mute = active_mute(cohort, author)
    if mute is not None:
        raise Forbidden(
            _(
                "A moderator has muted you in this cohort's discussions until %(date)s.",
                date=format_datetime(mute.until, "short"),
            )
        )


def clean_text(value: str | None) -> str:
    """A post's Markdown with uniform line ends and no trailing blanks."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_body(body: str, author: User, *, moderator: bool) -> str:
    body = clean_text(body)
    if not body:
        raise DomainError(_("Please write something."), field="body")
    limit = int(current_app.config["DISCUSSIONS_POST_MAX_CHARS"])
    if len(body) > limit:
        raise DomainError(
            _("A post can be at most %(limit)d characters long.", limit=limit), field="body"
        )
    if not moderator:
        _check_links(body, author)
    return body


def _check_links(body: str, author: User) -> None:
    """New accounts may put only a few links in a post (spam comes from fresh accounts)."""
    config = current_app.config
    young = utcnow() - author.created_at < timedelta(hours=config["DISCUSSIONS_NEW_ACCOUNT_HOURS"])
    limit = int(config["DISCUSSIONS_NEW_ACCOUNT_MAX_LINKS"])
    if young and count_links(body) > limit:
        raise DomainError(
            ngettext(
                "New accounts can put at most %(num)d link in a post. Please try again later.",
                "New accounts can put at most %(num)d links in a post. Please try again later.",
                limit,
            ),
            field="body",
        )


def _check_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_("Please give the thread a title."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(
            _("A title can be at most %(limit)d characters long.", limit=TITLE_MAX), field="title"
        )
    return title


def _new_status(cohort: Cohort, *, moderator: bool) -> PostStatus:
    if not moderator and moderation_mode(cohort) == ModerationMode.PRE:
        return PostStatus.PENDING
    return PostStatus.VISIBLE


def check_lesson(cohort: Cohort, lesson: Item | None) -> None:
    """A lesson board must be one of the cohort's course's current lessons."""
    if lesson is None:
        return
    if (
        lesson.course_id != cohort.course_id
        or lesson.type != ItemType.LESSON
        or lesson.archived_at is not None
    ):
        raise DomainError(_("This lesson is not part of the cohort's course."), field="lesson")


def start_thread(
    cohort: Cohort, author: User, *, title: str, body: str, lesson: Item | None = None
) -> Thread:
    """A new thread on the cohort's general board, or on a lesson's board."""
    moderator = can_moderate(author, cohort)
    _check_may_post(cohort, author)
    check_lesson(cohort, lesson)
    title, body = _check_title(title), _check_body(body, author, moderator=moderator)
    thread = Thread(
        cohort_id=cohort.id,
        lesson_id=lesson.id if lesson is not None else None,
        author_id=author.id,
        title=title,
        last_activity_at=utcnow(),
    )
    db.session.add(thread)
    db.session.flush()
    post = Post(
        thread_id=thread.id,
        cohort_id=cohort.id,
        author_id=author.id,
        opening=True,
        body=body,
        status=_new_status(cohort, moderator=moderator),
    )
    db.session.add(post)
    db.session.flush()
    return thread


def reply(thread: Thread, author: User, *, body: str) -> Post:
    """A reply to ``thread``; visible at once or waiting, by the cohort's moderation mode."""
    cohort = thread.cohort
    moderator = can_moderate(author, cohort)
    if thread.locked and not moderator:
        raise Forbidden(_("This thread is locked: nobody can reply any more."))
    _check_may_post(cohort, author)
    post = Post(
        thread_id=thread.id,
        cohort_id=cohort.id,
        author_id=author.id,
        body=_check_body(body, author, moderator=moderator),
        status=_new_status(cohort, moderator=moderator),
    )
    db.session.add(post)
    db.session.flush()
    if post.status == PostStatus.VISIBLE:
        published(post)
    return post


def published(post: Post) -> None:
    """A post became visible: its thread moves up, the thread's author hears of a reply."""
    thread = post.thread
    thread.last_activity_at = utcnow()
    if not post.opening and thread.author_id not in (None, post.author_id):
        notify(thread.author_id, post, NotificationKind.REPLY)
    db.session.flush()


def notify(user_id: int, post: Post, kind: NotificationKind) -> Notification:
    notification = Notification(
        user_id=user_id,
        cohort_id=post.cohort_id,
        post_id=post.id,
        kind=kind,
        read_at=None,
        digested_at=None,
    )
    db.session.add(notification)
    return notification


def edit_post(post: Post, author: User, *, body: str, title: str | None = None) -> Post:
    """The author changes a post (and, for a thread's opening post, its title) in time."""
    thread = post.thread
    cohort = thread.cohort
    moderator = can_moderate(author, cohort)
    if post.author_id != author.id:
        raise Forbidden(_("Only its author can edit a post."))
    if post.status not in (PostStatus.PENDING, PostStatus.VISIBLE):
        raise Forbidden(_("A post a moderator hid or deleted can no longer be edited."))
    if utcnow() >= editable_until(post):
        raise Forbidden(_("The time for editing this post is over."))
    if thread.locked and not moderator:
        raise Forbidden(_("This thread is locked: its posts can no longer be edited."))
    _check_may_post(cohort, author)
    post.body = _check_body(body, author, moderator=moderator)
    if post.opening and title is not None:
        thread.title = _check_title(title)
    post.edited_at = utcnow()
    if post.status == PostStatus.VISIBLE:
        # In a pre-moderated cohort an approved post that changes waits again.
        post.status = _new_status(cohort, moderator=moderator)
    db.session.flush()
    return post


def report_post(post: Post, reporter: User, *, reason: str) -> Report:
    """Flag a visible post for the cohort's moderators, with a reason."""
    reason = clean_text(reason)
    if not reason:
        raise DomainError(_("Please say what is wrong with this post."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(
            _("A reason can be at most %(limit)d characters long.", limit=REASON_MAX),
            field="reason",
        )
    if post.status != PostStatus.VISIBLE:
        raise DomainError(_("Only a visible post can be reported."))
    if post.author_id == reporter.id:
        raise DomainError(_("You cannot report your own post."))
    already = sa.select(Report.id).where(
        Report.post_id == post.id, Report.reporter_id == reporter.id
    )
    if db.session.scalar(already) is not None:
        raise Conflict(_("You have already reported this post. The moderators will look at it."))
    report = Report(
        post_id=post.id, cohort_id=post.cohort_id, reporter_id=reporter.id, reason=reason
    )
    db.session.add(report)
    db.session.flush()
    return report


# Announcements and notifications


def announcements_for(user: User, *, limit: int = 5) -> list[Announcement]:
    """The latest announcements of the cohorts ``user`` takes part in, newest first.

    One query; each announcement's ``cohort`` is loaded with it.
    """
    query = (
        sa.select(Announcement)
        .where(in_participating_cohort(Announcement.cohort_id, user.id))
        .options(joinedload(Announcement.cohort))
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def unread_notifications(user: User) -> int:
    """How many of ``user``'s notifications are unread (one query)."""
    query = (
        sa.select(sa.func.count(Notification.id))
        .join(Post, Notification.post_id == Post.id)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .where(readable_notifications())
    )
    return db.session.scalar(query) or 0


def mark_read(user: User, notification: Notification | None = None) -> int:
    """Mark one of ``user``'s notifications (or all of them) as read; how many changed."""
    query = (
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .execution_options(synchronize_session="fetch")
    )
    if notification is not None:
        query = query.where(Notification.id == notification.id)
    result = db.session.execute(query.values(read_at=utcnow()))
    return int(result.rowcount)  # type: ignore[attr-defined]


def preference_of(user: User) -> Preference:
    """The user's discussion preferences (defaults when never saved; not added)."""
    found = db.session.get(Preference, user.id)
    return found if found is not None else Preference(user_id=user.id, email_digest=False)


def set_email_digest(user: User, wanted: bool) -> Preference:
    """Whether ``user`` gets an email digest of unread notifications."""
    preference = db.session.get(Preference, user.id)
    if preference is None:
        preference = Preference(user_id=user.id, last_digest_at=None)
        db.session.add(preference)
    preference.email_digest = wanted
    db.session.flush()
    return preference
