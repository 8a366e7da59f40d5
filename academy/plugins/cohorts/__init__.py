"""Cohorts: groups that take a course together, enrolment modes, waiting lists and selection."""

from flask_babel import lazy_gettext as _l

from academy.core.plugins import Plugin

plugin = Plugin(name="cohorts", title=_l("Cohorts"), requires=("courses",))
