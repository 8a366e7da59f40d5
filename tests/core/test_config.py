"""Typed configuration: defaults, environment overrides, and the secret key file."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from academy.config import FIRST_PARTY_PLUGINS, Config, environment_overrides, load_config


@pytest.fixture
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No Academy setting in the environment; returns monkeypatch to set some."""
    for key in list(os.environ):
        if key.startswith("ACADEMY_") or key in {"DATABASE_URL", "SECRET_KEY"}:
            monkeypatch.delenv(key)
    return monkeypatch


def test_defaults_are_production_safe(clean_environ: Any, tmp_path: Path) -> None:
    settings = load_config({"ACADEMY_INSTANCE_PATH": str(tmp_path)})
    assert settings["ACADEMY_PRODUCTION"] is True
    assert settings["WTF_CSRF_ENABLED"] is True
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["ACADEMY_PLUGINS"] == list(FIRST_PARTY_PLUGINS)
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'academy.sqlite'}"


def test_instance_path_is_absolute(clean_environ: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_environ.chdir(tmp_path)
    settings = load_config({"ACADEMY_INSTANCE_PATH": "relative/instance"})
    assert settings["ACADEMY_INSTANCE_PATH"] == str(tmp_path / "relative" / "instance")
    assert Path(load_config()["ACADEMY_INSTANCE_PATH"]) == tmp_path / "instance"


def test_environment_overrides() -> None:
    overrides = environment_overrides(
        {
            "DATABASE_URL": "postgresql://u:p@db/academy",
            "SECRET_KEY": "from-the-environment",
            "ACADEMY_PLUGINS": " courses, cohorts,,learning ",
            "ACADEMY_PRODUCTION": "no",
            "ACADEMY_MAIL_USE_TLS": "ON",
            "ACADEMY_MAIL_PORT": "2525",
            "ACADEMY_API_PAGE_SIZE_MAX": "50",
            "ACADEMY_NAME": "Province Academy",
            "ACADEMY_RATELIMIT_STORAGE_URI": "redis://cache:6379/0",
            "ACADEMY_WTF_CSRF_TIME_LIMIT": "3600",
            "MAIL_SERVER": "ignored: no ACADEMY_ prefix",
            "ACADEMY_NOT_A_SETTING": "ignored",
            "HOME": "/root",
        }
    )
    assert overrides == {
        "SQLALCHEMY_DATABASE_URI": "postgresql://u:p@db/academy",
        "SECRET_KEY": "from-the-environment",
        "ACADEMY_PLUGINS": ["courses", "cohorts", "learning"],
        "ACADEMY_PRODUCTION": False,
        "MAIL_USE_TLS": True,
        "MAIL_PORT": 2525,
        "API_PAGE_SIZE_MAX": 50,
        "ACADEMY_NAME": "Province Academy",
        "RATELIMIT_STORAGE_URI": "redis://cache:6379/0",
        "WTF_CSRF_TIME_LIMIT": 3600,
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", []), ('["courses", "cohorts"]', ["courses", "cohorts"]), ("courses", ["courses"])],
)
def test_plugin_list_forms(value: str, expected: list[str]) -> None:
    assert environment_overrides({"ACADEMY_PLUGINS": value}) == {"ACADEMY_PLUGINS": expected}


@pytest.mark.parametrize("value", ["1", "true", "Yes", "on"])
def test_true_values(value: str) -> None:
    assert environment_overrides({"ACADEMY_MAIL_USE_SSL": value}) == {"MAIL_USE_SSL": True}


@pytest.mark.parametrize("value", ["0", "false", "NO", "off"])
def test_false_values(value: str) -> None:
    assert environment_overrides({"ACADEMY_MAIL_USE_SSL": value}) == {"MAIL_USE_SSL": False}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ACADEMY_PRODUCTION", "maybe"),
        ("ACADEMY_PRODUCTION", ""),
        ("ACADEMY_MAIL_PORT", "twenty-five"),
        ("ACADEMY_WTF_CSRF_TIME_LIMIT", "an hour"),
    ],
)
def test_malformed_value_names_the_variable(key: str, value: str) -> None:
    with pytest.raises(ValueError, match=f"environment variable {key}"):
        environment_overrides({key: value})


