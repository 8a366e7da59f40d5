"""The discussions blueprint, its loaders, the posting rate limit and template helpers.

Loaders check access before anything else: a cohort, thread or post of a
cohort the current user does not take part in answers 404, exactly as one
that does not exist, so guessed ids reveal nothing.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from babel import Locale, UnknownLocaleError
from flask import Blueprint, abort, current_app, flash, g, request
from flask_login import current_user

from academy.core import urls
from academy.core.accounts.models import User
from academy.core.errors import DomainError
from academy.core.permissions import deny
from academy.extensions import db, limiter
from academy.plugins.cohorts.models import Cohort
from academy.plugins.cohorts.permissions import is_participant
from academy.plugins.courses.languages import ui_language
from academy.plugins.courses.models import Item, ItemType
from academy.plugins.discussions.models import Post, Thread
from academy.plugins.discussions.permissions import (
    can_edit_post,
    can_moderate_discussions,
    editable_until,
    is_read_only,
)
from academy.plugins.discussions.queries import Viewer, opening_post
from academy.plugins.discussions.rendering import render_post

bp = Blueprint("discussions", __name__, url_prefix="/discussions", template_folder="templates")


def me() -> User:
    """The signed-in user (views that call it require a permission first)."""
    user: User = current_user._get_current_object()
    return user


def _poster_key() -> str:
    """Rate limits count per person (the API's token user, or the signed-in user)."""
    user = g.get("api_user") or current_user
    return f"discussions-poster:{getattr(user, 'id', None) or request.remote_addr}"


#: How often one person may post, threads and replies together, on the pages and the API.
posting_limit = limiter.shared_limit(
    lambda: str(current_app.config["DISCUSSIONS_RATELIMIT_POST"]),
    scope="discussions-post",
    key_func=_poster_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code < 400,
)


def viewer_of(user: User, cohort: Cohort | None) -> Viewer | None:
    """The user's view of the cohort's discussions, or None when they do not take part.

    The same rule as ``can_read_discussions``, asked so that moderators cost one query.
    """
    if cohort is None:
        return None
    if can_moderate_discussions(user, cohort):
        return Viewer(user, cohort, moderator=True)
    if is_participant(user, cohort):
        return Viewer(user, cohort, moderator=False)
    return None


def cohort_or_404(cohort_id: int) -> Viewer:
    viewer = viewer_of(me(), db.session.get(Cohort, cohort_id))
    if viewer is None:
        abort(404)
    return viewer


def moderated_cohort_or_404(cohort_id: int) -> Viewer:
    """The cohort, for its moderators (403 for its learners, 404 for anyone else)."""
    viewer = cohort_or_404(cohort_id)
    if not viewer.moderator:
        deny(can_moderate_discussions)
    return viewer


def thread_or_404(thread_id: int) -> tuple[Viewer, Thread, Post]:
    """A thread the current user may see, with its opening post."""
    thread = db.session.get(Thread, thread_id)
    viewer = viewer_of(me(), thread.cohort if thread is not None else None)
    if viewer is None or thread is None:
        abort(404)
    opening = opening_post(thread)
    if opening is None or not viewer.can_see(opening):
        abort(404)
    return viewer, thread, opening


def post_or_404(post_id: int) -> tuple[Viewer, Post]:
    """A post the current user may see, in a thread they may see."""
    post = db.session.get(Post, post_id)
    if post is None:
        abort(404)
    viewer, _thread, _opening = thread_or_404(post.thread_id)
    if not viewer.can_see(post):
        abort(404)
    return viewer, post


def lesson_of(cohort: Cohort, key: str) -> Item | None:
    """The cohort's course's current lesson ``key``."""
    return db.session.scalar(
        sa.select(Item).where(
            Item.course_id == cohort.course_id,
            Item.key == key,
            Item.type == ItemType.LESSON,
            Item.archived_at.is_(None),
        )
    )


def page_arg() -> int:
    return urls.page_arg()


def per_page() -> int:
    return int(current_app.config["DISCUSSIONS_PAGE_SIZE"])


def refused(form: Any, error: DomainError) -> None:
    """Show a service's refusal on its form field, or as a message above the form."""
    field = form._fields.get(error.field) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def country_name(code: str | None) -> str:
    """A country's name in the interface language (the code if unknown)."""
    if not code:
        return ""
    try:
        return str(Locale.parse(ui_language()).territories.get(code.upper(), code))
    except (UnknownLocaleError, ValueError):
        return code


@bp.context_processor
def _discussion_helpers() -> dict[str, Any]:
    return {
        "render_post": render_post,
        "country_name": country_name,
        "can_edit_post": lambda post: can_edit_post(current_user, post),
        "editable_until": editable_until,
        "is_read_only": is_read_only,
    }
