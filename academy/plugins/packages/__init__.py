"""Course packages: build, sign, verify, import, upgrade and export."""

from flask_babel import lazy_gettext as _l

from academy.core.plugins import Plugin

plugin = Plugin(name="packages", title=_l("Course packages"), requires=("courses",))
