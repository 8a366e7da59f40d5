"""Signing in and out through the pages."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from academy.core.accounts.models import User
from academy.extensions import db
from tests.conftest import login
from tests.factories import PASSWORD, make_user

GENERIC = "The email or password is not correct."


def sign_in(client: FlaskClient, user: User | str, password: str = PASSWORD, **extra: str):
    email = user if isinstance(user, str) else user.email
    return client.post("/account/login", data={"email": email, "password": password, **extra})


def signed_in_as(client: FlaskClient) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


def test_the_page_shows_the_form(client: FlaskClient) -> None:
    body = client.get("/account/login?next=/account/").get_data(as_text=True)
    assert 'name="password"' in body and 'name="remember"' in body
    assert 'value="/account/"' in body


def test_sign_in_rotates_the_session_and_records_the_time(
    client: FlaskClient, reload: Callable
) -> None:
    user = make_user()
    db.session.commit()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["locale"] = "fr"
    response = sign_in(client, user)
    assert response.status_code == 302 and urlsplit(response.location).path == "/"
    with client.session_transaction() as session:
        assert session["_user_id"] == user.login_id
        assert "planted" not in session and session["locale"] == "fr"
    assert reload(user).last_login_at is not None
    assert client.get("/account/").status_code == 200


def test_remember_me_sets_a_lasting_cookie(client: FlaskClient) -> None:
    user = make_user()
    sign_in(client, user)
    assert client.get_cookie("remember_token", domain="academy.test") is None
    client.post("/account/logout")
    sign_in(client, user, remember="y")
    assert client.get_cookie("remember_token", domain="academy.test") is not None


def test_next_leads_back_to_a_page_of_this_site(client: FlaskClient) -> None:
    user = make_user()
    response = client.post(
        "/account/login?next=/account/", data={"email": user.email, "password": PASSWORD}
    )
    assert urlsplit(response.location).path == "/account/"


@pytest.mark.parametrize(
    "target", ["//evil.example", "https://evil.example", "/\\evil.example", "http:/evil.example"]
)
def test_next_never_leads_to_another_site(client: FlaskClient, target: str) -> None:
    user = make_user()
    response = sign_in(client, user, next=target)
    assert response.status_code == 302
    parts = urlsplit(response.location)
    assert parts.path == "/" and parts.netloc in ("", "academy.test")
    client.post("/account/logout")
    response = client.post(
        "/account/login",
        query_string={"next": target},
        data={"email": user.email, "password": PASSWORD},
    )
    assert urlsplit(response.location).netloc in ("", "academy.test")


@pytest.mark.parametrize("case", ["wrong password", "unknown email", "deactivated"])
def test_refusals_share_one_message(client: FlaskClient, case: str) -> None:
    user = make_user()
    email, password = user.email, PASSWORD
    if case == "wrong password":
        password = "not the password"
    elif case == "unknown email":
        email = "nobody@example.org"
    else:
        user.active = False
    db.session.commit()
    response = sign_in(client, email, password)
    assert response.status_code == 422
    assert GENERIC in response.get_data(as_text=True)
    assert signed_in_as(client) is None


def test_unconfirmed_accounts_are_told_and_offered_a_new_link(client: FlaskClient) -> None:
    user = make_user(confirmed=False)
    db.session.commit()
    response = sign_in(client, user)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "confirm your email address" in body
    assert 'href="/account/resend-confirmation"' in body
    assert signed_in_as(client) is None


def test_signed_in_people_skip_the_form(client: FlaskClient) -> None:
    login(client, make_user())
    assert urlsplit(client.get("/account/login?next=/account/").location).path == "/account/"


def test_sign_out_is_a_post_and_ends_the_session(client: FlaskClient) -> None:
    user = make_user()
    sign_in(client, user, remember="y")
    client.post("/language", data={"language": "fr", "next": "/"})
    assert client.get("/account/logout").status_code == 405
    response = client.post("/account/logout")
    assert response.status_code == 302
    assert (
        signed_in_as(client) is None
        and client.get_cookie("remember_token", domain="academy.test") is None
    )
    assert client.get("/account/").status_code == 302
    assert '<html lang="fr"' in client.get("/").get_data(as_text=True)


def test_sign_in_is_rate_limited(client: FlaskClient, low_limit: Callable[[str], None]) -> None:
    low_limit("RATELIMIT_LOGIN")
    user = make_user()
    db.session.commit()
    for _ in range(2):
        assert sign_in(client, user, "not the password").status_code == 422
    assert sign_in(client, user).status_code == 429
    assert signed_in_as(client) is None
    assert client.get("/account/login").status_code == 200


@pytest.mark.usefixtures("csrf_enabled")
def test_sign_in_and_out_need_the_csrf_token(client: FlaskClient) -> None:
    user = make_user()
    db.session.commit()
    assert sign_in(client, user).status_code == 400
    assert signed_in_as(client) is None
    login(client, user)
    assert client.post("/account/logout").status_code == 400
    assert signed_in_as(client) == user.login_id
