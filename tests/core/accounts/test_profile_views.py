"""Profile, export my data and delete my account, through the pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from academy.core.accounts.models import Role, User
from academy.core.accounts.services import password_matches
from academy.core.api.tokens import create_token, tokens_of
from academy.core.audit import services as audit
from academy.core.signals import user_data_export
from academy.extensions import db
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_user


def details(**changes: str) -> dict[str, str]:
    return {
        "name": "Lea Lopes",
        "organisation": "",
        "job_function": "Mayor",
        "language": "en",
    } | changes


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/account/"), ("post", "/account/export"), ("get", "/account/delete")],
)
def test_anonymous_people_are_sent_to_sign_in(client: FlaskClient, method: str, path: str) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == 302 and "/account/login" in response.location


def test_the_profile_shows_the_details(client: FlaskClient) -> None:
    organisation = make_organisation("Lisboa", country="PT")
    user = make_user("lea@example.org", name="Lea", organisation=organisation)
    user.job_function = "Finance officer"
    login(client, user)
    body = client.get("/account/").get_data(as_text=True)
    assert "lea@example.org" in body and 'value="Lea"' in body and "Finance officer" in body
    assert f'<option selected value="{organisation.id}">Lisboa (Portugal)' in body
    assert 'action="/account/export"' in body and 'href="/account/delete"' in body


def test_the_profile_runs_few_queries_however_many_organisations(
    client: FlaskClient, count_queries: Callable
) -> None:
    user = make_user()
    login(client, user)
    for _ in range(40):
        make_organisation()
    db.session.commit()
    with count_queries() as statements:
        assert client.get("/account/").status_code == 200
    assert len(statements) <= 6, statements


def test_saving_the_profile_changes_the_language(client: FlaskClient, reload: Callable) -> None:
    organisation = make_organisation()
    user = make_user(locale="en")
    login(client, user)
    response = client.post(
        "/account/", data=details(organisation=str(organisation.id), language="fr")
    )
    assert response.status_code == 302
    saved = reload(user)
    assert (saved.name, saved.organisation_id, saved.job_function, saved.locale) == (
        "Lea Lopes",
        organisation.id,
        "Mayor",
        "fr",
    )
    assert '<html lang="fr"' in client.get("/account/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"organisation": "999999"}, "organisation"),
        ({"language": "xx"}, "language"),
    ],
)
def test_bad_details_change_nothing(
    client: FlaskClient, changes: dict[str, str], field: str, reload: Callable
) -> None:
    user = make_user(name="Lea", locale="en")
    db.session.commit()
    login(client, user)
    response = client.post("/account/", data=details(**changes))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    saved = reload(user)
    assert (saved.name, saved.job_function, saved.locale) == ("Lea", "", "en")


def test_an_organisation_closed_since_can_be_kept(client: FlaskClient, reload: Callable) -> None:
    held = make_organisation("Old town")
    user = make_user(organisation=held)
    held.active = False
    login(client, user)
    assert "Old town" in client.get("/account/").get_data(as_text=True)
    assert client.post("/account/", data=details(organisation=str(held.id))).status_code == 302
    assert reload(user).organisation_id == held.id


# Export


def test_export_is_a_json_attachment_without_secrets(client: FlaskClient) -> None:
    organisation = make_organisation("Lisboa")
    user = make_user("lea@example.org", organisation=organisation, roles={Role.MODERATOR})
    token, secret = create_token(user, name="laptop")
    audit.record(make_user(roles={Role.ADMIN}), "user.roles_changed", user)
    login(client, user)

    def receiver(_sender: User, **_: Any) -> tuple[str, Any]:
        return "certificates", [{"code": "ABC"}]

    with user_data_export.connected_to(receiver):
        response = client.post("/account/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == "attachment; filename=academy-my-data.json"
    data = json.loads(response.get_data(as_text=True))
    expected = {"profile", "roles", "organisation", "api_tokens", "audit_events", "certificates"}
    assert expected <= data.keys()
    assert data["profile"]["email"] == "lea@example.org"
    assert data["roles"] == ["moderator"] and data["organisation"]["name"] == "Lisboa"
    assert data["api_tokens"][0]["prefix"] == token.prefix
    assert data["audit_events"][0]["action"] == "user.roles_changed"
    text = response.get_data(as_text=True)
    assert "password" not in text and str(user.password_hash) not in text
    assert token.token_hash not in text and secret not in text


def test_export_is_a_post(client: FlaskClient) -> None:
    login(client, make_user())
    assert client.get("/account/export").status_code == 405


@pytest.mark.usefixtures("csrf_enabled")
def test_export_needs_the_csrf_token(client: FlaskClient) -> None:
    login(client, make_user())
    assert client.post("/account/export").status_code == 400


# Delete


def test_the_delete_page_explains_what_stays(client: FlaskClient) -> None:
    login(client, make_user())
    body = client.get("/account/delete").get_data(as_text=True)
    assert "What we erase" in body and "What we keep, and why" in body
    assert "Certificates already issued" in body and 'name="password"' in body


def test_deleting_anonymises_and_ends_every_session(
    app: Flask, client: FlaskClient, reload: Callable
) -> None:
    user = make_user("lea@example.org", name="Lea Lopes", organisation=make_organisation())
    user.locale = "fr"
    _token, _secret = create_token(user)
    login(client, user)
    elsewhere = login(app.test_client(), user)
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    gone = reload(user)
    assert gone.email == f"deleted-{gone.id}@invalid.invalid" and gone.name == "Deleted user"
    assert gone.password_hash is None and gone.organisation_id is None and not gone.active
    assert gone.deleted_at is not None and gone.roles == frozenset()
    assert all(token.revoked_at is not None for token in tokens_of(gone))
    for browser in (client, elsewhere):
        assert browser.get("/account/").status_code == 302
    assert '<html lang="fr"' in client.get("/").get_data(as_text=True)  # still their language
    again = client.post("/account/login", data={"email": "lea@example.org", "password": PASSWORD})
    assert again.status_code == 422


def test_deleting_needs_the_current_password(client: FlaskClient, reload: Callable) -> None:
    user = make_user(name="Lea")
    db.session.commit()
    login(client, user)
    response = client.post("/account/delete", data={"password": "not my password"})
    assert response.status_code == 422
    assert 'id="password-error"' in response.get_data(as_text=True)
    assert reload(user).name == "Lea" and reload(user).is_active
    assert client.get("/account/").status_code == 200


@pytest.mark.usefixtures("csrf_enabled")
def test_deleting_needs_the_csrf_token(client: FlaskClient, reload: Callable) -> None:
    user = make_user(name="Lea")
    db.session.commit()
    login(client, user)
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 400
    assert reload(user).is_active and password_matches(reload(user), PASSWORD)


def test_deleting_is_rate_limited(
    client: FlaskClient, low_limit: Callable[[str], None], reload: Callable
) -> None:
    low_limit("RATELIMIT_LOGIN")
    user = make_user()
    db.session.commit()
    login(client, user)
    for _ in range(2):
        assert client.post("/account/delete", data={"password": "guess"}).status_code == 422
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 429
    assert reload(user).is_active
