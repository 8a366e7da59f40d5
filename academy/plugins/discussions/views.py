"""Discussion pages of participants: boards, threads, posting, editing, reporting, search.

Every view requires a signed-in user and loads the cohort, thread or post
through a loader that answers 404 to people outside the cohort.  Refused
forms answer 422, so the request's transaction is rolled back.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from academy.core.errors import DomainError
from academy.core.permissions import deny, is_signed_in, require
from academy.extensions import db
from academy.plugins.courses.languages import ui_language
from academy.plugins.courses.models import Item, TextScope
from academy.plugins.courses.outline import load_outline
from academy.plugins.courses.queries import localised_text
from academy.plugins.discussions import queries, services
from academy.plugins.discussions.blueprint import (
    bp,
    cohort_or_404,
    lesson_of,
    me,
    page_arg,
    per_page,
    post_or_404,
    posting_limit,
    refused,
    thread_or_404,
)
from academy.plugins.discussions.forms import (
    EditForm,
    ReplyForm,
    ReportForm,
    SearchForm,
    ThreadForm,
)
from academy.plugins.discussions.models import Announcement, Post, PostStatus, Thread
from academy.plugins.discussions.permissions import can_edit_post
from academy.plugins.discussions.queries import Viewer

BOARD_ANNOUNCEMENTS = 3
Page = Any  # a rendered page, a (page, status) pair or a redirect


@bp.get("/")
@require(is_signed_in)
def index() -> str:
    """The cohorts whose discussions I take part in."""
    return render_template(
        "discussions/index.html",
        cohorts=queries.my_cohorts(me()),
        unread=services.unread_notifications(me()),
    )


def _latest_announcements(viewer: Viewer) -> list[Announcement]:
    query = (
        sa.select(Announcement)
        .where(Announcement.cohort_id == viewer.cohort.id)
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())
        .limit(BOARD_ANNOUNCEMENTS)
    )
    return list(db.session.scalars(query))


def _board(viewer: Viewer, lesson: Item | None, form: ThreadForm, status: int = 200) -> Page:
    """The general board (``lesson`` None) or a lesson's board, with the new-thread form."""
    cohort = viewer.cohort
    context: dict[str, Any] = {
        "viewer": viewer,
        "cohort": cohort,
        "lesson": lesson,
        "form": form,
        "threads": queries.thread_page(
            viewer, lesson_id=lesson.id if lesson else None, page=page_arg(), per_page=per_page()
        ),
        "mode": services.moderation_mode(cohort),
        "mute": services.active_mute(cohort, viewer.user),
        "queue_size": queries.queue_size(cohort) if viewer.moderator else 0,
    }
    if lesson is None:
        context["outline"] = load_outline(cohort.course, ui_language())
        context["lesson_counts"] = queries.lesson_thread_counts(viewer)
        context["announcements"] = _latest_announcements(viewer)
    else:
        text = localised_text(cohort.course, TextScope.LESSON, lesson.key, ui_language())
        context["lesson_text"] = text
    return render_template("discussions/board.html", **context), status


@bp.get("/cohorts/<int:cohort_id>")
@require(is_signed_in)
def board(cohort_id: int) -> Page:
    """The cohort's general board, its lesson boards and latest announcements."""
    return _board(cohort_or_404(cohort_id), None, ThreadForm())


def _lesson_or_404(viewer: Viewer, key: str) -> Item:
    lesson = lesson_of(viewer.cohort, key)
    if lesson is None:
        abort(404)
    return lesson


@bp.get("/cohorts/<int:cohort_id>/lessons/<key>")
@require(is_signed_in)
def lesson_board(cohort_id: int, key: str) -> Page:
    """The threads about one lesson, with the lesson's discussion prompt."""
    viewer = cohort_or_404(cohort_id)
    lesson = _lesson_or_404(viewer, key)
    return _board(viewer, lesson, ThreadForm(data={"lesson": lesson.key}))


def _posted_message(post: Post) -> None:
    if post.status == PostStatus.PENDING:
        flash(
            _(
                "Thank you. Your post waits for a moderator's approval; until then only you "
                "and the moderators can see it."
            ),
            "info",
        )
    else:
        flash(_("Your post is published."), "success")


@bp.post("/cohorts/<int:cohort_id>/threads")
@require(is_signed_in)
@posting_limit
def create_thread(cohort_id: int) -> Page:
    """Start a thread on the general board or, with a lesson key, on a lesson's board."""
    viewer = cohort_or_404(cohort_id)
    form = ThreadForm()
    lesson = _lesson_or_404(viewer, form.lesson.data) if form.lesson.data else None
    if not form.validate_on_submit():
        return _board(viewer, lesson, form, 422)
    try:
        thread = services.start_thread(
            viewer.cohort, me(), title=form.title.data, body=form.body.data, lesson=lesson
        )
    except DomainError as error:
        refused(form, error)
        return _board(viewer, lesson, form, 422)
    opening = queries.opening_post(thread)
    assert opening is not None
    _posted_message(opening)
    return redirect(url_for(".thread", thread_id=thread.id))


