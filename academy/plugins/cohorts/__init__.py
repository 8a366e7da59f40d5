"""Cohorts: groups that take a course together, enrolment modes, waiting lists and selection."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from academy.core.plugins import Plugin
from academy.plugins.cohorts import manage, moderate, pages, selection_views
from academy.plugins.cohorts.access import is_cohort_staff
from academy.plugins.cohorts.api import bp as api_bp
from academy.plugins.cohorts.blueprint import bp
from academy.plugins.cohorts.cli import cohorts_group
from academy.plugins.cohorts.permissions import can_manage_cohorts

__all__ = ["plugin"]
_VIEW_MODULES = (pages, moderate, manage, selection_views)  # imported for their routes


def setup(app: Flask) -> None:
    """Connect the receivers: expertise fields at init, demo cohorts, privacy."""
    from academy.core.signals import (
        demo_requested,
        instance_initialised,
        user_data_export,
        user_deleted,
    )
    from academy.plugins.cohorts import receivers

    instance_initialised.connect(receivers.on_instance_initialised)
    demo_requested.connect(receivers.on_demo_requested)
    user_deleted.connect(receivers.on_user_deleted)
    user_data_export.connect(receivers.on_user_data_export)


plugin = Plugin(
    name="cohorts",
    title=_l("Cohorts"),
    requires=("courses",),
    blueprint=bp,
    api_blueprint=api_bp,
    cli=cohorts_group,
    setup=setup,
    nav=(
        ("cohorts.index", _l("Cohorts"), None),
        ("cohorts.mine", _l("My cohorts"), is_cohort_staff),
        ("cohorts.manage", _l("Manage cohorts"), can_manage_cohorts),
    ),
)
