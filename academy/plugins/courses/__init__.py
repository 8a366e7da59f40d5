"""Courses: catalogue, syllabus, lessons, quizzes and assignments, in several languages."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from academy.core.plugins import Plugin
from academy.plugins.courses import hooks, manage, translate, views
from academy.plugins.courses.blueprint import bp
from academy.plugins.courses.cli import courses_group
from academy.plugins.courses.permissions import can_manage_courses

__all__ = ["plugin"]
_VIEW_MODULES = (views, manage, translate)  # imported for their routes


def setup(app: Flask) -> None:
    """Prepare the registry of lesson-page panels other plugins add to."""
    hooks.init_app(app)


plugin = Plugin(
    name="courses",
    title=_l("Courses"),
    blueprint=bp,
    cli=courses_group,
    setup=setup,
    nav=(
        ("courses.catalogue", _l("Courses"), None),
        ("courses.manage", _l("Manage courses"), can_manage_courses),
    ),
)
