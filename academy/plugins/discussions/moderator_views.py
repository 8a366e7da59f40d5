"""Moderators' pages: the queue, the log, actions on posts and threads, mutes, the mode,
and the cohort's announcements (read by every participant, posted by moderators).

Loaders answer 404 outside the cohort and 403 to its learners; every action
calls a service in :mod:`academy.plugins.discussions.moderation`, which logs it.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from academy.core.errors import DomainError
from academy.core.permissions import deny, is_signed_in, require
from academy.core.urls import safe_next_url
from academy.plugins.discussions import moderation, queries, services
from academy.plugins.discussions.blueprint import (
    bp,
    cohort_or_404,
    me,
    moderated_cohort_or_404,
    page_arg,
    per_page,
    post_or_404,
    refused,
    thread_or_404,
)
from academy.plugins.discussions.forms import (
    AnnouncementForm,
    ModeForm,
    MuteForm,
    PostModerationForm,
    ThreadModerationForm,
    UnmuteForm,
)
from academy.plugins.discussions.models import ModerationAction, ModerationMode, Post
from academy.plugins.discussions.permissions import can_moderate_discussions
from academy.plugins.discussions.queries import Viewer

QUEUE_LIMIT = 100
Page = Any

DONE = {
    ModerationAction.APPROVE: _l("The post is approved and published."),
    ModerationAction.HIDE: _l("The post is hidden. Its author sees your reason."),
    ModerationAction.RESTORE: _l("The post is visible again."),
    ModerationAction.DELETE: _l("The post is deleted."),
    ModerationAction.DISMISS: _l("The reports are dismissed; the post stays as it is."),
    ModerationAction.LOCK: _l("The thread is locked."),
    ModerationAction.UNLOCK: _l("The thread is open for replies again."),
    ModerationAction.PIN: _l("The thread is pinned to the top of its board."),
    ModerationAction.UNPIN: _l("The thread is no longer pinned."),
}


def _done(action: ModerationAction) -> str:
    return str(DONE.get(action, ""))


def _back(default: str) -> Response:
    return redirect(
        safe_next_url(request.form.get("next")) if request.form.get("next") else default
    )


def _moderator(viewer: Viewer) -> None:
    if not viewer.moderator:
        deny(can_moderate_discussions)


def _queue_page(viewer: Viewer, mode_form: ModeForm | None = None, status: int = 200) -> Page:
    cohort = viewer.cohort
    mode = services.moderation_mode(cohort)
    if mode_form is None:
        mode_form = ModeForm(data={"mode": mode.value})
    page = render_template(
        "discussions/queue.html",
        viewer=viewer,
        cohort=cohort,
        queue=queries.moderation_queue(cohort, limit=QUEUE_LIMIT),
        mutes=queries.active_mutes(cohort),
        mode=mode,
        mode_form=mode_form,
    )
    return page, status


@bp.get("/cohorts/<int:cohort_id>/moderation")
@require(is_signed_in)
def queue(cohort_id: int) -> Page:
    """Waiting and reported posts, current mutes and the moderation mode."""
    return _queue_page(moderated_cohort_or_404(cohort_id))


@bp.post("/cohorts/<int:cohort_id>/settings")
@require(is_signed_in)
def settings(cohort_id: int) -> Page:
    """Switch the cohort between post- and pre-moderation."""
    viewer = moderated_cohort_or_404(cohort_id)
    form = ModeForm()
    if not form.validate_on_submit():
        return _queue_page(viewer, form, 422)
    mode = ModerationMode(form.mode.data)
    try:
        changed = moderation.set_moderation_mode(
            viewer.cohort, mode, by=me(), reason=form.reason.data or ""
        )
    except DomainError as error:
        refused(form, error)
        return _queue_page(viewer, form, 422)
    flash(
        _("The moderation mode is now: %(mode)s.", mode=mode.label)
        if changed
        else _("The moderation mode was already: %(mode)s.", mode=mode.label),
        "success",
    )
    return redirect(url_for(".queue", cohort_id=cohort_id))


@bp.post("/posts/<int:post_id>/moderate")
@require(is_signed_in)
def moderate_post(post_id: int) -> Page:
    """Approve, hide, restore or delete a post, or dismiss its reports."""
    viewer, post = post_or_404(post_id)
    _moderator(viewer)
    form = PostModerationForm()
    if not form.validate_on_submit():
        abort(400)
    action = ModerationAction(form.action.data)
    # A refusal (DomainError) becomes an error page naming the reason, and rolls back.
    moderation.moderate_post(post, action, by=me(), reason=form.reason.data or "")
    flash(_done(action), "success")
    return _back(url_for(".thread", thread_id=post.thread_id))


@bp.post("/threads/<int:thread_id>/moderate")
@require(is_signed_in)
def moderate_thread(thread_id: int) -> Page:
    """Lock, unlock, pin or unpin a thread."""
    viewer, thread, _opening = thread_or_404(thread_id)
    _moderator(viewer)
    form = ThreadModerationForm()
    if not form.validate_on_submit():
        abort(400)
    action = ModerationAction(form.action.data)
    moderation.moderate_thread(thread, action, by=me(), reason=form.reason.data or "")
    flash(_done(action), "success")
    return redirect(url_for(".thread", thread_id=thread.id))


def _mute_page(viewer: Viewer, post: Post, form: MuteForm, status: int = 200) -> Page:
    page = render_template(
        "discussions/mute.html", viewer=viewer, cohort=viewer.cohort, post=post, form=form
    )
    return page, status


@bp.route("/posts/<int:post_id>/mute", methods=["GET", "POST"])
@require(is_signed_in)
def mute_author(post_id: int) -> Page:
    """Mute the author of a post in this cohort for a number of days."""
    viewer, post = post_or_404(post_id)
    _moderator(viewer)
    if post.author is None:
        abort(404)
    form = MuteForm()
    if not form.validate_on_submit():
        return _mute_page(viewer, post, form, 422 if form.is_submitted() else 200)
    try:
        moderation.mute(
            viewer.cohort, post.author, days=form.days.data, reason=form.reason.data, by=me()
        )
    except DomainError as error:
        refused(form, error)
        return _mute_page(viewer, post, form, 422)
    flash(
        _("%(name)s is muted for %(days)d days.", name=post.author.name, days=form.days.data),
        "success",
    )
    return redirect(url_for(".queue", cohort_id=viewer.cohort.id))


@bp.post("/cohorts/<int:cohort_id>/mutes/<int:mute_id>/lift")
@require(is_signed_in)
def lift_mute(cohort_id: int, mute_id: int) -> Page:
    """Let a muted learner post again before the mute ends."""
    viewer = moderated_cohort_or_404(cohort_id)
    found = queries.mute_for(viewer.cohort, mute_id)
    if found is None:
        abort(404)
    form = UnmuteForm()
    if not form.validate_on_submit():
        abort(400)
    moderation.lift_mutes(viewer.cohort, found.user, by=me(), reason=form.reason.data or "")
    flash(_("%(name)s can post again.", name=found.user.name), "success")
    return redirect(url_for(".queue", cohort_id=cohort_id))


@bp.get("/cohorts/<int:cohort_id>/log")
@require(is_signed_in)
def log(cohort_id: int) -> str:
    """The cohort's moderation log: who did what, when and why."""
    viewer = moderated_cohort_or_404(cohort_id)
    entries = queries.moderation_log(viewer.cohort, page=page_arg(), per_page=per_page())
    return render_template(
        "discussions/log.html", viewer=viewer, cohort=viewer.cohort, entries=entries
    )


