"""Named permission predicates, shared by views, templates and the API.

A :class:`Permission` is a predicate with a translated description of what it
requires; the 403 page shows that description.  Plugins define their own
(e.g. ``can_moderate(user, cohort)``) in their ``permissions.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import abort, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from academy.core.accounts.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Permission:
    name: str
    description: Any  # lazy string: "You need ... to ..."
    check: Callable[..., bool]

    def __call__(self, user: Any, obj: Any = None) -> bool:
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        if not user.is_active:
            return False
        return self.check(user) if obj is None else self.check(user, obj)


def role_permission(name: str, description: Any, *roles: Role) -> Permission:
    return Permission(name, description, lambda user, *_: user.has_role(*roles))


is_admin = role_permission("is_admin", _l("This page is for administrators."), Role.ADMIN)
can_manage_users = role_permission(
    "can_manage_users", _l("Managing users is for administrators."), Role.ADMIN
)
can_manage_organisations = role_permission(
    "can_manage_organisations",
    _l("Managing organisations is for administrators and academy managers."),
    Role.ADMIN,
    Role.MANAGER,
)
can_view_audit_log = role_permission(
    "can_view_audit_log", _l("The audit log is for administrators."), Role.ADMIN
)
is_signed_in = Permission("is_signed_in", _l("You need to sign in."), lambda user, *_: True)


def deny(permission: Permission) -> None:
    """Abort with 401 for anonymous users and 403 naming what is missing otherwise."""
    if not current_user.is_authenticated:
        abort(401)
    g.missing_permission = permission
    abort(403, description=str(permission.description))


def require(permission: Permission) -> Callable[[F], F]:
    """View decorator: the current user must hold ``permission`` (no object)."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not permission(current_user):
                deny(permission)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def check(permission: Permission, obj: Any = None) -> None:
    """Inside a loader: abort unless the current user holds ``permission`` on ``obj``."""
    if not permission(current_user, obj):
        deny(permission)


def user_can(user: User | Any, permission: Permission, obj: Any = None) -> bool:
    return permission(user, obj)
