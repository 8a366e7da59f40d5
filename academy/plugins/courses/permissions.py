"""Who may do what with courses: named permissions used by views, templates and the CLI."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from academy.core.accounts.models import Role
from academy.core.permissions import role_permission
from academy.plugins.courses.models import Course

can_manage_courses = role_permission(
    "can_manage_courses",
    _l("Managing courses is for academy managers and administrators."),
    Role.MANAGER,
    Role.ADMIN,
)
can_translate = role_permission(
    "can_translate",
    _l("Translating courses is for academy managers and administrators."),
    Role.MANAGER,
    Role.ADMIN,
)


def is_public(course: Course) -> bool:
    """A published course that is not archived: anyone may read it."""
    return course.published and course.archived_at is None


def can_view_course(user: Any, course: Course) -> bool:
    """Anyone for a public course; managers also see unpublished and archived ones."""
    return is_public(course) or can_manage_courses(user)