def _thread_page(
    viewer: Viewer, thread: Thread, opening: Post, form: ReplyForm, status: int = 200
) -> Page:
    posts = queries.post_page(viewer, thread, page=page_arg(), per_page=per_page())
    ids = [post.id for post in posts.items]
    lesson_title = ""
    if thread.lesson is not None:
        text = localised_text(
            viewer.cohort.course, TextScope.LESSON, thread.lesson.key, ui_language()
        )
        lesson_title = str(text.fields.get("title") or thread.lesson.key)
    page = render_template(
        "discussions/thread.html",
        viewer=viewer,
        cohort=viewer.cohort,
        thread=thread,
        opening=opening,
        posts=posts,
        form=form,
        lesson_title=lesson_title,
        reported=queries.reported_by(viewer.user, ids),
        report_counts=queries.open_report_counts(ids) if viewer.moderator else {},
        mute=services.active_mute(viewer.cohort, viewer.user),
    )
    return page, status


@bp.get("/threads/<int:thread_id>")
@require(is_signed_in)
def thread(thread_id: int) -> Page:
    """A thread's posts the current user may see, and the reply form."""
    viewer, found, opening = thread_or_404(thread_id)
    return _thread_page(viewer, found, opening, ReplyForm())


def post_url(viewer: Viewer, post: Post) -> str:
    """The address of ``post`` on the page of its thread that shows it."""
    page = queries.page_of(viewer, post, per_page=per_page())
    return url_for(".thread", thread_id=post.thread_id, page=page if page > 1 else None) + (
        f"#post-{post.id}"
    )


@bp.post("/threads/<int:thread_id>/posts")
@require(is_signed_in)
@posting_limit
def reply(thread_id: int) -> Page:
    """Reply to a thread."""
    viewer, found, opening = thread_or_404(thread_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _thread_page(viewer, found, opening, form, 422)
    try:
        post = services.reply(found, me(), body=form.body.data)
    except DomainError as error:
        refused(form, error)
        return _thread_page(viewer, found, opening, form, 422)
    _posted_message(post)
    return redirect(post_url(viewer, post))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@require(is_signed_in)
def edit_post(post_id: int) -> Page:
    """The author changes a post while the edit window is open."""
    viewer, post = post_or_404(post_id)
    if not can_edit_post(me(), post):
        deny(can_edit_post)
    form = EditForm()
    if not form.is_submitted():
        form.body.data = post.body
        form.title.data = post.thread.title if post.opening else ""
    if not form.validate_on_submit():
        return _edit_page(viewer, post, form)
    try:
        services.edit_post(
            post, me(), body=form.body.data, title=form.title.data if post.opening else None
        )
    except DomainError as error:
        refused(form, error)
        return _edit_page(viewer, post, form)
    _posted_message(post)
    return redirect(post_url(viewer, post))


def _edit_page(viewer: Viewer, post: Post, form: EditForm) -> Page:
    status = 422 if form.is_submitted() else 200
    page = render_template(
        "discussions/edit.html", viewer=viewer, cohort=viewer.cohort, post=post, form=form
    )
    return page, status


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@require(is_signed_in)
def report_post(post_id: int) -> Page:
    """Tell the moderators what is wrong with a post."""
    viewer, post = post_or_404(post_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            services.report_post(post, me(), reason=form.reason.data)
        except DomainError as error:
            refused(form, error)
        else:
            flash(_("Thank you. The moderators will look at this post."), "success")
            return redirect(post_url(viewer, post))
    status = 422 if form.is_submitted() else 200
    page = render_template(
        "discussions/report.html", viewer=viewer, cohort=viewer.cohort, post=post, form=form
    )
    return page, status


@bp.get("/cohorts/<int:cohort_id>/search")
@require(is_signed_in)
def search(cohort_id: int) -> Page:
    """Search the posts of one cohort's discussions (only those the user may see)."""
    viewer = cohort_or_404(cohort_id)
    form = SearchForm(formdata=request.args if request.args else None)
    results = None
    if request.args and form.validate():
        text = form.q.data.strip()
        results = queries.search(viewer, text, page=page_arg(), per_page=per_page())
    return render_template(
        "discussions/search.html",
        viewer=viewer,
        cohort=viewer.cohort,
        form=form,
        results=results,
    )
