"""Receivers of core signals: load the built-in course packages at ``academy init``."""

from __future__ import annotations

from typing import Any

from flask import current_app

from academy.core.plugins import is_enabled
from academy.plugins.packages.publishers import ensure_self_publisher
from academy.plugins.packages.services import load_builtin_courses
from academy.plugins.packages.signing import instance_signer


def on_instance_initialised(_sender: Any, *, load_courses: bool, **_: object) -> list[str]:
    """Install or upgrade the courses under courses/ unless ``--no-courses``; lines to print.

    Runs inside ``academy init``'s application context and transaction.  Connected
    for any sender (init sends the ``current_app`` proxy), so it checks that this
    plugin is enabled in the running app.
    """
    if not is_enabled(current_app, "packages"):
        return []
    ensure_self_publisher(instance_signer(current_app))
    if not load_courses:
        return ["Built-in courses left out (--no-courses)"]
    return load_builtin_courses()