def test_precedence(clean_environ: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_environ.setenv("ACADEMY_NAME", "From the environment")
    clean_environ.setenv("ACADEMY_MAIL_PORT", "25")
    settings = load_config({"ACADEMY_INSTANCE_PATH": str(tmp_path), "MAIL_PORT": 465})
    assert settings["ACADEMY_NAME"] == "From the environment"
    assert settings["MAIL_PORT"] == 465
    assert settings["MAIL_MAX_ATTEMPTS"] == Config().MAIL_MAX_ATTEMPTS


def test_environment_is_read_when_loading(
    clean_environ: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_environ.setenv("DATABASE_URL", "sqlite:////srv/academy/db.sqlite")
    clean_environ.setenv("SECRET_KEY", "s3cret")
    clean_environ.setenv("ACADEMY_INSTANCE_PATH", str(tmp_path))
    clean_environ.setenv("ACADEMY_PLUGINS", "")
    settings = load_config()
    assert settings["SQLALCHEMY_DATABASE_URI"] == "sqlite:////srv/academy/db.sqlite"
    assert settings["SECRET_KEY"] == "s3cret"
    assert settings["ACADEMY_INSTANCE_PATH"] == str(tmp_path)
    assert settings["ACADEMY_PLUGINS"] == []


def test_malformed_environment_stops_loading(clean_environ: pytest.MonkeyPatch) -> None:
    clean_environ.setenv("ACADEMY_RATELIMIT_ENABLED", "perhaps")
    with pytest.raises(ValueError, match="ACADEMY_RATELIMIT_ENABLED"):
        load_config()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@db:5432/academy", "postgresql+psycopg://u:p@db:5432/academy"),
        ("postgresql://u:p@db/academy", "postgresql+psycopg://u:p@db/academy"),
        ("postgresql+psycopg://u:p@db/academy", "postgresql+psycopg://u:p@db/academy"),
        ("sqlite:////srv/academy.sqlite", "sqlite:////srv/academy.sqlite"),
    ],
)
def test_database_url_rewriting(
    clean_environ: pytest.MonkeyPatch, tmp_path: Path, url: str, expected: str
) -> None:
    clean_environ.setenv("DATABASE_URL", url)
    settings = load_config({"ACADEMY_INSTANCE_PATH": str(tmp_path)})
    assert settings["SQLALCHEMY_DATABASE_URI"] == expected


def test_development_mode_relaxes_secure_cookies(tmp_path: Path) -> None:
    settings = load_config({"ACADEMY_INSTANCE_PATH": str(tmp_path), "ACADEMY_PRODUCTION": False})
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["REMEMBER_COOKIE_SECURE"] is False
    assert settings["SESSION_COOKIE_HTTPONLY"] is True


# -- the secret key -----------------------------------------------------------------------


def test_secret_key_file_is_created_private(make_app: Any) -> None:
    application = make_app(migrate=False, SECRET_KEY="")
    key_file = Path(application.instance_path) / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert application.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(application.config["SECRET_KEY"]) >= 32


def test_secret_key_file_is_kept(make_app: Any) -> None:
    first = make_app(migrate=False, SECRET_KEY="")
    again = make_app(migrate=False, SECRET_KEY="", ACADEMY_INSTANCE_PATH=first.instance_path)
    assert again.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_configured_secret_key_writes_no_file(make_app: Any) -> None:
    application = make_app(migrate=False, SECRET_KEY="configured")
    assert application.config["SECRET_KEY"] == "configured"
    assert not (Path(application.instance_path) / "secret_key").exists()


def test_overrides_reach_the_app(make_app: Any) -> None:
    application = make_app(migrate=False, ACADEMY_NAME="Regional Academy", API_PAGE_SIZE_MAX=7)
    assert application.config["ACADEMY_NAME"] == "Regional Academy"
    assert application.config["API_PAGE_SIZE_MAX"] == 7
