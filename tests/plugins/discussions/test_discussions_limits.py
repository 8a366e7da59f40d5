"""The posting rate limit (Flask-Limiter, per person, read from the config on each request)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from academy.core.api.tokens import create_token
from academy.extensions import db
from tests.conftest import login
from tests.plugins.discussions.conftest import World
from tests.plugins.discussions.factories import make_thread
from tests.plugins.discussions.support import bearer, text


@pytest.fixture
def two_a_minute(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "DISCUSSIONS_RATELIMIT_POST", "2 per minute")


@pytest.mark.usefixtures("two_a_minute")
def test_posting_is_limited_per_person(client: FlaskClient, world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner)
    db.session.commit()
    path = f"/discussions/threads/{thread.id}/posts"
    login(client, a.peer)
    assert client.post(path, data={"body": " "}).status_code == 422  # refused posts do not count
    assert client.post(path, data={"body": "One"}).status_code == 302
    assert client.post(path, data={"body": "Two"}).status_code == 302
    response = client.post(path, data={"body": "Three"}, headers={"Accept-Language": "en"})
    assert response.status_code == 429
    assert "Too many requests" in text(response)
    new_thread = client.post(
        f"/discussions/cohorts/{a.cohort.id}/threads", data={"title": "T", "body": "B"}
    )
    assert new_thread.status_code == 429  # threads and replies share the limit
    login(client, a.moderator)  # another person has their own allowance
    assert client.post(path, data={"body": "Moderator"}).status_code == 302


@pytest.mark.usefixtures("two_a_minute")
def test_the_api_shares_the_limit(client: FlaskClient, world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner)
    _token, secret = create_token(a.peer)
    db.session.commit()
    login(client, a.peer)
    assert (
        client.post(f"/discussions/threads/{thread.id}/posts", data={"body": "Web"}).status_code
        == 302
    )
    api = f"/api/v1/threads/{thread.id}/posts"
    assert client.post(api, json={"body": "API"}, headers=bearer(secret)).status_code == 201
    response = client.post(api, json={"body": "Again"}, headers=bearer(secret))
    assert response.status_code == 429 and response.mimetype == "application/problem+json"


def test_the_limit_is_read_at_request_time(
    app: Flask, client: FlaskClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner)
    db.session.commit()
    login(client, a.peer)
    path = f"/discussions/threads/{thread.id}/posts"
    monkeypatch.setitem(app.config, "DISCUSSIONS_RATELIMIT_POST", "1 per minute")
    assert client.post(path, data={"body": "One"}).status_code == 302
    assert client.post(path, data={"body": "Two"}).status_code == 429
    monkeypatch.setitem(app.config, "DISCUSSIONS_RATELIMIT_POST", "5 per minute")
    assert client.post(path, data={"body": "Three"}).status_code == 302
