"""Wire the core into an application: extensions, database, blueprints, hooks."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from academy.core.db import configure_sqlite
from academy.extensions import babel, csrf, db, limiter, login_manager, migrate


def _secret_key(app: Flask) -> str:
    """SECRET_KEY from config, else a key file kept in the instance folder (0600)."""
    if app.config["SECRET_KEY"]:
        return str(app.config["SECRET_KEY"])
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def init_core(app: Flask) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SECRET_KEY"] = _secret_key(app)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app)
    from academy.core.models import import_all_models

    import_all_models()

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parents[2] / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, app.config["ACADEMY_SQLITE_BUSY_TIMEOUT_MS"])

    from academy.core import i18n, transaction, web
    from academy.core.accounts import auth
    from academy.core.accounts.views import bp as account_bp
    from academy.core.admin.views import bp as admin_bp
    from academy.core.api import init_api
    from academy.core.api.token_views import bp as token_bp
    from academy.core.cli import register_cli
    from academy.core.urls import refuse_impossible_ids

    app.url_value_preprocessor(refuse_impossible_ids)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    auth.init_app(app)
    transaction.init_app(app)
    web.init_app(app)
    app.register_blueprint(account_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(token_bp)
    init_api(app)
    register_cli(app)


def engine_options(app: Flask) -> dict[str, object]:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        return {"connect_args": {"check_same_thread": False, "timeout": 15}}
    return {"pool_pre_ping": True}
