"""Discussions: each cohort's boards, threads and posts, moderation and announcements."""

from flask_babel import lazy_gettext as _l

from academy.core.plugins import Plugin

plugin = Plugin(name="discussions", title=_l("Discussions"), requires=("courses", "cohorts"))
