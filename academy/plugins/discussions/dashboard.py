"""The announcements panel on the learners' dashboard ("My learning", learning plugin)."""

from __future__ import annotations

from typing import Any

from flask import render_template_string
from markupsafe import Markup

from academy.plugins.discussions.services import announcements_for, unread_notifications

_PANEL = (
    '{% from "discussions/_dashboard.html" import dashboard_panel %}'
    "{{ dashboard_panel(announcements, unread) }}"
)


def dashboard_panel(user: Any) -> Markup:
    """Recent announcements of the user's cohorts and their unread notifications."""
    html = render_template_string(
        _PANEL, announcements=announcements_for(user), unread=unread_notifications(user)
    )
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template
