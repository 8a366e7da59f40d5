"""Academy: an open e-learning platform for local and regional governments."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from academy.config import load_config

__all__ = ["create_app"]


def create_app(
    config_overrides: dict[str, Any] | None = None, plugins: list[str] | None = None
) -> Flask:
    """Build the application.  ``plugins`` replaces ``ACADEMY_PLUGINS`` when given."""
    settings = load_config(config_overrides)
    if plugins is not None:
        settings["ACADEMY_PLUGINS"] = list(plugins)
    app = Flask(__name__, instance_path=settings["ACADEMY_INSTANCE_PATH"])
    app.config.update(settings)
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("academy").setLevel(logging.INFO)

    from academy.core import setup

    setup.init_core(app)
    from academy.core.plugins import register_plugins

    register_plugins(app, app.config["ACADEMY_PLUGINS"])
    return app
