"""The Alembic history: it matches the models, and goes up, down and up again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade

from academy.extensions import db


def script_directory(application: Flask) -> ScriptDirectory:
    folder = application.extensions["migrate"].directory
    config = AlembicConfig(str(Path(folder) / "alembic.ini"))
    config.set_main_option("script_location", folder)
    return ScriptDirectory.from_config(config)


def test_one_linear_history(app: Flask) -> None:
    scripts = script_directory(app)
    assert len(scripts.get_heads()) == 1
    assert len(scripts.get_bases()) == 1


def test_models_and_migrations_agree(app: Flask) -> None:
    """What autogenerate would write now is nothing: no model change lacks a migration."""
    options = app.extensions["migrate"].configure_args
    context = MigrationContext.configure(db.session.connection(), opts=dict(options))
    assert compare_metadata(context, db.metadata) == []


def test_database_is_at_head(app: Flask) -> None:
    context = MigrationContext.configure(db.session.connection())
    assert set(context.get_current_heads()) == set(script_directory(app).get_heads())


def tables(application: Flask) -> set[str]:
    with application.app_context():
        names = set(sa.inspect(db.engine).get_table_names())
        db.engine.dispose()
    return names


def test_upgrade_downgrade_upgrade(make_app: Any) -> None:
    application = make_app(migrate=False)
    directory = application.extensions["migrate"].directory
    with application.app_context():
        upgrade(directory=directory, revision="heads")
    at_head = tables(application)
    assert set(db.metadata.tables) <= at_head
    with application.app_context():
        downgrade(directory=directory, revision="base")
    assert tables(application) <= {"alembic_version"}
    with application.app_context():
        upgrade(directory=directory, revision="heads")
    assert tables(application) == at_head
