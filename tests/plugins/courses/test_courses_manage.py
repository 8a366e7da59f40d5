"""Manager pages: the list of every course, publish and archive (audited)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from academy.core.accounts.models import Role, User
from academy.extensions import db
from academy.plugins.courses.models import Course
from tests.conftest import login
from tests.factories import make_user
from tests.plugins.courses.courses_support import (
    count_queries,
    events,
    redirects_to_login,
    text,
)
from tests.plugins.courses.factories import make_course

EN = {"Accept-Language": "en"}
ACTIONS = ["publish", "unpublish", "archive", "unarchive"]


@pytest.fixture
def course(app: Flask) -> Course:
    course = make_course("peer")
    db.session.commit()  # keep it past requests that fail and roll back
    return course


@pytest.fixture
def manager(app: Flask) -> User:
    user = make_user(roles=[Role.MANAGER])
    db.session.commit()
    return user


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient, course: Course) -> None:
    assert redirects_to_login(client.get("/courses/manage"))
    for action in ACTIONS:
        assert redirects_to_login(client.post(f"/courses/manage/peer/{action}"))
    assert course.published and course.archived_at is None


def test_learners_are_refused(client: FlaskClient, course: Course) -> None:
    learner = make_user(roles=[Role.LEARNER, Role.MODERATOR])
    db.session.commit()
    login(client, learner)
    assert client.get("/courses/manage").status_code == 403
    for action in ACTIONS:
        assert client.post(f"/courses/manage/peer/{action}").status_code == 403
    assert course.published and course.archived_at is None
    assert not events("course.unpublished") and not events("course.archived")


def test_manager_sees_every_course_with_translation_gaps(
    client: FlaskClient, course: Course, manager: User
) -> None:
    make_course("draft", published=False)
    login(client, manager)
    page = text(client.get("/courses/manage", headers=EN))
    assert "/courses/draft" in page and "Not published" in page
    assert "Imported" in page and "1.2.0" in page and "Network Academy" in page
    assert "French" in page
    assert "4 missing" in page and "1 out of date" in page
    assert 'href="/courses/manage"' in page  # the navigation entry


def test_admins_may_manage_courses(client: FlaskClient, course: Course) -> None:
    login(client, make_user(roles=[Role.ADMIN]))
    assert client.get("/courses/manage").status_code == 200


def test_unpublish_and_publish_are_audited(
    client: FlaskClient, course: Course, manager: User
) -> None:
    login(client, manager)
    response = client.post("/courses/manage/peer/unpublish")
    assert response.status_code == 302 and response.location.endswith("/courses/manage")
    assert not course.published
    assert [e.actor_id for e in events("course.unpublished")] == [manager.id]
    assert client.post("/courses/manage/peer/unpublish").status_code == 302
    assert len(events("course.unpublished")) == 1  # nothing changed the second time
    client.post("/courses/manage/peer/publish")
    assert course.published
    assert events("course.published")[0].target_label == "peer"


def test_archive_and_unarchive_are_audited(
    client: FlaskClient, course: Course, manager: User
) -> None:
    login(client, manager)
    client.post("/courses/manage/peer/archive")
    assert course.archived_at is not None
    assert client.get("/courses", headers=EN).get_data(as_text=True).count("/courses/peer") == 0
    client.post("/courses/manage/peer/unarchive")
    assert course.archived_at is None
    assert len(events("course.archived")) == len(events("course.unarchived")) == 1


def test_actions_need_a_valid_csrf_token(
    client: FlaskClient, course: Course, manager: User, csrf_enabled: None
) -> None:
    login(client, manager)
    assert client.post("/courses/manage/peer/unpublish").status_code == 400
    assert course.published and not events("course.unpublished")


def test_unknown_course_is_not_found(client: FlaskClient, manager: User) -> None:
    login(client, manager)
    assert client.post("/courses/manage/nope/publish").status_code == 404


def test_manage_page_queries_do_not_grow_with_courses(client: FlaskClient, manager: User) -> None:
    login(client, manager)
    make_course()
    client.get("/courses/manage")
    with count_queries() as few:
        client.get("/courses/manage")
    for _ in range(3):
        make_course(extra_lessons=10)
    with count_queries() as many:
        client.get("/courses/manage")
    assert len(few) == len(many)
