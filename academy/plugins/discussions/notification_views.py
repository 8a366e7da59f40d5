"""My notifications: replies to my threads and moderators' decisions on my posts.

Reading a page never writes: a notification is marked read when it is opened
through its button (a POST that then redirects to the post) or with "mark all
as read".  The digest preference is saved here too.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from academy.core.permissions import is_signed_in, require
from academy.plugins.discussions import queries, services
from academy.plugins.discussions.blueprint import bp, me, page_arg, per_page, viewer_of
from academy.plugins.discussions.forms import ActionForm, PreferenceForm
from academy.plugins.discussions.views import post_url

Page = Any


def _page(form: PreferenceForm, status: int = 200) -> Page:
    user = me()
    page = render_template(
        "discussions/notifications.html",
        notifications=queries.notification_page(user, page=page_arg(), per_page=per_page()),
        unread=services.unread_notifications(user),
        form=form,
        action_form=ActionForm(formdata=None),
    )
    return page, status


@bp.get("/notifications")
@require(is_signed_in)
def notifications() -> Page:
    """My notifications, newest first, and whether I want an email digest."""
    preference = services.preference_of(me())
    return _page(PreferenceForm(data={"email_digest": preference.email_digest}))


@bp.post("/notifications/<int:notification_id>/open")
@require(is_signed_in)
def open_notification(notification_id: int) -> Response:
    """Mark a notification read and go to its post."""
    if not ActionForm().validate_on_submit():
        abort(400)
    notification = queries.notification_of(me(), notification_id)
    if notification is None:
        abort(404)
    post = notification.post
    viewer = viewer_of(me(), post.thread.cohort)
    if viewer is None:
        abort(404)
    services.mark_read(me(), notification)
    return redirect(post_url(viewer, post))


@bp.post("/notifications/read")
@require(is_signed_in)
def read_all() -> Response:
    """Mark all my notifications read."""
    if not ActionForm().validate_on_submit():
        abort(400)
    services.mark_read(me())
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for(".notifications"))


@bp.post("/notifications/preferences")
@require(is_signed_in)
def preferences() -> Page:
    """Choose whether to get an email digest of unread notifications."""
    form = PreferenceForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    services.set_email_digest(me(), bool(form.email_digest.data))
    if form.email_digest.data:
        flash(_("You will get an email digest of your unread notifications."), "success")
    else:
        flash(_("You will not get email digests."), "success")
    return redirect(url_for(".notifications"))
