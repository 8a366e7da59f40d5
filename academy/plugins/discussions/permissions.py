"""Who may do what in a cohort's discussions: named predicates for views, templates and the API.

Everything rests on the cohorts plugin's questions: a cohort's discussions are
for the people taking part in it (``can_take_part``: its enrolled learners and
its moderators) and are moderated by ``can_moderate`` (its moderators, and the
academy's managers and administrators).  Nobody else learns that they exist:
views and the API answer 404 for other people's cohorts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from academy.core.db import utcnow
from academy.core.permissions import Permission
from academy.plugins.cohorts.models import Cohort, CohortStatus
from academy.plugins.cohorts.permissions import can_moderate, can_take_part
from academy.plugins.discussions.models import Post, PostStatus

can_read_discussions = Permission(
    "can_read_discussions",
    _l("A cohort's discussions are for its learners and moderators."),
    lambda user, cohort: can_take_part(user, cohort),
)
can_moderate_discussions = Permission(
    "can_moderate_discussions",
    _l("Only this cohort's moderators and the academy's managers can moderate its discussions."),
    lambda user, cohort: can_moderate(user, cohort),
)


def is_read_only(cohort: Cohort) -> bool:
    """An archived cohort's discussions can be read but no longer changed."""
    return cohort.status == CohortStatus.ARCHIVED


def editable_until(post: Post) -> Any:
    """The moment the author's edit window for ``post`` closes."""
    return post.created_at + timedelta(minutes=int(current_app.config["DISCUSSIONS_EDIT_MINUTES"]))


def _may_edit(user: Any, post: Post) -> bool:
    return (
        post.author_id == user.id
        and post.status in (PostStatus.PENDING, PostStatus.VISIBLE)
        and utcnow() < editable_until(post)
    )


can_edit_post = Permission(
    "can_edit_post",
    _l("Only its author can edit a post, for a short time after writing it."),
    _may_edit,
)
