"""The courses blueprint, its page loaders and the helpers its templates use."""

from __future__ import annotations

from typing import Any

from babel.units import format_unit
from flask import Blueprint, abort, url_for
from flask_login import current_user

from academy.core.accounts.models import User
from academy.plugins.courses import hooks
from academy.plugins.courses.languages import language_name, ui_language
from academy.plugins.courses.models import Course, Item, ItemType
from academy.plugins.courses.permissions import can_manage_courses, can_translate, is_public
from academy.plugins.courses.permissions import can_view_course as _can_view_course
from academy.plugins.courses.queries import get_course_by_slug
from academy.plugins.courses.rendering import render_markdown

bp = Blueprint("courses", __name__, url_prefix="/courses", template_folder="templates")


def visible_course(slug: str) -> Course:
    """The course ``slug`` if the current user may read it; 404 otherwise (even if it exists)."""
    course = get_course_by_slug(slug)
    if course is None or not _can_view_course(current_user, course):
        abort(404)
    return course


def me() -> User:
    """The signed-in user (views that call it require a permission first)."""
    user: User = current_user._get_current_object()
    return user


def course_or_404(slug: str) -> Course:
    course = get_course_by_slug(slug)
    if course is None:
        abort(404)
    return course


def asset_base(course: Course) -> str:
    """The URL that a course's ``assets/<path>`` references are rewritten under."""
    return url_for("courses.syllabus", slug=course.slug) + "/assets/"


def markdown(text: str | None, course: Course) -> Any:
    """A course text rendered to safe HTML (cached per text)."""
    return render_markdown(text or "", asset_base(course))


def item_url(course: Course, item: Item) -> str:
    endpoint = "courses.lesson" if item.type == ItemType.LESSON else "courses.item"
    return url_for(endpoint, slug=course.slug, key=item.key)


def hours(minutes: int) -> str:
    """A duration in hours, localised (e.g. "1.5 hours", "1,5 heure")."""
    value = round(minutes / 60, 1)
    text = format_unit(value, "duration-hour", "long", format="#,##0.#", locale=ui_language())
    if "duration" in text:  # no long form in this locale
        text = format_unit(value, "duration-hour", "short", format="#,##0.#", locale=ui_language())
    return text


def minutes_label(minutes: int) -> str:
    return format_unit(minutes, "duration-minute", "short", locale=ui_language())


@bp.context_processor
def _course_helpers() -> dict[str, Any]:
    return {
        "language_name": language_name,
        "markdown": markdown,
        "item_url": item_url,
        "hours": hours,
        "minutes_label": minutes_label,
        "item_panels": hooks.item_panels,
        "is_public": is_public,
        "can_manage_courses": can_manage_courses,
        "can_translate": can_translate,
    }
