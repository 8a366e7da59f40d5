"""Typed configuration defaults and their environment overrides.

One ``Config`` object holds every setting with its default.  ``load_config``
layers, in order: defaults, environment variables, then the overrides given
to ``create_app``.  Nothing here is read at import time by other modules.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIRST_PARTY_PLUGINS: tuple[str, ...] = (
    "courses",
    "packages",
    "cohorts",
    "learning",
    "discussions",
    "certificates",
)
LANGUAGES: tuple[str, ...] = ("en", "fr", "pt", "es", "mn")
TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


@dataclass
class Config:
    """Every setting Academy reads, with its production-safe default."""

    SECRET_KEY: str = ""
    SQLALCHEMY_DATABASE_URI: str = ""
    ACADEMY_INSTANCE_PATH: str = ""
    ACADEMY_PLUGINS: list[str] = field(default_factory=lambda: list(FIRST_PARTY_PLUGINS))
    ACADEMY_NAME: str = "Academy"
    ACADEMY_BASE_URL: str = "http://127.0.0.1:5000"
    ACADEMY_PRODUCTION: bool = True
    ACADEMY_SQLITE_BUSY_TIMEOUT_MS: int = 15000
    # Languages offered in the interface, the first is the fallback.
    LANGUAGES: list[str] = field(default_factory=lambda: list(LANGUAGES))
    BABEL_DEFAULT_LOCALE: str = "en"
    BABEL_DEFAULT_TIMEZONE: str = "UTC"
    # Mail: the outbox always stores; SMTP sends when MAIL_SERVER is set.
    MAIL_SERVER: str = ""
    MAIL_PORT: int = 587
    MAIL_USERNAME: str = ""
    MAIL_PASSWORD: str = ""
    MAIL_USE_TLS: bool = True
    MAIL_USE_SSL: bool = False
    MAIL_DEFAULT_SENDER: str = "academy@localhost"
    MAIL_MAX_ATTEMPTS: int = 8
    MAIL_SEND_AFTER_REQUEST: bool = True
    # Security
    WTF_CSRF_ENABLED: bool = True
    WTF_CSRF_TIME_LIMIT: int | None = None
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    SESSION_COOKIE_SECURE: bool = True
    REMEMBER_COOKIE_SECURE: bool = True
    REMEMBER_COOKIE_HTTPONLY: bool = True
    REMEMBER_COOKIE_SAMESITE: str = "Lax"
    PERMANENT_SESSION_LIFETIME: int = 60 * 60 * 24 * 14
    PASSWORD_MIN_LENGTH: int = 10
    PASSWORD_HASH_METHOD: str = "scrypt"  # noqa: S105 - a method name
    TOKEN_MAX_AGE_CONFIRM: int = 60 * 60 * 24 * 3
    TOKEN_MAX_AGE_RESET: int = 60 * 60 * 2
    RATELIMIT_ENABLED: bool = True
    RATELIMIT_STORAGE_URI: str = "memory://"
    RATELIMIT_LOGIN: str = "10 per minute;50 per hour"
    RATELIMIT_SIGNUP: str = "5 per minute;30 per hour"
    RATELIMIT_RESET: str = "5 per minute;20 per hour"
    RATELIMIT_HEADERS_ENABLED: bool = True
    MAX_CONTENT_LENGTH: int = 64 * 1024 * 1024
    API_PAGE_SIZE_MAX: int = 100
    # Serving
    SERVE_WORKERS: int = 0  # 0: 2 x cores + 1
    # Course packages: the publisher id this instance signs with ("" = "academy-<key id>"),
    # and the limits a package must keep (files, bytes per file, bytes in all, upload size).
    ACADEMY_PUBLISHER_ID: str = ""
    PACKAGE_MAX_FILES: int = 2000
    PACKAGE_MAX_FILE_BYTES: int = 50 * 1024 * 1024
    PACKAGE_MAX_TOTAL_BYTES: int = 200 * 1024 * 1024
    PACKAGE_UPLOAD_MAX_BYTES: int = 64 * 1024 * 1024
    # Learning: the size of a file handed in for an assignment, and when a learner is
    # "behind" on the moderator's dashboard (no activity for this many days).
    LEARNING_UPLOAD_MAX_BYTES: int = 10 * 1024 * 1024
    LEARNING_INACTIVE_DAYS: int = 14

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


_ENV_ALIASES = {
    "SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "ACADEMY_INSTANCE_PATH": "ACADEMY_INSTANCE_PATH",
    "ACADEMY_PLUGINS": "ACADEMY_PLUGINS",
    "ACADEMY_RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
}


def _coerce(value: str, default: Any, annotation: str = "") -> Any:
    """Turn an environment string into the setting's type (its default's, else its annotation's)."""
    if default is None and annotation.startswith("int"):
        return None if value.strip().lower() in {"", "none"} else int(value)
    if isinstance(default, bool):
        if value.lower() in {"1", "true", "yes", "on"}:
            return True
        if value.lower() in {"0", "false", "no", "off"}:
            return False
        raise ValueError(f"expected a yes/no value, got {value!r}")
    if isinstance(default, int):
        return int(value)
    if isinstance(default, list):
        value = value.strip()
        if value.startswith("["):
            return list(json.loads(value))
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def environment_overrides(environ: dict[str, str]) -> dict[str, Any]:
    """Settings found in the environment: aliases above, and ACADEMY_<SETTING>."""
    defaults = Config()
    overrides: dict[str, Any] = {}
    annotations = {f.name: str(f.type) for f in dataclasses.fields(Config)}
    names = set(annotations)
    for key, value in environ.items():
        target = _ENV_ALIASES.get(key)
        if target is None and key.startswith("ACADEMY_") and key[8:] in names:
            target = key[8:]
        if target is None and key.startswith("ACADEMY_") and key in names:
            target = key
        if target is None:
            continue
        try:
            overrides[target] = _coerce(value, getattr(defaults, target), annotations[target])
        except ValueError as exc:
            raise ValueError(f"environment variable {key}: {exc}") from None
    return overrides


def default_instance_path() -> Path:
    return Path.cwd() / "instance"


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then environment, then explicit overrides, as a flat dict."""
    settings = Config().as_dict()
    settings.update(environment_overrides(dict(os.environ)))
    settings.update(overrides or {})
    instance = Path(settings["ACADEMY_INSTANCE_PATH"] or default_instance_path()).resolve()
    settings["ACADEMY_INSTANCE_PATH"] = str(instance)
    if not settings["SQLALCHEMY_DATABASE_URI"]:
        settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'academy.sqlite'}"
    url = settings["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgres://") or url.startswith("postgresql://"):
        settings["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + url.split("://", 1)[1]
    settings.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    if not settings["ACADEMY_PRODUCTION"]:
        settings["SESSION_COOKIE_SECURE"] = False
        settings["REMEMBER_COOKIE_SECURE"] = False
    return settings
