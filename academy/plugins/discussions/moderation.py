"""Moderators' use cases: approve, hide, restore, delete, dismiss reports; lock and pin
threads; mute learners; choose the moderation mode; post announcements.

Every action writes a line in the cohort's moderation log (who, what, when,
why) and an audit event.  Functions flush, never commit.  Callers have
checked ``can_moderate_discussions`` on the cohort.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from academy.core.accounts.models import User
from academy.core.audit import services as audit
from academy.core.db import utcnow
from academy.core.errors import DomainError, NotFound
from academy.extensions import db
from academy.plugins.cohorts.models import Cohort
from academy.plugins.cohorts.permissions import can_moderate, participant_enrolment
from academy.plugins.discussions.mailing import queue_announcement
from academy.plugins.discussions.models import (
    Announcement,
    DiscussionSettings,
    ModerationAction,
    ModerationEntry,
    ModerationMode,
    Mute,
    NotificationKind,
    Post,
    PostStatus,
    Report,
    Thread,
)
from academy.plugins.discussions.permissions import is_read_only
from academy.plugins.discussions.services import (
    REASON_MAX,
    TITLE_MAX,
    clean_text,
    notify,
    published,
)

A = ModerationAction
POST_ACTIONS = (A.APPROVE, A.HIDE, A.RESTORE, A.DELETE, A.DISMISS)
THREAD_ACTIONS = (A.LOCK, A.UNLOCK, A.PIN, A.UNPIN)
#: Post actions and the statuses they apply to.
ALLOWED_FROM = {
    A.APPROVE: (PostStatus.PENDING,),
    A.HIDE: (PostStatus.PENDING, PostStatus.VISIBLE),
    A.RESTORE: (PostStatus.HIDDEN, PostStatus.DELETED),
    A.DELETE: (PostStatus.PENDING, PostStatus.VISIBLE, PostStatus.HIDDEN),
    A.DISMISS: tuple(PostStatus),
}
RESULT = {
    A.APPROVE: PostStatus.VISIBLE,
    A.HIDE: PostStatus.HIDDEN,
    A.RESTORE: PostStatus.VISIBLE,
    A.DELETE: PostStatus.DELETED,
}
NEEDS_REASON = (A.HIDE, A.DELETE, A.MUTE)


def record(
    cohort: Cohort,
    action: ModerationAction,
    *,
    by: User,
    post: Post | None = None,
    thread: Thread | None = None,
    subject: User | None = None,
    reason: str = "",
    **details: Any,
) -> ModerationEntry:
    """Write the moderation log line of an action, and its audit event."""
    entry = ModerationEntry(
        cohort_id=cohort.id,
        actor_id=by.id,
        action=action,
        post_id=post.id if post is not None else None,
        thread_id=thread.id if thread is not None else (post.thread_id if post else None),
        subject_id=subject.id if subject is not None else None,
        reason=reason,
        details=details,
    )
    db.session.add(entry)
    target = post or thread or subject or cohort
    audit.record(
        by, f"discussions.{action.value}", target, cohort=cohort.id, reason=reason, **details
    )
    db.session.flush()
    return entry


def _reason(action: ModerationAction, reason: str) -> str:
    reason = clean_text(reason)
    if action in NEEDS_REASON and not reason:
        raise DomainError(
            _("Please give a reason: it is kept in the moderation log."), field="reason"
        )
    if len(reason) > REASON_MAX:
        raise DomainError(
            _("A reason can be at most %(limit)d characters long.", limit=REASON_MAX),
            field="reason",
        )
    return reason


def _check_writable(cohort: Cohort) -> None:
    if is_read_only(cohort):
        raise DomainError(_("This cohort is archived: its discussions can no longer be changed."))


def _resolve_reports(post: Post, by: User) -> int:
    query = sa.select(Report).where(Report.post_id == post.id, Report.resolved_at.is_(None))
    reports = list(db.session.scalars(query))
    for report in reports:
        report.resolved_at, report.resolved_by_id = utcnow(), by.id
    return len(reports)


def moderate_post(post: Post, action: ModerationAction, *, by: User, reason: str = "") -> Post:
    """Approve, hide, restore or delete ``post``, or dismiss its reports."""
    if action not in POST_ACTIONS:
        raise DomainError(_("This action does not apply to a post."), field="action")
    _check_writable(post.thread.cohort)
    reason = _reason(action, reason)
    if post.status not in ALLOWED_FROM[action]:
        raise DomainError(
            _("This cannot be done to a post that is “%(status)s”.", status=post.status.label)
        )
    resolved = 0
    if action in (A.HIDE, A.DELETE, A.DISMISS):
        resolved = _resolve_reports(post, by)
        if action == A.DISMISS and not resolved:
            raise DomainError(_("This post has no open reports to dismiss."))
    old = post.status
    if action in RESULT:
        _change_status(post, RESULT[action], by=by, reason=reason)
    record(
        post.thread.cohort,
        action,
        by=by,
        post=post,
        subject=post.author,
        reason=reason,
        old_status=old.value,
        reports_resolved=resolved,
    )
    _tell_author(post, action)
    return post


def _change_status(post: Post, status: PostStatus, *, by: User, reason: str) -> None:
    post.status = status
    post.moderated_at = utcnow()
    post.moderated_by_id = by.id
    post.moderation_reason = reason if status in (PostStatus.HIDDEN, PostStatus.DELETED) else ""
    db.session.flush()


def _tell_author(post: Post, action: ModerationAction) -> None:
    """An approved post is published (and its author told); a hidden one's author is told."""
    if action == A.APPROVE:
        published(post)
    kind = {A.APPROVE: NotificationKind.APPROVED, A.HIDE: NotificationKind.HIDDEN}.get(action)
    if kind is not None and post.author_id is not None:
        notify(post.author_id, post, kind)
        db.session.flush()


