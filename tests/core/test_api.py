"""The API base: bearer tokens, problem details, request bodies and pagination."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from pydantic import BaseModel, Field
from werkzeug.test import TestResponse

from academy.core.accounts.models import OrganisationKind, Role, User
from academy.core.api import ApiProblem, api_blueprint, paginate, parse_body, require_api
from academy.core.api.models import ApiToken
from academy.core.api.openapi import operation
from academy.core.api.tokens import create_token, revoke_token
from academy.core.db import utcnow
from academy.core.errors import Conflict
from academy.core.permissions import is_admin
from academy.extensions import db
from tests.conftest import login
from tests.factories import make_organisation, make_user

PROBLEM = "application/problem+json"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def assert_problem(response: TestResponse, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with ``status``; returns its body."""
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["type"] == "about:blank"
    assert isinstance(body["title"], str) and body["title"]
    assert body["status"] == status
    return body


# -- /api/v1/me and authentication --------------------------------------------------------


def test_me_with_a_valid_token(client: FlaskClient) -> None:
    org = make_organisation("Lisboa", country="PT", kind=OrganisationKind.MUNICIPALITY)
    user = make_user(
        "ana@example.org",
        name="Ana Silva",
        roles=(Role.LEARNER, Role.MODERATOR),
        organisation=org,
        locale="pt",
    )
    _token, secret = create_token(user, name="test")
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {
        "id": user.id,
        "email": "ana@example.org",
        "name": "Ana Silva",
        "locale": "pt",
        "job_function": "",
        "roles": ["learner", "moderator"],
        "organisation": {"id": org.id, "name": "Lisboa", "kind": "municipality", "country": "PT"},
    }


def test_me_without_organisation(client: FlaskClient) -> None:
    _token, secret = create_token(make_user())
    body = client.get("/api/v1/me", headers=bearer(secret)).get_json()
    assert body["organisation"] is None
    assert body["locale"] is None


def test_use_of_a_token_is_recorded(client: FlaskClient) -> None:
    token, secret = create_token(make_user())
    token_id = token.id
    before = utcnow()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    used = db.session.get(ApiToken, token_id).last_used_at
    assert used is not None and used >= before


def test_no_token_is_401(client: FlaskClient) -> None:
    response = client.get("/api/v1/me")
    body = assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert body["detail"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer acd_not-a-real-token",
        "Bearer not-even-our-prefix",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "acd_no-scheme",
    ],
)
def test_invalid_token_is_401(client: FlaskClient, header: str) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert_problem(response, 401)
    assert "WWW-Authenticate" in response.headers


def test_revoked_token_is_401(client: FlaskClient) -> None:
    token, secret = create_token(make_user())
    revoke_token(token)
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert_problem(response, 401)
    assert response.get_json(force=True)["detail"] == "The bearer token is invalid or revoked."


@pytest.mark.parametrize("how", ["deactivated", "deleted"])
def test_token_of_an_inactive_user_is_401(client: FlaskClient, how: str) -> None:
    user = make_user()
    _token, secret = create_token(user)
    if how == "deactivated":
        user.active = False
    else:
        user.deleted_at = utcnow()
    db.session.flush()
    assert_problem(client.get("/api/v1/me", headers=bearer(secret)), 401)


def test_session_cookie_does_not_authenticate_the_api(client: FlaskClient) -> None:
    login(client, make_user())
    assert client.get("/").status_code == 200
    assert_problem(client.get("/api/v1/me"), 401)


def test_public_document_needs_no_token(client: FlaskClient) -> None:
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_public_document_refuses_a_bad_token(client: FlaskClient) -> None:
    assert_problem(client.get("/api/v1/openapi.json", headers=bearer("acd_wrong")), 401)


# -- errors are problem details -----------------------------------------------------------


@pytest.mark.parametrize("authenticated", [False, True])
def test_unknown_api_path_is_404_problem(client: FlaskClient, authenticated: bool) -> None:
    headers = bearer(create_token(make_user())[1]) if authenticated else {}
    body = assert_problem(client.get("/api/v1/no-such-thing", headers=headers), 404)
    assert body["title"] == "Not Found"


def test_wrong_method_is_405_problem(client: FlaskClient) -> None:
    _token, secret = create_token(make_user())
    assert_problem(client.delete("/api/v1/me", headers=bearer(secret)), 405)