def _announcements_page(viewer: Viewer, form: AnnouncementForm, status: int = 200) -> Page:
    found = queries.cohort_announcements(viewer.cohort, page=page_arg(), per_page=per_page())
    page = render_template(
        "discussions/announcements.html",
        viewer=viewer,
        cohort=viewer.cohort,
        announcements=found,
        form=form,
    )
    return page, status


@bp.get("/cohorts/<int:cohort_id>/announcements")
@require(is_signed_in)
def announcements(cohort_id: int) -> Page:
    """The cohort's announcements, newest first (moderators also get the form)."""
    return _announcements_page(cohort_or_404(cohort_id), AnnouncementForm())


@bp.post("/cohorts/<int:cohort_id>/announcements")
@require(is_signed_in)
def announce(cohort_id: int) -> Page:
    """Post an announcement to the cohort: on the dashboard and by email."""
    viewer = moderated_cohort_or_404(cohort_id)
    form = AnnouncementForm()
    if not form.validate_on_submit():
        return _announcements_page(viewer, form, 422)
    try:
        moderation.post_announcement(
            viewer.cohort, title=form.title.data, body=form.body.data, by=me()
        )
    except DomainError as error:
        refused(form, error)
        return _announcements_page(viewer, form, 422)
    flash(_("The announcement is posted and emailed to the cohort's learners."), "success")
    return redirect(url_for(".announcements", cohort_id=cohort_id))
