"""Security basics: headers, cookies, safe redirects, SQLite set-up, one transaction per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Blueprint, Flask, redirect
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from academy.config import load_config
from academy.core.accounts.models import Organisation, Role
from academy.core.errors import DomainError
from academy.core.urls import safe_next_url
from academy.extensions import db
from tests.conftest import login
from tests.factories import make_organisation, make_user

# -- headers on every HTML page -----------------------------------------------------------


def assert_secure_headers(response: TestResponse, where: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert csp, f"{where}: no Content-Security-Policy"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"], where
    assert directives["script-src"] == ["'self'"], where
    assert directives["object-src"] == ["'none'"], where
    assert directives["frame-ancestors"] == ["'none'"], where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy") in {"same-origin", "no-referrer", "strict-origin"}, where


def html_pages(app: Flask) -> list[str]:
    """Every page without URL arguments, outside the API and static files."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or set())
        and not rule.arguments
        and not rule.rule.startswith(("/api/", "/static"))
    )


@pytest.mark.parametrize("who", ["anonymous", "learner", "admin"])
def test_every_html_page_has_the_security_headers(
    app: Flask, client: FlaskClient, who: str
) -> None:
    if who != "anonymous":
        user = make_user(roles=(Role(who),))
        db.session.commit()
        login(client, user)
    checked = 0
    for path in [*html_pages(app), "/no-such-page"]:
        response = client.get(path)
        if response.mimetype == "text/html":
            assert_secure_headers(response, f"{who} GET {path} ({response.status_code})")
            checked += 1
    assert checked >= 3


def test_error_and_form_pages_have_the_headers(client: FlaskClient) -> None:
    user = make_user()
    db.session.commit()
    login(client, user)
    responses = {
        "405": client.post("/"),
        "422 form": client.post("/account/tokens", data={"name": ""}),
        "404 revoke": client.post("/account/tokens/424242/revoke"),
    }
    for where, response in responses.items():
        assert response.mimetype == "text/html", where
        assert_secure_headers(response, where)


def test_api_responses_are_not_sniffed(client: FlaskClient) -> None:
    for path in ("/api/v1/openapi.json", "/api/v1/me"):
        assert client.get(path).headers["X-Content-Type-Options"] == "nosniff"


# -- cookies ------------------------------------------------------------------------------


def test_production_cookie_settings(tmp_path: Any) -> None:
    settings = load_config({"ACADEMY_INSTANCE_PATH": str(tmp_path), "ACADEMY_PRODUCTION": True})
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] in {"Lax", "Strict"}
    assert settings["REMEMBER_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_HTTPONLY"] is True
    assert settings["WTF_CSRF_ENABLED"] is True


def test_production_cookies_are_sent_secure(make_app: Any) -> None:
    application = make_app(migrate=False, ACADEMY_PRODUCTION=True, SESSION_COOKIE_SECURE=True)
    response = application.test_client().post("/language", data={"language": "fr", "next": "/"})
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 2
    for cookie in cookies:
        flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
        assert {"secure", "httponly", "samesite"} <= flags, cookie
        assert "samesite=lax" in cookie.lower() or "samesite=strict" in cookie.lower()


# -- safe redirects -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "//evil.example",
        "///evil.example",
        "https://evil.example/",
        "http://academy.test.evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,hello",
        "evil.example/path",
        " /courses",
    ],
)
def test_safe_next_url_refuses_other_sites(app_ctx: Flask, target: str | None) -> None:
    assert safe_next_url(target) == "/"


@pytest.mark.parametrize("target", ["/courses?x=1", "/", "/account/tokens#new", "/a/b/c?d=e&f=g"])
def test_safe_next_url_accepts_local_paths(app_ctx: Flask, target: str) -> None:
    assert safe_next_url(target) == target


# -- SQLite connections -------------------------------------------------------------------


def test_sqlite_connection_settings(app: Flask) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    connection = db.session.connection()

    def pragma(name: str) -> Any:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

    assert pragma("foreign_keys") == 1
    assert str(pragma("journal_mode")).lower() == "wal"
    assert pragma("busy_timeout") > 0


# -- one transaction per request ----------------------------------------------------------


def _transaction_test_pages() -> Blueprint:
    bp = Blueprint("txtest", __name__, url_prefix="/txtest")

    def add() -> None:
        make_organisation("Written by the request")

    @bp.get("/read")
    def read() -> str:
        return str(db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)))

    @bp.post("/ok")
    def ok() -> str:
        add()
        return "ok"

    @bp.post("/redirect")
    def moved() -> Any:
        add()
        return redirect("/")

    @bp.post("/invalid")
    def invalid() -> Any:
        add()
        return "the form had errors", 422

    @bp.post("/refused")
    def refused() -> str:
        add()
        raise DomainError("Refused by a rule.")

    @bp.post("/crash")
    def crash() -> str:
        add()
        raise RuntimeError("bug")

    return bp


@pytest.fixture
def tx_app(make_app: Any) -> Flask:
    return make_app(blueprints=[(_transaction_test_pages(), None)], PROPAGATE_EXCEPTIONS=False)


def organisations(application: Flask) -> int:
    with application.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) or 0


@pytest.mark.parametrize(
    ("path", "status", "kept"),
    [
        ("/txtest/ok", 200, 1),
        ("/txtest/redirect", 302, 1),
        ("/txtest/invalid", 422, 0),
        ("/txtest/refused", 400, 0),
        ("/txtest/crash", 500, 0),
    ],
)
def test_request_commits_only_when_it_succeeds(
    tx_app: Flask, path: str, status: int, kept: int
) -> None:
    response = tx_app.test_client().post(path)
    assert response.status_code == status
    assert organisations(tx_app) == kept


@pytest.fixture
def begins(tx_app: Flask) -> Iterator[list[str]]:
    """The BEGIN statements the fresh app's engine runs."""
    seen: list[str] = []

    def listener(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.upper().startswith("BEGIN"):
            seen.append(statement.upper())

    with tx_app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


def test_writing_requests_take_the_sqlite_write_lock_up_front(
    tx_app: Flask, begins: list[str]
) -> None:
    client = tx_app.test_client()
    assert client.get("/txtest/read").status_code == 200
    assert begins == ["BEGIN"]
    assert client.post("/txtest/ok").status_code == 200
    assert begins == ["BEGIN", "BEGIN IMMEDIATE"]