def moderate_thread(
    thread: Thread, action: ModerationAction, *, by: User, reason: str = ""
) -> Thread:
    """Lock or unlock (replies), pin or unpin (to the top of its board) a thread."""
    if action not in THREAD_ACTIONS:
        raise DomainError(_("This action does not apply to a thread."), field="action")
    _check_writable(thread.cohort)
    reason = _reason(action, reason)
    if action in (A.LOCK, A.UNLOCK):
        thread.locked = action == A.LOCK
    else:
        thread.pinned = action == A.PIN
    record(thread.cohort, action, by=by, thread=thread, subject=thread.author, reason=reason)
    return thread


def mute(cohort: Cohort, user: User, *, days: int, reason: str, by: User) -> Mute:
    """Keep a learner from posting in the cohort's discussions for ``days`` days."""
    _check_writable(cohort)
    reason = _reason(A.MUTE, reason)
    longest = int(current_app.config["DISCUSSIONS_MUTE_MAX_DAYS"])
    if not 1 <= days <= longest:
        raise DomainError(_("A mute lasts from 1 to %(days)d days.", days=longest), field="days")
    if participant_enrolment(user, cohort) is None:
        raise NotFound(_("This person is not a learner of this cohort."))
    if can_moderate(user, cohort):
        raise DomainError(_("A moderator cannot be muted."))
    until = utcnow() + timedelta(days=days)
    entry = Mute(cohort_id=cohort.id, user_id=user.id, until=until, reason=reason, by_id=by.id)
    db.session.add(entry)
    db.session.flush()
    record(cohort, A.MUTE, by=by, subject=user, reason=reason, days=days)
    return entry


def lift_mutes(cohort: Cohort, user: User, *, by: User, reason: str = "") -> int:
    """End every current mute of ``user`` in the cohort; how many were lifted."""
    _check_writable(cohort)
    reason = _reason(A.UNMUTE, reason)
    now = utcnow()
    query = (
        sa.select(Mute)
        .where(Mute.cohort_id == cohort.id, Mute.user_id == user.id)
        .where(Mute.lifted_at.is_(None), Mute.until > now)
    )
    mutes = list(db.session.scalars(query))
    for found in mutes:
        found.lifted_at = now
    lifted = len(mutes)
    if not lifted:
        raise DomainError(_("This person is not muted."))
    record(cohort, A.UNMUTE, by=by, subject=user, reason=reason)
    return lifted


def set_moderation_mode(
    cohort: Cohort, mode: ModerationMode, *, by: User, reason: str = ""
) -> bool:
    """Switch between post- and pre-moderation; False when the cohort already had ``mode``."""
    _check_writable(cohort)
    reason = _reason(A.SET_MODE, reason)
    settings = db.session.get(DiscussionSettings, cohort.id)
    if settings is None:
        settings = DiscussionSettings(cohort_id=cohort.id, mode=ModerationMode.POST)
        db.session.add(settings)
    if settings.mode == mode:
        return False
    old, settings.mode, settings.updated_by_id = settings.mode, mode, by.id
    db.session.flush()
    record(cohort, A.SET_MODE, by=by, reason=reason, old=old.value, new=mode.value)
    return True


def post_announcement(cohort: Cohort, *, title: str, body: str, by: User) -> Announcement:
    """Post to the whole cohort: shown on the learners' dashboard and emailed to each."""
    _check_writable(cohort)
    title = " ".join((title or "").split())
    body = clean_text(body)
    if not title or len(title) > TITLE_MAX:
        raise DomainError(
            _("Please give a title of at most %(limit)d characters.", limit=TITLE_MAX),
            field="title",
        )
    limit = int(current_app.config["DISCUSSIONS_POST_MAX_CHARS"])
    if not body or len(body) > limit:
        raise DomainError(
            _("Please write a text of at most %(limit)d characters.", limit=limit), field="body"
        )
    announcement = Announcement(cohort_id=cohort.id, author_id=by.id, title=title, body=body)
    db.session.add(announcement)
    db.session.flush()
    sent = queue_announcement(announcement, cohort)
    record(cohort, A.ANNOUNCE, by=by, announcement=announcement.id, title=title, emails=sent)
    return announcement
