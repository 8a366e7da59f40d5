"""Fixtures for the core tests: fresh applications of their own.

``make_app`` builds an application on its own SQLite file, for tests that need
routes, plugins or settings the shared session ``app`` must not get.  While it
is in use, ``db.session`` follows the current application again (the shared
test transaction is set aside), so such tests must not use the shared ``app``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Blueprint, Flask, g, request_started
from flask_migrate import upgrade

from academy import create_app
from academy.extensions import db
from tests.conftest import test_settings as settings_for

MakeApp = Callable[..., Flask]


def _forget_request_globals(sender: Flask, **_extra: Any) -> None:
    """Each real request has its own ``g``; the tests' shared app context must not leak it."""
    g.__dict__.clear()


@pytest.fixture(scope="session")
def app(app: Flask) -> Flask:
    """The shared app; each request starts with an empty ``g``."""
    request_started.connect(_forget_request_globals, app)
    return app


def migrate_to_head(application: Flask) -> None:
    with application.app_context():
        upgrade(directory=application.extensions["migrate"].directory, revision="heads")
        db.session.remove()


@pytest.fixture
def make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MakeApp]:
    """A factory of fresh apps, each with its own instance folder and SQLite file."""
    made: list[Flask] = []
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))

    def factory(
        *,
        migrate: bool = True,
        plugins: list[str] | None = None,
        blueprints: Iterable[tuple[Blueprint, str | None]] = (),
        **overrides: Any,
    ) -> Flask:
        folder = tmp_path / f"app{len(made)}"
        settings = settings_for(folder, f"sqlite:///{folder / 'academy.sqlite'}") | overrides
        application = create_app(settings, plugins=plugins)
        for blueprint, prefix in blueprints:
            application.register_blueprint(blueprint, url_prefix=prefix)
        made.append(application)
        if migrate:
            migrate_to_head(application)
        return application

    yield factory
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
