"""Receivers of core signals: a deleted account's discussion data, and "export my data".

Both are connected for any sender and check that this plugin is enabled in the
running app.  A deleted person's posts stay, so that conversations still make
sense: the core empties the account itself (its name becomes "Deleted user",
its organisation goes), so the posts show that name and no organisation.  What
is only about the person goes: their notifications, preference and mutes.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app

from academy.core.accounts.models import User
from academy.core.plugins import is_enabled
from academy.extensions import db
from academy.plugins.discussions.models import (
    Announcement,
    Mute,
    Notification,
    Post,
    Preference,
    Report,
    Thread,
)

SECTION = "discussions"


def on_user_deleted(user: User, **_: object) -> None:
    """Remove what is only about the person; their posts stay, under "Deleted user"."""
    if not is_enabled(current_app, "discussions"):
        return
    for model in (Notification, Preference, Mute):
        db.session.execute(sa.delete(model).where(model.user_id == user.id))
    db.session.flush()


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _posts(user: User) -> list[dict[str, Any]]:
    query = (
        sa.select(Post, Thread)
        .join(Thread, Post.thread_id == Thread.id)
        .where(Post.author_id == user.id)
        .order_by(Post.created_at, Post.id)
    )
    return [
        {
            "cohort_id": post.cohort_id,
            "thread": thread.title,
            "opening": post.opening,
            "body": post.body,
            "status": post.status.value,
            "moderation_reason": post.moderation_reason,
            "created_at": _iso(post.created_at),
            "edited_at": _iso(post.edited_at),
        }
        for post, thread in db.session.execute(query)
    ]


def _reports(user: User) -> list[dict[str, Any]]:
    query = sa.select(Report).where(Report.reporter_id == user.id).order_by(Report.id)
    return [
        {"post_id": r.post_id, "reason": r.reason, "created_at": _iso(r.created_at)}
        for r in db.session.scalars(query)
    ]


def _announcements(user: User) -> list[dict[str, Any]]:
    query = sa.select(Announcement).where(Announcement.author_id == user.id)
    return [
        {
            "cohort_id": a.cohort_id,
            "title": a.title,
            "body": a.body,
            "created_at": _iso(a.created_at),
        }
        for a in db.session.scalars(query.order_by(Announcement.id))
    ]


def _mutes(user: User) -> list[dict[str, Any]]:
    query = sa.select(Mute).where(Mute.user_id == user.id).order_by(Mute.id)
    return [
        {
            "cohort_id": m.cohort_id,
            "until": _iso(m.until),
            "reason": m.reason,
            "lifted_at": _iso(m.lifted_at),
        }
        for m in db.session.scalars(query)
    ]


def on_user_data_export(user: User, **_: object) -> tuple[str, Any] | None:
    """The person's posts, reports, announcements, mutes and digest preference."""
    if not is_enabled(current_app, "discussions"):
        return None
    preference = db.session.get(Preference, user.id)
    return SECTION, {
        "posts": _posts(user),
        "reports": _reports(user),
        "announcements": _announcements(user),
        "mutes": _mutes(user),
        "email_digest": bool(preference and preference.email_digest),
    }
