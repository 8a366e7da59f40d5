"""Forgotten password, reset link and password change, through the pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from academy.core.accounts.auth import make_token
from academy.core.accounts.services import password_matches
from academy.extensions import db
from tests.conftest import login
from tests.factories import PASSWORD, make_user

NEW = "a brand new passphrase"


def main_part(body: str) -> str:
    """The page's main content, where the answer is."""
    return body[body.index("<main") : body.index("</main>")]


def new_password(password: str = NEW, confirm: str | None = None) -> dict[str, str]:
    return {"password": password, "password_confirm": password if confirm is None else confirm}


def test_the_request_answers_the_same_whether_the_account_exists(
    client: FlaskClient, outbox: Callable[..., list]
) -> None:
    user = make_user()
    answers = []
    for email in (user.email, "nobody@example.org"):
        response = client.post("/account/password-reset", data={"email": email})
        assert response.status_code == 302
        answers.append(main_part(client.get(response.location).get_data(as_text=True)))
    assert answers[0] == answers[1]
    assert [m.recipient for m in outbox("reset-password")] == [user.email]


def test_reset_through_the_emailed_link(
    app: Flask,
    client: FlaskClient,
    outbox: Callable[..., list],
    link_path: Callable,
    reload: Callable,
) -> None:
    user = make_user()
    elsewhere = login(app.test_client(), user)
    client.post("/account/password-reset", data={"email": user.email})
    path = link_path(outbox("reset-password")[0])
    assert client.get(path).status_code == 200

    response = client.post(path, data=new_password())
    assert response.status_code == 302 and response.location.endswith("/account/")
    assert password_matches(reload(user), NEW)
    assert client.get("/account/").status_code == 200  # signed in here
    assert elsewhere.get("/account/").status_code == 302  # and out everywhere else
    assert reload(user).last_login_at is not None

    reused = client.post(path, data=new_password("another passphrase"))
    assert reused.status_code == 400
    assert "not valid or has expired" in reused.get_data(as_text=True)
    assert password_matches(reload(user), NEW)


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_link_offers_a_new_one(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, method: str, reload: Callable
) -> None:
    user = make_user()
    token = make_token(user, "reset")
    db.session.commit()
    monkeypatch.setitem(app.config, "TOKEN_MAX_AGE_RESET", -1)
    response = getattr(client, method)(f"/account/password-reset/{token}", data=new_password())
    assert response.status_code == 400
    assert 'action="/account/password-reset"' in response.get_data(as_text=True)
    assert password_matches(reload(user), PASSWORD)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (new_password(NEW, "something else"), "password_confirm"),
        (new_password("short"), "password"),
    ],
)
def test_a_bad_new_password_changes_nothing(
    client: FlaskClient, data: dict[str, str], field: str, reload: Callable
) -> None:
    user = make_user()
    token = make_token(user, "reset")
    db.session.commit()
    response = client.post(f"/account/password-reset/{token}", data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert password_matches(reload(user), PASSWORD)
    assert client.get(f"/account/password-reset/{token}").status_code == 200  # still usable


def test_the_reset_request_is_rate_limited(
    client: FlaskClient, low_limit: Callable[[str], None], outbox: Callable[..., list]
) -> None:
    low_limit("RATELIMIT_RESET")
    user = make_user()
    for _ in range(2):
        client.post("/account/password-reset", data={"email": user.email})
    assert client.post("/account/password-reset", data={"email": user.email}).status_code == 429
    assert len(outbox("reset-password")) == 2


@pytest.mark.usefixtures("csrf_enabled")
def test_the_reset_needs_the_csrf_token(
    client: FlaskClient, outbox: Callable[..., list], reload: Callable
) -> None:
    user = make_user()
    token = make_token(user, "reset")
    db.session.commit()
    assert client.post("/account/password-reset", data={"email": user.email}).status_code == 400
    assert client.post(f"/account/password-reset/{token}", data=new_password()).status_code == 400
    assert outbox("reset-password") == [] and password_matches(reload(user), PASSWORD)


# Change password


def test_anonymous_people_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/account/password")
    assert response.status_code == 302 and "/account/login" in response.location


def test_change_keeps_this_session_and_ends_the_others(
    app: Flask, client: FlaskClient, reload: Callable
) -> None:
    user = make_user()
    login(client, user)
    elsewhere = login(app.test_client(), user)
    response = client.post(
        "/account/password", data={"current_password": PASSWORD, **new_password()}
    )
    assert response.status_code == 302
    assert password_matches(reload(user), NEW)
    assert client.get("/account/").status_code == 200
    assert elsewhere.get("/account/").status_code == 302


def test_change_needs_the_current_password(client: FlaskClient, reload: Callable) -> None:
    user = make_user()
    login_id = user.login_id
    db.session.commit()
    login(client, user)
    response = client.post(
        "/account/password", data={"current_password": "wrong guess", **new_password()}
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="current_password-error"' in body and "not your current password" in body
    assert password_matches(reload(user), PASSWORD) and reload(user).login_id == login_id
