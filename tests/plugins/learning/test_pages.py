"""The learner's and the moderator's pages, their rights, and their query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from flask.testing import FlaskClient

from academy.core.db import utcnow
from academy.extensions import db
from academy.plugins.learning import services
from academy.plugins.learning.models import Progress, Submission
from tests.conftest import login
from tests.core.admin.admin_support import count_queries
from tests.factories import make_user
from tests.plugins.learning.factories import enrol, item, make_cohort, make_moderator


def learn(enrolment, key: str = "") -> str:
    suffix = f"/items/{key}" if key else ""
    return f"/learn/{enrolment.id}{suffix}"


def test_a_learner_studies_through_the_pages(client: FlaskClient) -> None:
    enrolment = enrol()
    login(client, enrolment.user)
    page = client.get("/learn/")
    assert page.status_code == 200 and "Peer exchanges" in page.text and "Introduction" in page.text
    lesson = client.get(learn(enrolment, "intro"))
    assert "Mark as complete" in lesson.text and 'aria-current="page"' in lesson.text
    done = client.post(f"{learn(enrolment, 'intro')}/complete")
    assert done.status_code == 302 and done.location.endswith(learn(enrolment, "second"))
    again = client.post(f"{learn(enrolment, 'intro')}/complete")
    assert again.status_code == 302
    assert db.session.get(Progress, enrolment.id).required_done == 1
    overview = client.get(learn(enrolment))
    assert "25% done" in overview.text and "Continue: Second steps" in overview.text


def test_quiz_pages_show_score_and_feedback(client: FlaskClient) -> None:
    enrolment = enrol()
    db.session.commit()  # keep the set-up when a 422 response rolls back
    login(client, enrolment.user)
    form = client.get(learn(enrolment, "basics-quiz"))
    assert 'name="q-q-one"' in form.text
    posted = client.post(f"{learn(enrolment, 'basics-quiz')}/attempts", data={"q-q-one": "a"})
    assert posted.status_code == 302
    result = client.get(posted.location)
    assert (
        "Attempt 1: 0%" in result.text
        and "Not passed" in result.text
        and "Try again" in result.text
    )
    empty = client.post(f"{learn(enrolment, 'basics-quiz')}/attempts", data={})
    assert empty.status_code == 422 and "Answer at least one question" in empty.text


def test_assignment_upload_and_review_through_the_pages(client: FlaskClient) -> None:
    import io

    moderator = make_moderator()
    enrolment = enrol(cohort=make_cohort(moderators=[moderator]))
    db.session.commit()  # keep the set-up when a 422 response rolls back
    login(client, enrolment.user)
    url = f"{learn(enrolment, 'plan')}/submissions"
    lying = client.post(
        url,
        data={"text": "", "file": (io.BytesIO(b"<script>"), "plan.pdf")},
        content_type="multipart/form-data",
    )
    assert lying.status_code == 422 and "not a pdf file" in lying.text
    good = client.post(
        url,
        data={"text": "My <b>plan</b>", "file": (io.BytesIO(b"%PDF-1.4 x"), "plan.pdf")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    submission = db.session.scalar(sa.select(Submission))
    page = client.get(learn(enrolment, "plan"))
    assert "My &lt;b&gt;plan&lt;/b&gt;" in page.text and "Waiting for review" in page.text
    with client.get(f"/learn/submissions/{submission.id}/file") as download:
        assert download.data == b"%PDF-1.4 x"
    login(client, moderator)
    board = client.get(f"/learn/cohorts/{enrolment.cohort_id}/dashboard")
    assert board.status_code == 200 and f"/learn/submissions/{submission.id}/review" in board.text
    missing = client.post(f"/learn/submissions/{submission.id}/review", data={"decision": "revise"})
    assert missing.status_code == 422 and "feedback is required" in missing.text
    login(client, moderator)
    done = client.post(
        f"/learn/submissions/{submission.id}/review",
        data={"decision": "accept", "feedback": "Fine"},
    )
    assert done.status_code == 302
    with client.get(f"/learn/submissions/{submission.id}/file") as download:
        assert download.status_code == 200


def test_rights_on_learning_pages(client: FlaskClient) -> None:
    enrolment, stranger, moderator = enrol(), make_user(), make_moderator()
    cohort = enrolment.cohort
    submission = services.submit_assignment(
        enrolment, item(enrolment, "plan"), text="x", file=("a.txt", b"hello")
    )
    urls = [learn(enrolment), learn(enrolment, "intro"), f"/learn/submissions/{submission.id}/file"]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    login(client, stranger)
    for url in urls:
        assert client.get(url).status_code == 404, url
    login(client, moderator)  # a moderator, but not of this cohort
    for url in (
        f"/learn/cohorts/{cohort.id}/dashboard",
        f"/learn/cohorts/{cohort.id}/progress.csv",
        f"/learn/cohorts/{cohort.id}/xapi.jsonl",
        f"/learn/submissions/{submission.id}/review",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/learn/enrolments/{enrolment.id}/sign-off").status_code == 403


def _dashboard_queries(client: FlaskClient, learners: int) -> int:
    moderator = make_moderator()
    cohort = make_cohort(moderators=[moderator])
    old = utcnow() - timedelta(days=30)
    for _ in range(learners):
        enrolment = enrol(cohort=cohort)
        services.complete_lesson(enrolment, item(enrolment, "intro"))
        services.submit_quiz(enrolment, item(enrolment, "basics-quiz"), {"q-one": ["a"]})
        services.submit_assignment(enrolment, item(enrolment, "plan"), text="plan")
        db.session.get(Progress, enrolment.id).last_activity_at = old
    db.session.flush()
    login(client, moderator)
    with count_queries() as statements:
        page = client.get(f"/learn/cohorts/{cohort.id}/dashboard")
    assert page.status_code == 200
    assert page.text.count("no activity for") == learners
    return len(statements)


def test_dashboard_runs_a_bounded_number_of_queries(client: FlaskClient) -> None:
    assert _dashboard_queries(client, 2) == _dashboard_queries(client, 12)


def _my_learning_queries(client: FlaskClient, enrolments: int) -> int:
    user = make_user()
    for _ in range(enrolments):
        enrol(user=user)
    login(client, user)
    with count_queries() as statements:
        page = client.get("/learn/")
    assert len(re.findall(r"Open the course", page.text)) == enrolments
    return len(statements)


def test_my_learning_runs_a_bounded_number_of_queries(client: FlaskClient) -> None:
    assert _my_learning_queries(client, 1) == _my_learning_queries(client, 6)


def test_exports(client: FlaskClient) -> None:
    import json

    moderator = make_moderator()
    enrolment = enrol(cohort=make_cohort(moderators=[moderator]))
    services.complete_lesson(enrolment, item(enrolment, "intro"))
    services.submit_quiz(
        enrolment, item(enrolment, "basics-quiz"), {"q-one": ["b"], "q-two": ["true"]}
    )
    enrolment.user.name = "=HYPERLINK(evil)"
    login(client, moderator)
    csv_text = client.get(f"/learn/cohorts/{enrolment.cohort_id}/progress.csv").text
    assert "'=HYPERLINK(evil)" in csv_text and "Basics" in csv_text
    lines = client.get(f"/learn/cohorts/{enrolment.cohort_id}/xapi.jsonl").text.splitlines()
    statements = [json.loads(line) for line in lines]
    verbs = sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in statements)
    assert verbs == ["attempted", "completed", "completed", "passed"]
    assert all(s["actor"]["account"]["name"] == str(enrolment.user_id) for s in statements)
    assert all(s["version"] == "1.0.3" and "@" not in json.dumps(s["actor"]) for s in statements)


def test_my_learning_shows_the_announcements_panel(client: FlaskClient) -> None:
    enrolment = enrol()
    login(client, enrolment.user)
    page = client.get("/learn/")
    assert "Announcements" in page.text and "unread notification" in page.text
