"""Learning: lesson player, quiz attempts, assignments, progress and dashboards."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from academy.core.permissions import is_signed_in
from academy.core.plugins import Plugin
from academy.plugins.learning import moderate, views
from academy.plugins.learning.api import bp as api_bp
from academy.plugins.learning.blueprint import bp

_VIEW_MODULES = (views, moderate)  # imported for their routes


def setup(app: Flask) -> None:
    from academy.core.signals import course_upgraded, user_data_export, user_deleted
    from academy.plugins.courses.hooks import register_item_panel
    from academy.plugins.learning import receivers

    course_upgraded.connect(receivers.on_course_upgraded)
    user_data_export.connect(receivers.on_user_data_export)
    user_deleted.connect(receivers.on_user_deleted)
    if "courses" in app.blueprints:
        register_item_panel(app, receivers.lesson_panel)


plugin = Plugin(
    name="learning",
    title=_l("Learning"),
    requires=("courses", "cohorts"),
    blueprint=bp,
    api_blueprint=api_bp,
    setup=setup,
    nav=(("learning.mine", _l("My learning"), is_signed_in),),
)
