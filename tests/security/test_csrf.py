"""CSRF: every state-changing HTML route refuses a request without the form's token.

The routes come from the URL map (POST, PUT, PATCH, DELETE outside ``/api/``),
so a new form route is covered the day it is added.  Each is sent by someone
the authorisation matrix allows to use it, with CSRF protection switched on:
the answer is 400, Flask-WTF says the token is missing (the refusal is the
CSRF check's, not the form's), and the database is exactly as before.  The
same request with the token of the session passes the check; a token of
another session does not.  The API, which needs no token, ignores the session
cookie instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf.csrf import CSRFProtect

from tests.conftest import login
from tests.security.conftest import ROLES, World
from tests.security.support import (
    STATE_CHANGING,
    app_rules,
    changed_tables,
    fingerprint,
    is_api,
    methods_of,
    text,
    undone,
)
from tests.security.test_authorisation import MATRIX, OK, rows
from tests.security.urls import url_of

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def refusals(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The reasons Flask-WTF gives for the CSRF refusals of the test."""
    reasons: list[str] = []
    original = CSRFProtect._error_response

    def spy(self: CSRFProtect, reason: str) -> None:
        reasons.append(reason)
        original(self, reason)

    monkeypatch.setattr(CSRFProtect, "_error_response", spy)
    yield reasons


def form_routes(app: Flask, world: World) -> list[tuple[str, str, str, str]]:
    """(endpoint, method, path, role allowed to use it) of every state-changing HTML route."""
    found = []
    with app.test_request_context():
        for rule in app_rules(app):
            if is_api(rule):
                continue
            row = rows(MATRIX[rule.endpoint])[""]
            role = ROLES[row.index(OK)]
            for method in STATE_CHANGING.intersection(methods_of(rule)):
                found.append((rule.endpoint, method, url_of(rule, world), role))
    return found


def as_role(app: Flask, world: World, role: str) -> FlaskClient:
    client = app.test_client()
    person = world.person(role)
    if person is not None:
        login(client, person)
    return client


def token_of(client: FlaskClient, path: str = "/account/tokens") -> str:
    found = TOKEN.search(text(client.get(path)))
    assert found, "the form page has a CSRF token"
    return found.group(1)


@pytest.mark.usefixtures("csrf_enabled")
def test_every_form_route_refuses_a_request_without_the_token(
    app: Flask, world: World, refusals: list[str]
) -> None:
    routes = form_routes(app, world)
    before = fingerprint()
    problems = []
    for endpoint, method, path, role in routes:
        client = as_role(app, world, role)
        count = len(refusals)
        with undone():
            with client.open(path, method=method, data={"reason": "x", "name": "x"}) as response:
                status = response.status_code
            changed = changed_tables(before, fingerprint())
        if status != 400 or len(refusals) != count + 1:
            problems.append(f"{method} {path} ({endpoint}) as {role}: {status}, not a CSRF 400")
        if changed:
            problems.append(f"{method} {path} ({endpoint}) changed {', '.join(changed)}")
    assert not problems, "\n".join(problems)
    assert set(refusals) == {"The CSRF token is missing."}
    assert len(routes) > 60


@pytest.mark.usefixtures("csrf_enabled")
def test_the_token_of_the_session_passes_and_another_does_not(
    app: Flask, world: World, refusals: list[str]
) -> None:
    learner, other = as_role(app, world, "learner"), as_role(app, world, "moderator")
    own, stolen = token_of(learner), token_of(other)
    before = fingerprint()
    with undone():
        refused = learner.post("/account/tokens", data={"name": "script", "csrf_token": stolen})
        assert refused.status_code == 400 and refusals == ["The CSRF tokens do not match."]
        assert changed_tables(before, fingerprint()) == []
    made = learner.post("/account/tokens", data={"name": "script", "csrf_token": own})
    assert made.status_code == 200 and "script" in text(made)
    assert len(refusals) == 1


@pytest.mark.usefixtures("csrf_enabled")
def test_the_api_needs_no_token_because_it_ignores_the_session(app: Flask, world: World) -> None:
    client = as_role(app, world, "learner")
    before = fingerprint()
    with undone():
        response = client.post(f"/api/v1/enrolments/{world.enrolment.id}/withdraw")
        assert response.status_code == 401  # the cookie signs nobody in here
        assert changed_tables(before, fingerprint()) == []
    headers = {"Authorization": f"Bearer {world.secret}"}
    with undone():
        response = client.post(f"/api/v1/enrolments/{world.enrolment.id}/withdraw", headers=headers)
        assert response.status_code == 200  # a bearer token needs no CSRF token
