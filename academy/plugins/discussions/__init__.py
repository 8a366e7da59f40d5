"""Discussions: each cohort's boards, threads and posts, moderation and announcements.

For other plugins (the learners' dashboard): ``services.announcements_for(user)``,
``services.unread_notifications(user)`` and the ``dashboard_panel`` macro in
``templates/discussions/_dashboard.html``.  See docs/discussions.md.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from academy.core.permissions import is_signed_in
from academy.core.plugins import Plugin
from academy.plugins.discussions import moderator_views, notification_views, views
from academy.plugins.discussions.api import api_bp
from academy.plugins.discussions.blueprint import bp
from academy.plugins.discussions.cli import discussions_group

__all__ = ["plugin"]
_VIEW_MODULES = (views, moderator_views, notification_views)  # imported for their routes


def setup(app: Flask) -> None:
    """Settings, the receivers of core signals, and the panel on lesson pages."""
    from academy.core.signals import user_data_export, user_deleted
    from academy.plugins.courses.hooks import register_item_panel
    from academy.plugins.discussions.panels import lesson_panel
    from academy.plugins.discussions.receivers import on_user_data_export, on_user_deleted
    from academy.plugins.discussions.settings import init_settings

    init_settings(app)
    user_deleted.connect(on_user_deleted)
    user_data_export.connect(on_user_data_export)
    register_item_panel(app, lesson_panel)
    if "learning" in app.blueprints:
        from academy.plugins.discussions.dashboard import dashboard_panel
        from academy.plugins.learning.hooks import register_dashboard_panel

        register_dashboard_panel(app, dashboard_panel)


plugin = Plugin(
    name="discussions",
    title=_l("Discussions"),
    requires=("courses", "cohorts"),
    blueprint=bp,
    api_blueprint=api_bp,
    cli=discussions_group,
    setup=setup,
    nav=(
        ("discussions.index", _l("Discussions"), is_signed_in),
        ("discussions.notifications", _l("Notifications"), is_signed_in),
    ),
)
