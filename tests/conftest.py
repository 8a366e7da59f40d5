"""Shared fixtures: one app per session, each test in a transaction rolled back at the end.

The database is SQLite in a temporary folder, or PostgreSQL when
``TEST_DATABASE_URL`` is set (CI runs both).  The schema is built by running
the Alembic migrations, so every test run also proves they work.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy.orm import scoped_session, sessionmaker

from academy import create_app
from academy.core.accounts.models import User
from academy.extensions import db, limiter

SHARED = Path(__file__).resolve().parents[2] / "shared"


def test_settings(instance: Path, database_url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "ACADEMY_INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "ACADEMY_PRODUCTION": False,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": True,
        "MAIL_SEND_AFTER_REQUEST": False,
        # A fast hash for the many users tests create; production uses scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SERVER_NAME": "academy.test",
    }


def reset_database(url: str) -> None:
    """Empty a PostgreSQL test database so migrations start from nothing."""
    if not url.startswith("postgresql"):
        return
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        reset_database(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(test_settings(instance, database_url))
    with application.app_context():
        upgrade(directory=application.extensions["migrate"].directory, revision="heads")
        db.session.remove()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(app: Flask) -> Iterator[None]:
    """Run the test inside a transaction that is rolled back afterwards."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = scoped_session(  # type: ignore[assignment]
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        )
        limiter.reset()
        try:
            yield
        finally:
            db.session.remove()
            db.session = original  # type: ignore[assignment]
            outer.rollback()
            connection.close()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    with app.test_request_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def login(client: FlaskClient, user: User) -> FlaskClient:
    """Sign ``user`` in on ``client`` without going through the form."""
    with client.session_transaction() as session:
        session["_user_id"] = user.login_id
        session["_fresh"] = True
    return client


@pytest.fixture
def csrf_enabled(app: Flask) -> Iterator[None]:
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def shared_samples() -> Path:
    """The interoperability samples beside the project; skip when absent."""
    path = SHARED / "samples"
    if not path.is_dir():
        pytest.skip("../shared/samples is not available on this machine")
    return path
