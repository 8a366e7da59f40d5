"""Choosing the interface language: switcher, browser, and the signed-in user's preference."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from academy.core.accounts.models import User
from academy.core.i18n import COOKIE
from academy.extensions import db
from tests.conftest import login
from tests.factories import make_user

HTML_LANG = re.compile(r'<html lang="([^"]+)"')


def page_language(client: FlaskClient, path: str = "/", **headers: str) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    found = HTML_LANG.search(response.get_data(as_text=True))
    assert found is not None
    return found.group(1)


def switch(client: FlaskClient, language: str, next_url: str | None = "/") -> TestResponse:
    data = {"language": language}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/language", data=data)


def language_cookie(response: TestResponse) -> str | None:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{COOKIE}="):
            return header.split(";")[0].split("=", 1)[1]
    return None


def test_default_language_is_english(client: FlaskClient) -> None:
    assert page_language(client) == "en"


def test_switcher_sets_cookie_and_session(client: FlaskClient) -> None:
    response = switch(client, "fr", "/")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/"
    assert language_cookie(response) == "fr"
    with client.session_transaction() as session:
        assert session["locale"] == "fr"
    assert page_language(client) == "fr"


def test_cookie_alone_keeps_the_choice(client: FlaskClient) -> None:
    switch(client, "es")
    with client.session_transaction() as session:
        session.clear()
    assert page_language(client) == "es"


def test_switcher_goes_back_to_the_page(client: FlaskClient) -> None:
    response = switch(client, "pt", "/courses?x=1")
    location = urlsplit(response.headers["Location"])
    assert (location.path, location.query) == ("/courses", "x=1")


@pytest.mark.parametrize(
    "next_url",
    [None, "", "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"],
)
def test_switcher_never_redirects_off_site(client: FlaskClient, next_url: str | None) -> None:
    response = switch(client, "fr", next_url)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc in {"", "academy.test"}
    assert location.path == "/"


@pytest.mark.parametrize("code", ["xx", "de", "", "fr-FR", "../en"])
def test_unsupported_language_is_ignored(client: FlaskClient, code: str) -> None:
    switch(client, "pt")
    response = switch(client, code)
    assert response.status_code == 302
    assert language_cookie(response) is None
    with client.session_transaction() as session:
        assert session["locale"] == "pt"
    assert page_language(client) == "pt"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("es", "es"),
        ("de-DE,de;q=0.9,fr;q=0.8,en;q=0.5", "fr"),
        ("pt-BR,pt;q=0.9", "pt"),
        ("mn-MN", "mn"),
        ("de, it", "en"),
    ],
)
def test_browser_language(client: FlaskClient, accept: str, expected: str) -> None:
    assert page_language(client, **{"Accept-Language": accept}) == expected


def test_switcher_wins_over_the_browser(client: FlaskClient) -> None:
    switch(client, "mn")
    assert page_language(client, **{"Accept-Language": "fr"}) == "mn"


def test_saved_preference_wins(client: FlaskClient) -> None:
    user = make_user(locale="mn")
    db.session.commit()
    switch(client, "fr")
    login(client, user)
    assert page_language(client, **{"Accept-Language": "es"}) == "mn"


def test_switching_when_signed_in_saves_the_preference(client: FlaskClient) -> None:
    user = make_user(locale="en")
    user_id = user.id
    db.session.commit()
    login(client, user)
    switch(client, "es")
    db.session.expire_all()
    assert db.session.get(User, user_id).locale == "es"
    assert page_language(client) == "es"


def test_unsupported_code_leaves_the_preference(client: FlaskClient) -> None:
    user = make_user(locale="fr")
    user_id = user.id
    db.session.commit()
    login(client, user)
    switch(client, "xx")
    db.session.expire_all()
    assert db.session.get(User, user_id).locale == "fr"


@pytest.mark.usefixtures("csrf_enabled")
def test_switcher_needs_the_csrf_token(client: FlaskClient) -> None:
    response = switch(client, "fr")
    assert response.status_code == 400
    assert language_cookie(response) is None
    assert page_language(client) == "en"


@pytest.mark.usefixtures("csrf_enabled")
def test_switcher_form_on_the_page_works(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token is not None
    response = client.post(
        "/language", data={"language": "fr", "next": "/", "csrf_token": token.group(1)}
    )
    assert response.status_code == 302
    assert page_language(client) == "fr"