def test_html_pages_are_not_problems(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


# -- request bodies, domain errors, permissions: a test-only API on a fresh app -----------


class Greeting(BaseModel):
    name: str = Field(min_length=1)
    times: int = Field(ge=1, le=3)


def _test_api() -> Any:
    bp = api_blueprint("testonly", __name__)

    @bp.post("/echo")
    @operation("Echo a greeting", tag="test", request=Greeting, response=Greeting, public=True)
    def echo() -> dict[str, Any]:
        return parse_body(Greeting).model_dump()

    @bp.post("/conflict")
    @operation("Always a conflict", tag="test", public=True, errors=(409,))
    def conflict() -> dict[str, Any]:
        raise Conflict("This already exists.")

    @bp.get("/teapot")
    @operation("A custom problem", tag="test", public=True, errors=(418,))
    def teapot() -> dict[str, Any]:
        raise ApiProblem(418, "Short and stout.", hint="tip me over")

    @bp.get("/admins-only")
    @operation("Administrators only", tag="test", errors=(403,))
    def admins_only() -> dict[str, Any]:
        return {"id": require_api(is_admin).id}

    @bp.get("/users")
    @operation("All users", tag="test")
    def users() -> dict[str, Any]:
        return paginate(sa.select(User).order_by(User.id), lambda user: user.email)

    return bp


@pytest.fixture
def api_app(make_app: Any) -> Flask:
    return make_app(blueprints=[(_test_api(), "/api/v1")])


@pytest.fixture
def api_client(api_app: Flask) -> FlaskClient:
    return api_app.test_client()


def test_valid_body(api_client: FlaskClient) -> None:
    response = api_client.post("/api/v1/echo", json={"name": "Ana", "times": 2})
    assert response.status_code == 200
    assert response.get_json() == {"name": "Ana", "times": 2}


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (None, None),
        ("not json", "text/plain"),
        ("{not json", "application/json"),
        ("", "application/json"),
    ],
)
def test_missing_or_malformed_body_is_400(
    api_client: FlaskClient, data: str | None, content_type: str | None
) -> None:
    response = api_client.post("/api/v1/echo", data=data, content_type=content_type)
    body = assert_problem(response, 400)
    assert body["detail"] == "The request body must be a JSON object."


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"name": "Ana"}, {"times"}),
        ({"name": "", "times": 9}, {"name", "times"}),
        ({"name": "Ana", "times": "many"}, {"times"}),
        ([1, 2], {""}),
    ],
)
def test_invalid_body_is_422_with_field_errors(
    api_client: FlaskClient, payload: Any, fields: set[str]
) -> None:
    body = assert_problem(api_client.post("/api/v1/echo", json=payload), 422)
    assert {error["field"] for error in body["errors"]} == fields
    assert all(error["message"] for error in body["errors"])
    assert "input" not in str(body["errors"])  # the rejected values are not echoed back


def test_domain_error_is_a_problem(api_client: FlaskClient) -> None:
    body = assert_problem(api_client.post("/api/v1/conflict"), 409)
    assert body["detail"] == "This already exists."


def test_api_problem_extras(api_client: FlaskClient) -> None:
    body = assert_problem(api_client.get("/api/v1/teapot"), 418)
    assert body["detail"] == "Short and stout."
    assert body["hint"] == "tip me over"


def test_missing_permission_is_403(api_app: Flask, api_client: FlaskClient) -> None:
    with api_app.app_context():
        learner = create_token(make_user())[1]
        admin = create_token(make_user(roles=(Role.ADMIN,)))[1]
        db.session.commit()
    body = assert_problem(api_client.get("/api/v1/admins-only", headers=bearer(learner)), 403)
    assert body["detail"] == "This page is for administrators."
    assert api_client.get("/api/v1/admins-only", headers=bearer(admin)).status_code == 200


def test_api_needs_no_csrf_token(make_app: Any) -> None:
    application = make_app(blueprints=[(_test_api(), "/api/v1")], WTF_CSRF_ENABLED=True)
    response = application.test_client().post("/api/v1/echo", json={"name": "A", "times": 1})
    assert response.status_code == 200


# -- pagination ---------------------------------------------------------------------------


@pytest.fixture
def seven_users(api_app: Flask) -> str:
    """Seven users on the fresh app; returns a token of one of them."""
    with api_app.app_context():
        users = [make_user(f"p{n}@example.org") for n in range(7)]
        secret = create_token(users[0])[1]
        db.session.commit()
    return secret


@pytest.mark.parametrize(
    ("query", "page", "per_page", "count"),
    [
        ("", 1, 20, 7),
        ("?per_page=3", 1, 3, 3),
        ("?per_page=3&page=3", 3, 3, 1),
        ("?per_page=3&page=9", 9, 3, 0),
        ("?per_page=1000", 1, 5, 5),  # capped by API_PAGE_SIZE_MAX
        ("?per_page=0", 1, 20, 7),
        ("?per_page=-4", 1, 1, 1),
        ("?page=0", 1, 20, 7),
        ("?page=-2", 1, 20, 7),
        ("?page=two&per_page=many", 1, 20, 7),
    ],
)
def test_pagination_bounds(
    api_app: Flask,
    api_client: FlaskClient,
    seven_users: str,
    query: str,
    page: int,
    per_page: int,
    count: int,
) -> None:
    api_app.config["API_PAGE_SIZE_MAX"] = 5 if "1000" in query else 100
    response = api_client.get(f"/api/v1/users{query}", headers=bearer(seven_users))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["page"], body["per_page"], body["total"]) == (page, per_page, 7)
    assert len(body["items"]) == count


def test_pagination_keeps_the_order(api_client: FlaskClient, seven_users: str) -> None:
    pages = [
        api_client.get(f"/api/v1/users?per_page=3&page={n}", headers=bearer(seven_users))
        for n in (1, 2, 3)
    ]
    emails = [email for page in pages for email in page.get_json()["items"]]
    assert emails == [f"p{n}@example.org" for n in range(7)]
