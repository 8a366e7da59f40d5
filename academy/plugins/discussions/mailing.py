"""Emails of the discussions, through the core outbox: announcements and digests.

An announcement goes to every learner of the cohort: each email is rendered
in its recipient's language, and all of them are added to the outbox in one
bulk insert, so posting to a cohort of thousands stays a few statements.  The
digest (``academy discussions digest``, for cron) queues one email per person
who asked for it and has unread notifications that no digest has carried yet.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from academy.core.accounts.models import User
from academy.core.db import utcnow
from academy.core.mail.models import OutboxMessage
from academy.core.mail.services import queue_template
from academy.core.urls import public_url
from academy.extensions import db
from academy.plugins.cohorts.models import PLACE_HOLDING, Cohort, Enrolment
from academy.plugins.discussions.access import readable_notifications
from academy.plugins.discussions.models import (
    Announcement,
    Notification,
    Post,
    Preference,
    Thread,
)

ANNOUNCEMENT_KIND = "discussions-announcement"
DIGEST_KIND = "discussions-digest"


def _academy() -> str:
    return str(current_app.config["ACADEMY_NAME"])


def _learners(cohort: Cohort, *, but: int | None) -> list[User]:
    query = (
        sa.select(User)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(PLACE_HOLDING))
        .where(User.active.is_(True), User.deleted_at.is_(None))
        .order_by(User.id)
    )
    if but is not None:
        query = query.where(User.id != but)
    return list(db.session.scalars(query))


def _message(user: User, kind: str, subject: Any, **context: Any) -> dict[str, Any]:
    """An outbox row (as a dict) for ``user``: ``templates/mail/<kind>.txt`` in their language."""
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(f"mail/{kind}.txt", user=user, **context)
        return {
            "recipient": user.email,
            "subject": str(subject)[:255],
            "body": body,
            "kind": kind,
            "created_at": utcnow(),
        }


def queue_announcement(announcement: Announcement, cohort: Cohort) -> int:
    """Queue the announcement's email to each learner of the cohort; how many were queued."""
    recipients = _learners(cohort, but=announcement.author_id)
    subject = _l("%(cohort)s: %(title)s", cohort=cohort.name, title=announcement.title)
    link = public_url("discussions.announcements", cohort_id=cohort.id)
    rows = [
        _message(
            user,
            ANNOUNCEMENT_KIND,
            subject,
            announcement=announcement,
            cohort=cohort,
            link=link,
            academy=_academy(),
        )
        for user in recipients
    ]
    if rows:
        db.session.execute(sa.insert(OutboxMessage), rows)
    return len(rows)


def _digest_rows() -> dict[User, list[Notification]]:
    """Unread notifications no digest has carried yet, of people who want a digest."""
    query = (
        sa.select(Notification, User)
        .join(Post, Notification.post_id == Post.id)
        .join(User, Notification.user_id == User.id)
        .join(Preference, Preference.user_id == User.id)
        .where(Preference.email_digest.is_(True))
        .where(Notification.read_at.is_(None), Notification.digested_at.is_(None))
        .where(User.active.is_(True), User.deleted_at.is_(None))
        .where(readable_notifications())
        .options(
            joinedload(Notification.post).joinedload(Post.thread).joinedload(Thread.cohort),
            joinedload(Notification.post).joinedload(Post.author),
        )
        .order_by(User.id, Notification.id)
    )
    found: dict[User, list[Notification]] = defaultdict(list)
    for notification, user in db.session.execute(query):
        found[user].append(notification)
    return found


def queue_digests() -> int:
    """Queue one digest email per person with new unread notifications; how many were queued."""
    now = utcnow()
    link = public_url("discussions.notifications")
    batches = _digest_rows()
    for user, notifications in batches.items():
        subject = _l("Your discussions on %(academy)s", academy=_academy())
        queue_template(
            user, DIGEST_KIND, subject, notifications=notifications, link=link, academy=_academy()
        )
        for notification in notifications:
            notification.digested_at = now
    if batches:
        db.session.execute(
            sa.update(Preference)
            .execution_options(synchronize_session="fetch")
            .where(Preference.user_id.in_([user.id for user in batches]))
            .values(last_digest_at=now)
        )
    db.session.flush()
    return len(batches)
