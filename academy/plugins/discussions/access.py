"""SQL conditions that confine every discussion query to what one person may see.

Visibility: a cohort's moderators see every post; other participants see the
visible posts, and their own posts that wait for a moderator or that a
moderator hid (with the reason).  A thread is seen exactly when its opening
post is.  Cohorts: a person sees the discussions of the cohorts they take part
in (an enrolment holding a place, or a moderator's seat); managers and
administrators moderate every cohort.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from academy.core.accounts.models import Role, UserRole
from academy.plugins.cohorts.models import PLACE_HOLDING, Enrolment, cohort_moderator
from academy.plugins.discussions.models import Notification, Post, PostStatus

OWN_STATUSES = (PostStatus.PENDING, PostStatus.HIDDEN)
Column = Any  # a column or a correlated column expression


def visible_to_participant(post: Any, user_id: Column) -> sa.ColumnElement[bool]:
    """``post`` (the Post entity or an alias) is visible to a participant who is no moderator."""
    return sa.or_(
        post.status == PostStatus.VISIBLE,
        sa.and_(post.author_id == user_id, post.status.in_(OWN_STATUSES)),
    )


def visible_posts(post: Any, user_id: int, *, moderator: bool) -> sa.ColumnElement[bool]:
    """The posts a viewer may read (every post for a moderator)."""
    return sa.true() if moderator else visible_to_participant(post, user_id)


def in_participating_cohort(cohort_id: Column, user_id: Column) -> sa.ColumnElement[bool]:
    """``cohort_id`` is a cohort that ``user_id`` takes part in, as learner or as moderator."""
    enrolled = sa.select(Enrolment.cohort_id).where(
        Enrolment.user_id == user_id, Enrolment.status.in_(PLACE_HOLDING)
    )
    moderating = sa.select(cohort_moderator.c.cohort_id).where(
        cohort_moderator.c.user_id == user_id
    )
    return sa.or_(cohort_id.in_(enrolled), cohort_id.in_(moderating))


def _moderates_everything(user_id: Column) -> sa.Exists:
    return sa.exists(
        sa.select(UserRole.user_id).where(
            UserRole.user_id == user_id, UserRole.role.in_((Role.MANAGER, Role.ADMIN))
        )
    )


def readable_notifications() -> sa.ColumnElement[bool]:
    """Notifications (joined to their Post) whose recipient may still read the post.

    The recipient still takes part in the cohort, and both the post and its
    thread's opening post are visible to them.
    """
    recipient = Notification.user_id
    opening = aliased(Post)
    thread_visible = sa.exists(
        sa.select(opening.id).where(
            opening.thread_id == Post.thread_id,
            opening.opening.is_(True),
            visible_to_participant(opening, recipient),
        )
    )
    return sa.and_(
        sa.or_(
            in_participating_cohort(Notification.cohort_id, recipient),
            _moderates_everything(recipient),
        ),
        visible_to_participant(Post, recipient),
        thread_visible,
    )
