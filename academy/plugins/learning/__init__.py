"""Learning: lesson player, quiz attempts, assignments, progress and dashboards."""

from flask_babel import lazy_gettext as _l

from academy.core.plugins import Plugin

plugin = Plugin(name="learning", title=_l("Learning"), requires=("courses", "cohorts"))
