"""Manager pages: every course with its translation state; publish and archive."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from academy.core.permissions import require
from academy.plugins.courses import services
from academy.plugins.courses.blueprint import bp, course_or_404, me
from academy.plugins.courses.forms import ActionForm
from academy.plugins.courses.languages import ui_language
from academy.plugins.courses.models import Course, CourseOrigin
from academy.plugins.courses.permissions import can_manage_courses
from academy.plugins.courses.queries import all_courses, describe_courses
from academy.plugins.courses.status import load_translations

ORIGIN_LABELS = {
    CourseOrigin.BUILTIN: _l("Built in"),
    CourseOrigin.IMPORTED: _l("Imported"),
    CourseOrigin.LOCAL: _l("Made here"),
}


@bp.get("/manage")
@require(can_manage_courses)
def manage() -> str:
    """All courses, unpublished and archived included, with stale and missing translations."""
    courses = all_courses()
    return render_template(
        "courses/manage.html",
        entries=describe_courses(courses, ui_language()),
        translations=load_translations(courses),
        origin_labels=ORIGIN_LABELS,
    )


def _act(slug: str, change: Callable[[Course], bool], done: str, already: str) -> Response:
    """Check the CSRF token, apply ``change`` to the course and say what happened."""
    course = course_or_404(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    flash(done if change(course) else already, "success")
    return redirect(url_for("courses.manage"))


@bp.post("/manage/<slug>/publish")
@require(can_manage_courses)
def publish(slug: str) -> Response:
    return _act(
        slug,
        lambda course: services.set_published(course, True, by=me()),
        _("The course is published: anyone can see it in the catalogue."),
        _("The course was already published."),
    )


@bp.post("/manage/<slug>/unpublish")
@require(can_manage_courses)
def unpublish(slug: str) -> Response:
    return _act(
        slug,
        lambda course: services.set_published(course, False, by=me()),
        _("The course is unpublished: only managers can see it."),
        _("The course was already unpublished."),
    )


@bp.post("/manage/<slug>/archive")
@require(can_manage_courses)
def archive(slug: str) -> Response:
    return _act(
        slug,
        lambda course: services.set_archived(course, True, by=me()),
        _("The course is archived."),
        _("The course was already archived."),
    )


@bp.post("/manage/<slug>/unarchive")
@require(can_manage_courses)
def unarchive(slug: str) -> Response:
    return _act(
        slug,
        lambda course: services.set_archived(course, False, by=me()),
        _("The course is no longer archived."),
        _("The course was not archived."),
    )
