"""The learning API: a learner completes a course through it; moderators read progress."""

from __future__ import annotations

import json

from flask.testing import FlaskClient

from academy.core.api.tokens import create_token
from academy.extensions import db
from academy.plugins.cohorts.models import EnrolmentStatus
from academy.plugins.learning import services
from tests.factories import make_user
from tests.plugins.learning.factories import enrol, item, make_cohort, make_moderator


def bearer(user) -> dict[str, str]:
    _token, secret = create_token(user, name="test")
    db.session.flush()
    return {"Authorization": f"Bearer {secret}"}


def test_a_learner_completes_a_course_through_the_api(client: FlaskClient) -> None:
    moderator = make_moderator()
    enrolment = enrol(cohort=make_cohort(moderators=[moderator]))
    headers = bearer(enrolment.user)
    for key in ("intro", "second"):
        lesson = item(enrolment, key)
        done = client.post(f"/api/v1/lessons/{lesson.id}/complete", json={}, headers=headers)
        assert done.status_code == 200 and done.json["first_time"] is True
    again = client.post(
        f"/api/v1/lessons/{item(enrolment, 'intro').id}/complete", json={}, headers=headers
    )
    assert again.json["first_time"] is False and again.json["progress"]["percent"] == 50
    quiz = item(enrolment, "basics-quiz")
    failed = client.post(
        f"/api/v1/quizzes/{quiz.id}/attempts", headers=headers, json={"answers": {"q-one": ["a"]}}
    )
    assert failed.status_code == 201 and failed.json["passed"] is False
    assert failed.json["attempts_left"] == 2
    passed = client.post(
        f"/api/v1/quizzes/{quiz.id}/attempts",
        headers=headers,
        json={"answers": {"q-one": ["b"], "q-two": ["true"]}},
    )
    assert passed.json["passed"] is True and passed.json["score"] == 100
    submission = services.submit_assignment(enrolment, item(enrolment, "plan"), text="Plan")
    services.review_submission(submission, accept=True, feedback="", by=moderator)
    progress = client.get(f"/api/v1/me/enrolments/{enrolment.id}/progress", headers=headers)
    assert progress.json["percent"] == 100 and progress.json["completed"] is True
    assert progress.json["status"] == EnrolmentStatus.COMPLETED.value


def test_api_refuses_what_is_not_yours(client: FlaskClient) -> None:
    enrolment, stranger = enrol(), make_user()
    headers, own = bearer(stranger), bearer(enrolment.user)
    lesson = item(enrolment, "intro")
    db.session.commit()  # keep the set-up when an error response rolls back
    refused = client.post(f"/api/v1/lessons/{lesson.id}/complete", json={}, headers=headers)
    assert refused.status_code == 403
    mine = client.get(f"/api/v1/me/enrolments/{enrolment.id}/progress", headers=headers)
    assert mine.status_code == 404
    for path in ("progress", "xapi"):
        response = client.get(f"/api/v1/cohorts/{enrolment.cohort_id}/{path}", headers=headers)
        assert response.status_code == 403
    assert client.post(f"/api/v1/lessons/{lesson.id}/complete", json={}).status_code == 401
    bad = client.post(
        f"/api/v1/quizzes/{lesson.id}/attempts",
        json={"answers": {}},
        headers=own,
    )
    assert bad.status_code == 404  # a lesson is not a quiz


def test_moderators_read_progress_and_xapi(client: FlaskClient) -> None:
    moderator = make_moderator()
    enrolment = enrol(cohort=make_cohort(moderators=[moderator]))
    services.complete_lesson(enrolment, item(enrolment, "intro"))
    headers = bearer(moderator)
    body = client.get(f"/api/v1/cohorts/{enrolment.cohort_id}/progress", headers=headers).json
    assert [(r["enrolment_id"], r["percent"]) for r in body["items"]] == [(enrolment.id, 25)]
    xapi = client.get(f"/api/v1/cohorts/{enrolment.cohort_id}/xapi", headers=headers)
    assert xapi.mimetype == "application/x-ndjson"
    statement = json.loads(xapi.text.splitlines()[0])
    assert statement["verb"]["id"] == "http://adl.gov/expapi/verbs/completed"
