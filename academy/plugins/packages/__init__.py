"""Course packages: build, sign, verify, import, upgrade and export."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from academy.core.plugins import Plugin
from academy.plugins.packages.cli import packages_group, publishers_group
from academy.plugins.packages.permissions import can_manage_packages
from academy.plugins.packages.views import bp


def setup(app: Flask) -> None:
    """Register the publishers commands and load built-in courses at ``academy init``."""
    from academy.core.signals import instance_initialised
    from academy.plugins.packages.receivers import on_instance_initialised

    app.cli.add_command(publishers_group)
    instance_initialised.connect(on_instance_initialised)


plugin = Plugin(
    name="packages",
    title=_l("Course packages"),
    requires=("courses",),
    blueprint=bp,
    cli=packages_group,
    setup=setup,
    nav=(("packages.index", _l("Course packages"), can_manage_packages),),
)
