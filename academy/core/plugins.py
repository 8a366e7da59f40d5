"""The plugin registry: how a feature joins the application.

A plugin is a package exposing one :class:`Plugin` object named ``plugin``.
First-party plugins live in ``academy.plugins.<name>``; separately installed
ones are found through the ``academy.plugins`` entry-point group.  The
``ACADEMY_PLUGINS`` setting lists the enabled plugins; a plugin whose
requirements are not enabled is skipped with a warning, so switching any one
plugin off never stops the application from starting.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask

if TYPE_CHECKING:
    import click

    from academy.core.api.openapi import ApiDoc

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Plugin:
    """What a plugin contributes.  Only ``name`` and ``title`` are required."""

    name: str
    title: Any  # a lazy translated string
    requires: tuple[str, ...] = ()
    blueprint: Blueprint | None = None
    api_blueprint: Blueprint | None = None
    cli: click.Group | None = None
    setup: Callable[[Flask], None] | None = None
    api_doc: ApiDoc | None = None
    #: Top-level navigation entries: (endpoint, lazy label, permission or None).
    nav: tuple[tuple[str, Any, Any], ...] = field(default=())


class PluginError(RuntimeError):
    """A plugin named in ACADEMY_PLUGINS cannot be found or is malformed."""


def _installed_plugins() -> dict[str, str]:
    return {ep.name: ep.value for ep in entry_points(group="academy.plugins")}


def find_plugin(name: str) -> Plugin:
    """Import the plugin called ``name``: first-party first, then entry points."""
    installed = _installed_plugins()
    module_name = f"academy.plugins.{name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name or name not in installed:
            if exc.name == module_name:
                raise PluginError(f"unknown plugin {name!r}") from None
            raise
        module = importlib.import_module(installed[name].split(":")[0])
    plugin = getattr(module, "plugin", None)
    if not isinstance(plugin, Plugin) or plugin.name != name:
        raise PluginError(f"{module.__name__} does not define a Plugin named {name!r}")
    return plugin


def resolve(names: Iterable[str]) -> list[Plugin]:
    """Enabled plugins in dependency order; those missing a requirement are left out."""
    wanted = {name: find_plugin(name) for name in dict.fromkeys(names)}
    ordered: list[Plugin] = []
    state: dict[str, str] = {}

    def visit(name: str) -> bool:
        if state.get(name) == "done":
            return True
        if state.get(name) in {"visiting", "skipped"}:
            return False
        state[name] = "visiting"
        plugin = wanted[name]
        for requirement in plugin.requires:
            if requirement not in wanted or not visit(requirement):
                log.warning("plugin %s left out: it requires %s", name, requirement)
                state[name] = "skipped"
                return False
        state[name] = "done"
        ordered.append(plugin)
        return True

    for name in wanted:
        visit(name)
    return ordered


def register_plugins(app: Flask, names: Iterable[str]) -> list[Plugin]:
    """Register each enabled plugin's blueprints, CLI group and set-up hook."""
    plugins = resolve(names)
    for plugin in plugins:
        if plugin.blueprint is not None:
            app.register_blueprint(plugin.blueprint)
        if plugin.api_blueprint is not None:
            app.register_blueprint(plugin.api_blueprint, url_prefix="/api/v1")
        if plugin.cli is not None:
            app.cli.add_command(plugin.cli)
        if plugin.setup is not None:
            plugin.setup(app)
    app.extensions["academy_plugins"] = {plugin.name: plugin for plugin in plugins}
    return plugins


def enabled(app: Flask) -> dict[str, Plugin]:
    return app.extensions.get("academy_plugins", {})


def is_enabled(app: Flask, name: str) -> bool:
    return name in enabled(app)
