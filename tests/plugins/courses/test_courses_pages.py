"""Public course pages: catalogue, syllabus, lessons and items, in the visitor's language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import Markup

from academy.core.accounts.models import Role
from academy.extensions import db
from academy.plugins.courses.hooks import EXTENSION, register_item_panel
from academy.plugins.courses.models import Course, CourseText, Item
from tests.conftest import login
from tests.factories import make_user
from tests.plugins.courses.courses_support import count_queries, text
from tests.plugins.courses.factories import make_course

FR = {"Accept-Language": "fr"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def course(app: Flask) -> Course:
    course = make_course("peer")
    db.session.commit()  # keep it past requests that fail and roll back
    return course


def test_catalogue_shows_published_courses_with_languages(
    client: FlaskClient, course: Course
) -> None:
    make_course("draft", published=False)
    page = text(client.get("/courses", headers=EN))
    assert "Peer exchanges" in page and "Learn from peers." in page
    assert '<span class="badge" lang="en">English</span>' in page
    assert '<span class="badge" lang="en">French</span>' in page
    assert "3 lessons" in page
    assert "/courses/draft" not in page


def test_catalogue_in_french_shows_french_titles(client: FlaskClient, course: Course) -> None:
    page = text(client.get("/courses", headers=FR))
    assert "Échanges entre pairs" in page and "français" in page


def test_catalogue_is_in_the_navigation(client: FlaskClient, course: Course) -> None:
    assert 'href="/courses"' in text(client.get("/", headers=EN))


def test_syllabus_shows_what_the_course_covers(client: FlaskClient, course: Course) -> None:
    response = client.get("/courses/peer", headers=EN)
    assert response.status_code == 200
    page = text(response)
    for expected in (
        "<h1>Peer exchanges</h1>",
        "Learn from peers.",
        "<p>About it.</p>",
        "Module 1:",
        "Basics",
        "Practice",
        "Introduction",
        "Third lesson",
        "Exchange plan",
        "10 min",
        "1.1 hours",
        "CC-BY-SA-4.0",
        "1.2.0",
        "Network Academy",
        "First Academy, version 1.0.0",
        "English",
        "French",
    ):
        assert expected in page, expected
    assert "Old lesson" not in page


def test_unpublished_course_is_hidden_from_visitors(client: FlaskClient) -> None:
    make_course("draft", published=False)
    db.session.commit()
    assert client.get("/courses/draft").status_code == 404
    assert client.get("/courses/draft/lessons/intro").status_code == 404
    assert client.get("/courses/unknown").status_code == 404


def test_managers_preview_unpublished_courses(client: FlaskClient) -> None:
    make_course("draft", published=False)
    login(client, make_user(roles=[Role.MANAGER]))
    response = client.get("/courses/draft", headers=EN)
    assert response.status_code == 200
    assert "This course is not published" in text(response)


def test_lesson_in_the_visitors_language(client: FlaskClient, course: Course) -> None:
    page = text(client.get("/courses/peer/lessons/intro", headers=FR))
    assert "<h1>Présentation</h1>" in page
    assert "Corps <strong>fr</strong>." in page
    assert "Parlez" in page  # the discussion prompt
    assert 'class="notice"' not in page


def test_lesson_falls_back_to_the_source_language_with_a_notice(
    client: FlaskClient, course: Course
) -> None:
    page = text(client.get("/courses/peer/lessons/third", headers=FR))
    assert '<h1 lang="en">Third lesson</h1>' in page
    assert "Body of <strong>Third lesson</strong>." in page
    notice = page.split('class="notice"', 1)[1].split("</p>", 1)[0]
    assert "français" in notice and "anglais" in notice


def test_fallback_notice_names_languages_in_the_interface_language(
    client: FlaskClient, app: Flask
) -> None:
    course = make_course("peer")
    course.source_language = "fr"  # the English text of "intro" becomes a missing translation
    query = sa.select(CourseText).filter_by(course_id=course.id, key="intro", language="en")
    db.session.delete(db.session.scalars(query).one())
    db.session.flush()
    response = client.get("/courses/peer/lessons/intro", headers=EN)
    assert "This lesson is not yet available in English; showing the French version." in text(
        response
    )


def test_stale_translation_is_shown_with_a_notice(client: FlaskClient, course: Course) -> None:
    page = text(client.get("/courses/peer/lessons/second", headers=FR))
    assert "Ancien texte." in page
    assert "version antérieure du texte original" in page  # the notice, in French


def test_lesson_links_to_previous_and_next_and_shows_the_outline(
    client: FlaskClient, course: Course
) -> None:
    page = text(client.get("/courses/peer/lessons/second", headers=EN))
    assert 'href="/courses/peer/lessons/intro" rel="prev"' in page
    assert 'href="/courses/peer/items/basics-quiz" rel="next"' in page
    assert 'href="/courses/peer/lessons/second" aria-current="page"' in page
    assert 'href="/courses/peer/items/plan"' in page
    assert "old-lesson" not in page


def test_quiz_page_shows_intro_but_not_questions(client: FlaskClient, course: Course) -> None:
    page = text(client.get("/courses/peer/items/basics-quiz", headers=EN))
    assert "<h1>Basics quiz</h1>" in page
    assert "Check what you <em>learned</em>." in page
    assert "<dd>2</dd>" in page  # two questions
    assert "70%" in page
    for secret in ("Which one?", "Alpha", "Beta", "B it is."):
        assert secret not in page


def test_assignment_page_shows_the_task(client: FlaskClient, course: Course) -> None:
    page = text(client.get("/courses/peer/items/plan", headers=EN))
    assert "<h1>Exchange plan</h1>" in page and "Write a <strong>plan</strong>." in page


def test_wrong_kind_of_page_redirects(client: FlaskClient, course: Course) -> None:
    response = client.get("/courses/peer/lessons/plan")
    assert response.status_code == 302 and response.location.endswith("/courses/peer/items/plan")
    response = client.get("/courses/peer/items/intro")
    assert response.status_code == 302
    assert response.location.endswith("/courses/peer/lessons/intro")


def test_archived_and_unknown_items_are_not_found(client: FlaskClient, course: Course) -> None:
    assert client.get("/courses/peer/lessons/old-lesson").status_code == 404
    assert client.get("/courses/peer/lessons/nope").status_code == 404
    assert client.get("/courses/peer/items/nope").status_code == 404


@pytest.fixture
def panel(app: Flask) -> Iterator[None]:
    def mark_complete(course: Course, item: Item) -> Markup:
        return Markup("<p id='panel'>Mark {} as complete</p>").format(item.key)

    before = list(app.extensions[EXTENSION])
    register_item_panel(app, mark_complete)
    yield
    app.extensions[EXTENSION] = before


def test_other_plugins_add_actions_to_lesson_pages(
    client: FlaskClient, course: Course, panel: None
) -> None:
    assert "<p id='panel'>Mark intro as complete</p>" in text(
        client.get("/courses/peer/lessons/intro")
    )
    assert "Mark plan as complete" in text(client.get("/courses/peer/items/plan"))


@pytest.mark.parametrize(
    "path",
    [
        "/courses/{slug}",
        "/courses/{slug}/lessons/intro",
        "/courses/{slug}/items/basics-quiz",
    ],
)
def test_pages_run_the_same_queries_for_small_and_large_courses(
    client: FlaskClient, app: Flask, path: str
) -> None:
    small, large = make_course(), make_course(extra_lessons=27)
    counts = []
    for course in (small, large):
        url = path.format(slug=course.slug)
        client.get(url, headers=FR)  # warm up caches
        with count_queries() as statements:
            assert client.get(url, headers=FR).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 6


def test_catalogue_runs_the_same_queries_for_one_or_many_courses(
    client: FlaskClient, app: Flask
) -> None:
    make_course()
    client.get("/courses", headers=FR)
    with count_queries() as few:
        assert client.get("/courses", headers=FR).status_code == 200
    for _ in range(4):
        make_course(extra_lessons=27)
    with count_queries() as many:
        page = client.get("/courses", headers=FR).get_data(as_text=True)
    assert page.count('class="card"') == 5
    assert len(few) == len(many) <= 4
