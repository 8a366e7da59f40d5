"""The token management page (/account/tokens) and ``academy tokens revoke``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from academy.core.accounts.models import User
from academy.core.api.models import ApiToken
from academy.core.api.tokens import create_token, revoke_token
from academy.extensions import db
from tests.conftest import login
from tests.factories import make_user


@contextmanager
def count_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def listener(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)


def tokens_of(user_id: int) -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user_id)))


def save() -> None:
    """Commit the test's set-up (to the test's savepoint) so a 4xx response keeps it."""
    db.session.commit()


def me(client: FlaskClient, secret: str) -> int:
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code


# -- the page -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/account/tokens")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


def test_anonymous_cannot_create_or_revoke(client: FlaskClient) -> None:
    owner = make_user()
    token, _secret = create_token(owner, name="script")
    save()
    assert client.post("/account/tokens", data={"name": "x"}).status_code == 302
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    assert db.session.get(ApiToken, token.id).revoked_at is None
    assert len(tokens_of(owner.id)) == 1


def test_lists_my_tokens_only(client: FlaskClient) -> None:
    user, other = make_user(), make_user()
    active, _ = create_token(user, name="reporting script")
    revoked, secret = create_token(user, name="old laptop")
    revoke_token(revoked)
    theirs, _ = create_token(other, name="their-private-label")
    save()
    me_status = me(client, secret)
    login(client, user)
    page = client.get("/account/tokens")
    assert me_status == 401
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "reporting script" in html and "old laptop" in html
    assert active.prefix in html and revoked.prefix in html
    assert "their-private-label" not in html and theirs.prefix not in html
    assert html.count("/revoke") == 1  # only the active token can be revoked
    assert "Revoked on" in html and "Never" in html


def test_last_use_is_shown(client: FlaskClient) -> None:
    user = make_user()
    _token, secret = create_token(user, name="used")
    assert me(client, secret) == 200
    login(client, user)
    html = client.get("/account/tokens").get_data(as_text=True)
    assert "Never" not in html


def test_create_shows_the_secret_once(client: FlaskClient) -> None:
    user = make_user()
    user_id = user.id
    login(client, user)
    response = client.post("/account/tokens", data={"name": "  nightly export  "})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    (token,) = tokens_of(user_id)
    assert token.name == "nightly export"
    html = response.get_data(as_text=True)
    secret = html.split('<code id="new-token">')[1].split("</code>")[0]
    assert secret.startswith(token.prefix)
    assert secret not in {token.token_hash, token.prefix, token.name}
    assert me(client, secret) == 200
    assert secret not in client.get("/account/tokens").get_data(as_text=True)
    with client.session_transaction() as session:
        assert secret not in repr(dict(session))


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_create_refuses_a_bad_name(client: FlaskClient, name: str) -> None:
    user = make_user()
    user_id = user.id
    save()
    login(client, user)
    response = client.post("/account/tokens", data={"name": name})
    assert response.status_code == 422
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert tokens_of(user_id) == []


@pytest.mark.usefixtures("csrf_enabled")
def test_create_needs_the_csrf_token(client: FlaskClient) -> None:
    user = make_user()
    user_id = user.id
    save()
    login(client, user)
    response = client.post("/account/tokens", data={"name": "no csrf"})
    assert response.status_code in (400, 422)
    assert tokens_of(user_id) == []


def test_revoke_my_token(client: FlaskClient) -> None:
    user = make_user()
    token, secret = create_token(user, name="to revoke")
    token_id = token.id
    save()
    login(client, user)
    response = client.post(f"/account/tokens/{token_id}/revoke")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/tokens")
    assert db.session.get(ApiToken, token_id).revoked_at is not None
    assert me(client, secret) == 401
    assert "was revoked" in client.get("/account/tokens").get_data(as_text=True)


def test_revoking_twice_is_harmless(client: FlaskClient) -> None:
    user = make_user()
    token, _ = create_token(user)
    login(client, user)
    client.post(f"/account/tokens/{token.id}/revoke")
    first = db.session.get(ApiToken, token.id).revoked_at
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    assert db.session.get(ApiToken, token.id).revoked_at == first


def test_someone_elses_token_is_not_found(client: FlaskClient) -> None:
    user, other = make_user(), make_user()
    theirs, secret = create_token(other, name="theirs")
    theirs_id = theirs.id
    save()
    login(client, user)
    assert client.post(f"/account/tokens/{theirs_id}/revoke").status_code == 404
    assert client.post("/account/tokens/999999/revoke").status_code == 404
    assert db.session.get(ApiToken, theirs_id).revoked_at is None
    assert me(client, secret) == 200


def test_revoke_needs_post(client: FlaskClient) -> None:
    user = make_user()
    token, _ = create_token(user)
    save()
    login(client, user)
    assert client.get(f"/account/tokens/{token.id}/revoke").status_code == 405
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_deactivated_user_is_signed_out(client: FlaskClient) -> None:
    user = make_user()
    login(client, user)
    user.active = False
    save()
    assert client.get("/account/tokens").status_code == 302


def test_page_queries_are_bounded(client: FlaskClient) -> None:
    user = make_user()
    login(client, user)

    def queries_with(count: int) -> int:
        while len(tokens_of(user.id)) < count:
            create_token(user, name=f"token {count}")
        with count_queries() as statements:
            assert client.get("/account/tokens").status_code == 200
        return len(statements)

    assert queries_with(2) == queries_with(25)


# -- academy tokens revoke ----------------------------------------------------------------


def test_cli_revokes_by_id(runner: FlaskCliRunner) -> None:
    user = make_user()
    token, _ = create_token(user)
    result = runner.invoke(args=["tokens", "revoke", str(token.id)])
    assert result.exit_code == 0, result.output
    assert f"Revoked API token {token.id}" in result.output
    assert db.session.get(ApiToken, token.id).revoked_at is not None


def test_cli_revokes_by_prefix_or_whole_token(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    user = make_user()
    first, first_secret = create_token(user)
    _second, second_secret = create_token(user)
    save()
    assert runner.invoke(args=["tokens", "revoke", first.prefix]).exit_code == 0
    assert runner.invoke(args=["tokens", "revoke", second_secret]).exit_code == 0
    assert me(client, first_secret) == 401
    assert me(client, second_secret) == 401


def test_cli_revoke_already_revoked(runner: FlaskCliRunner) -> None:
    token, _ = create_token(make_user())
    revoke_token(token)
    result = runner.invoke(args=["tokens", "revoke", str(token.id)])
    assert result.exit_code == 0
    assert "already revoked" in result.output


@pytest.mark.parametrize("reference", ["999999", "acd_doesnotexist", "acd_"])
def test_cli_revoke_unknown(runner: FlaskCliRunner, reference: str) -> None:
    token, _ = create_token(make_user())
    save()
    result = runner.invoke(args=["tokens", "revoke", reference])
    assert result.exit_code == 2
    assert "Error:" in result.stderr
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_cli_revoke_ambiguous_prefix(runner: FlaskCliRunner) -> None:
    user: User = make_user()
    first, _ = create_token(user)
    second, _ = create_token(user)
    second.prefix = first.prefix
    save()
    result = runner.invoke(args=["tokens", "revoke", first.prefix])
    assert result.exit_code == 2
    assert "give the id" in result.stderr
    assert db.session.get(ApiToken, first.id).revoked_at is None
