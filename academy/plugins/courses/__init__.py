"""Courses: catalogue, syllabus, lessons, quizzes and assignments, in several languages."""

from flask_babel import lazy_gettext as _l

from academy.core.plugins import Plugin

plugin = Plugin(name="courses", title=_l("Courses"))
