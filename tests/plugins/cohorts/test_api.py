"""The cohorts API: listing, one cohort, enrolling in every mode, my enrolments,
withdrawing, the moderators' list; 401 without a token, 403 outside the cohort."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from academy.core.accounts.models import Role, User
from academy.core.api.tokens import create_token
from academy.extensions import db
from academy.plugins.cohorts import invitations, services
from academy.plugins.cohorts.expertise import active_fields
from academy.plugins.cohorts.models import Cohort, CohortStatus, EnrolmentMode, EnrolmentStatus
from academy.plugins.courses.models import Course
from tests.factories import make_user
from tests.plugins.cohorts.support import bearer, count_queries, make_cohort, make_learners

PROBLEM = "application/problem+json"


def token(user: User) -> dict[str, str]:
    return bearer(create_token(user)[1])


@pytest.fixture
def cohort(app: Flask, course: Course, moderator: User) -> Cohort:
    return make_cohort(course, name="API cohort", capacity=1, moderators=[moderator])


def test_every_route_needs_a_token(client: FlaskClient, cohort: Cohort) -> None:
    for method, path in [
        ("GET", "/api/v1/cohorts"),
        ("GET", f"/api/v1/cohorts/{cohort.id}"),
        ("POST", f"/api/v1/cohorts/{cohort.id}/enrolments"),
        ("GET", f"/api/v1/cohorts/{cohort.id}/enrolments"),
        ("GET", "/api/v1/me/enrolments"),
        ("POST", "/api/v1/enrolments/1/withdraw"),
    ]:
        response = client.open(path, method=method, json={})
        assert response.status_code == 401, f"{method} {path}"
        assert response.mimetype == PROBLEM


def test_list_and_read_cohorts(client: FlaskClient, cohort: Cohort, course: Course) -> None:
    draft = make_cohort(course, status=CohortStatus.DRAFT)
    hidden = make_cohort(course, mode=EnrolmentMode.INVITATION)
    headers = token(make_user())
    body = client.get("/api/v1/cohorts", headers=headers).get_json()
    assert [item["id"] for item in body["items"]] == [cohort.id]
    assert body["total"] == 1 and body["page"] == 1
    item = body["items"][0]
    assert item | {"description": ""} == {
        "id": cohort.id,
        "name": "API cohort",
        "course_id": course.id,
        "course_slug": "peer-exchanges",
        "language": "en",
        "status": "open",
        "mode": "open",
        "capacity": 1,
        "places_left": 1,
        "starts_on": None,
        "ends_on": None,
        "enrol_opens_at": None,
        "enrol_closes_at": None,
        "description": "",
    }
    assert client.get(f"/api/v1/cohorts/{cohort.id}", headers=headers).get_json() == item
    for other in (draft, hidden):
        refused = client.get(f"/api/v1/cohorts/{other.id}", headers=headers)
        assert refused.status_code == 403 and refused.mimetype == PROBLEM
    assert client.get("/api/v1/cohorts/999999", headers=headers).status_code == 404
    manager = token(make_user(roles=[Role.MANAGER]))
    assert client.get("/api/v1/cohorts", headers=manager).get_json()["total"] == 3


def test_enrol_then_wait_then_withdraw(client: FlaskClient, cohort: Cohort) -> None:
    first, second = make_learners(2)
    url = f"/api/v1/cohorts/{cohort.id}/enrolments"
    created = client.post(url, headers=token(first))  # no body at all is fine
    assert created.status_code == 201
    assert created.get_json() == {"id": created.get_json()["id"], "status": "active"}
    second_headers = token(second)
    waiting = client.post(url, headers=second_headers, json={})
    assert waiting.status_code == 201 and waiting.get_json()["status"] == "waiting"
    again = client.post(url, headers=second_headers, json={})
    assert again.status_code == 409 and again.mimetype == PROBLEM
    mine = client.get("/api/v1/me/enrolments", headers=second_headers).get_json()
    assert mine["items"][0] | {"created_at": None} == {
        "id": waiting.get_json()["id"],
        "cohort_id": cohort.id,
        "cohort_name": "API cohort",
        "course_slug": "peer-exchanges",
        "status": "waiting",
        "waiting_position": 1,
        "created_at": None,
    }
    first_id = created.get_json()["id"]
    refused = client.post(f"/api/v1/enrolments/{first_id}/withdraw", headers=second_headers)
    assert refused.status_code == 403
    done = client.post(f"/api/v1/enrolments/{first_id}/withdraw", headers=token(first))
    assert done.status_code == 200 and done.get_json() == {"id": first_id, "status": "withdrawn"}
    promoted = client.get("/api/v1/me/enrolments", headers=second_headers).get_json()
    assert promoted["items"][0]["status"] == "active"
    twice = client.post(f"/api/v1/enrolments/{first_id}/withdraw", headers=token(first))
    assert twice.status_code == 400 and twice.mimetype == PROBLEM


def test_enrol_by_approval_selection_and_invitation(
    client: FlaskClient, course: Course, moderator: User
) -> None:
    approval = make_cohort(course, mode=EnrolmentMode.APPROVAL)
    chosen = make_cohort(course, mode=EnrolmentMode.SELECTION)
    hidden = make_cohort(course, mode=EnrolmentMode.INVITATION)
    code = invitations.create_code(hidden, max_uses=1, expires_at=None, by=moderator)
    headers = token(make_user())

    def enrol(cohort: Cohort, body: dict[str, Any]) -> Any:
        return client.post(f"/api/v1/cohorts/{cohort.id}/enrolments", headers=headers, json=body)

    assert enrol(approval, {}).get_json()["status"] == "applied"
    assert enrol(chosen, {}).status_code == 400  # an application needs a motivation and fields
    field = active_fields()[0]
    application = {"motivation": "Water engineer", "expertise": [field.id]}
    applied = enrol(chosen, application)
    assert applied.status_code == 201 and applied.get_json()["status"] == "applied"
    assert enrol(hidden, {}).status_code == 403
    assert enrol(hidden, {"invitation_code": "wrong"}).status_code == 404
    assert enrol(hidden, {"invitation_code": code.code}).get_json()["status"] == "active"
    invalid = enrol(approval, {"expertise": "all"})
    assert invalid.status_code == 422 and invalid.get_json()["errors"]


def test_moderators_list_their_cohorts_enrolments(
    client: FlaskClient, cohort: Cohort, moderator: User, course: Course
) -> None:
    people = make_learners(3)
    for person in people:
        services.enrol(person, cohort, by=person)
    headers = token(moderator)
    url = f"/api/v1/cohorts/{cohort.id}/enrolments"
    body = client.get(url, headers=headers).get_json()
    assert body["total"] == 3
    assert [(i["status"], i["waiting_position"]) for i in body["items"]] == [
        ("active", None),
        ("waiting", 1),
        ("waiting", 2),
    ]
    waiting = client.get(f"{url}?status=waiting", headers=headers).get_json()
    assert waiting["total"] == 2
    assert client.get(f"{url}?status=nonsense", headers=headers).status_code == 400
    assert client.get(url, headers=token(people[0])).status_code == 403
    other = make_cohort(course, moderators=[make_user(roles=[Role.MODERATOR])])
    assert client.get(f"/api/v1/cohorts/{other.id}/enrolments", headers=headers).status_code == 403


def test_api_query_counts_do_not_grow_with_the_cohort(
    client: FlaskClient, cohort: Cohort, moderator: User
) -> None:
    headers = token(moderator)
    url = f"/api/v1/cohorts/{cohort.id}/enrolments"
    sizes = []
    for batch in (2, 20):
        for person in make_learners(batch):
            services.enrol(person, cohort, by=person)
        db.session.flush()
        with count_queries() as statements:
            assert client.get(url, headers=headers).status_code == 200
        sizes.append(len(statements))
    assert sizes[0] == sizes[1]


def test_documented_in_openapi(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/cohorts/{cohort_id}/enrolments"]) == {"get", "post"}
    post = paths["/cohorts/{cohort_id}/enrolments"]["post"]
    assert "201" in post["responses"] and "409" in post["responses"]
    for path in ("/cohorts", "/cohorts/{cohort_id}", "/me/enrolments"):
        assert "get" in paths[path]
    assert "post" in paths["/enrolments/{enrolment_id}/withdraw"]
    assert EnrolmentStatus.WAITING.value == "waiting"
