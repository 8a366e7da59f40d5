"""Translator pages: statuses per language and the side-by-side translation editor."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from academy.core.accounts.models import Role, User
from academy.extensions import db
from academy.plugins.courses.models import Course, CourseText, TextScope
from academy.plugins.courses.services import fields_hash
from academy.plugins.courses.status import TranslationStatus, course_translations
from tests.conftest import login
from tests.factories import make_user
from tests.plugins.courses.courses_support import events, redirects_to_login, text
from tests.plugins.courses.factories import make_course

EN = {"Accept-Language": "en"}
LESSON = {
    "title": "Troisième leçon",
    "body": "Le **corps**.\r\n\r\nSuite.",
    "discussion_prompt": "?",
}


@pytest.fixture
def course(app: Flask) -> Course:
    course = make_course("peer")
    db.session.commit()  # keep it past requests that fail and roll back
    return course


@pytest.fixture
def translator(app: Flask, client: FlaskClient) -> User:
    user = make_user(roles=[Role.MANAGER])
    db.session.commit()
    login(client, user)
    return user


def row(course: Course, key: str, language: str) -> CourseText | None:
    query = sa.select(CourseText).filter_by(course_id=course.id, key=key, language=language)
    return db.session.scalar(query)


def status(course: Course, key: str, language: str = "fr") -> TranslationStatus:
    return {r.key: r.status for r in course_translations(course).report(language)}[key]


def test_anonymous_and_learners_are_refused(client: FlaskClient, course: Course) -> None:
    assert redirects_to_login(client.get("/courses/peer/translations"))
    assert redirects_to_login(
        client.post("/courses/peer/translations/fr/lesson/third", data=LESSON)
    )
    learner = make_user()
    db.session.commit()
    login(client, learner)
    assert client.get("/courses/peer/translations").status_code == 403
    assert client.get("/courses/peer/translations/fr/lesson/third").status_code == 403
    assert client.post("/courses/peer/translations/fr/lesson/third", data=LESSON).status_code == 403
    assert row(course, "third", "fr") is None


def test_translations_page_lists_statuses(
    client: FlaskClient, course: Course, translator: User
) -> None:
    page = text(client.get("/courses/peer/translations?language=fr", headers=EN))
    assert "Out of date" in page and "Missing" in page and "Up to date" in page
    assert 'href="/courses/peer/translations/fr/lesson/second"' in page
    assert 'href="/courses/peer/translations/fr/course"' in page
    assert 'href="/courses/peer/translations/fr/quiz/basics-quiz"' in page
    assert "old-lesson" not in page
    assert "Portuguese" in page  # a language of the interface can be started
    assert 'href="/courses/peer/translations?language=en"' not in page  # the source language


def test_editor_shows_the_source_beside_the_fields(
    client: FlaskClient, course: Course, translator: User
) -> None:
    page = text(client.get("/courses/peer/translations/fr/lesson/second", headers=EN))
    assert "Body of <strong>Second steps</strong>." in page  # the source, rendered
    assert "Body of **Second steps**." in page  # and as Markdown
    assert 'value="Deuxièmes pas"' in page  # the current translation
    assert 'name="discussion_prompt"' in page


def test_saving_a_translation_makes_it_up_to_date(
    client: FlaskClient, course: Course, translator: User
) -> None:
    assert status(course, "third") == TranslationStatus.MISSING
    response = client.post("/courses/peer/translations/fr/lesson/third", data=LESSON)
    assert response.status_code == 302
    assert response.location.endswith("/courses/peer/translations?language=fr")
    saved = row(course, "third", "fr")
    source = row(course, "third", "en")
    assert saved is not None and source is not None
    assert saved.fields == {**LESSON, "body": "Le **corps**.\n\nSuite."}
    assert saved.local and saved.source_hash == source.content_hash
    assert saved.content_hash == fields_hash(saved.fields)
    assert status(course, "third").is_up_to_date
    event = events("course.translation_saved")[0]
    assert event.actor_id == translator.id
    assert event.details == {"scope": "lesson", "key": "third", "language": "fr"}
    page = text(client.get("/courses/peer/lessons/third", headers={"Accept-Language": "fr"}))
    assert "Le <strong>corps</strong>." in page and 'class="notice"' not in page


def test_updating_a_stale_translation(
    client: FlaskClient, course: Course, translator: User
) -> None:
    assert status(course, "second") == TranslationStatus.STALE
    data = {"title": "Deuxièmes pas", "body": "Nouveau texte.", "discussion_prompt": ""}
    assert client.post("/courses/peer/translations/fr/lesson/second", data=data).status_code == 302
    assert status(course, "second") == TranslationStatus.LOCAL


def quiz_form(**changes: str) -> dict[str, Any]:
    data = {
        "title": "Quiz des bases",
        "intro": "Vérifiez.",
        "q__q-one__text": "Laquelle ?",
        "q__q-one__feedback": "C'est B.",
        "q__q-one__c__a": "Alpha fr",
        "q__q-one__c__b": "Bêta",
        "q__q-one__c__c": "Gamma fr",
        "q__q-two__text": "Vrai ?",
        "q__q-two__feedback": "",
        "q__q-two__c__true": "Oui",
        "q__q-two__c__false": "Non",
    }
    data.update(changes)
    return data


def test_translating_a_quiz_stores_each_question(
    client: FlaskClient, course: Course, translator: User
) -> None:
    response = client.post("/courses/peer/translations/fr/quiz/basics-quiz", data=quiz_form())
    assert response.status_code == 302
    saved = row(course, "basics-quiz", "fr")
    assert saved is not None
    assert saved.fields == {
        "title": "Quiz des bases",
        "intro": "Vérifiez.",
        "questions": {
            "q-one": {
                "text": "Laquelle ?",
                "feedback": "C'est B.",
                "choices": {"a": "Alpha fr", "b": "Bêta", "c": "Gamma fr"},
            },
            "q-two": {"text": "Vrai ?", "feedback": "", "choices": {"true": "Oui", "false": "Non"}},
        },
    }
    assert status(course, "basics-quiz") == TranslationStatus.LOCAL


def test_translating_the_course_itself(
    client: FlaskClient, course: Course, translator: User
) -> None:
    data = {"title": "Pares", "summary": "Aprender.", "body": "Sobre."}
    assert client.post("/courses/peer/translations/pt/course", data=data).status_code == 302
    saved = row(course, "", "pt")
    assert saved is not None and saved.scope == TextScope.COURSE and saved.fields == data


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/courses/peer/translations/fr/lesson/third", {**LESSON, "title": "  "}),
        ("/courses/peer/translations/fr/lesson/third", {**LESSON, "body": ""}),
        ("/courses/peer/translations/fr/quiz/basics-quiz", quiz_form(title="")),
        ("/courses/peer/translations/fr/quiz/basics-quiz", quiz_form(**{"q__q-one__c__b": ""})),
        ("/courses/peer/translations/fr/lesson/third", {**LESSON, "title": "x" * 201}),
    ],
)
def test_invalid_input_changes_nothing(
    client: FlaskClient, course: Course, translator: User, url: str, data: dict[str, str]
) -> None:
    response = client.post(url, data=data, headers=EN)
    assert response.status_code == 422
    assert "Please correct the following" in text(response)
    assert row(course, "third", "fr") is None and row(course, "basics-quiz", "fr") is None
    assert not events("course.translation_saved")


def test_invalid_input_keeps_what_was_typed(
    client: FlaskClient, course: Course, translator: User
) -> None:
    second = row(course, "second", "fr")
    assert second is not None
    before = (dict(second.fields), second.source_hash)
    data = {"title": "", "body": "Texte tapé.", "discussion_prompt": ""}
    response = client.post("/courses/peer/translations/fr/lesson/second", data=data, headers=EN)
    assert response.status_code == 422
    assert "Texte tapé." in text(response)
    db.session.expire_all()
    second = row(course, "second", "fr")
    assert second is not None and (second.fields, second.source_hash) == before
    assert status(course, "second") == TranslationStatus.STALE


@pytest.mark.parametrize(
    "url",
    [
        "/courses/peer/translations/en/lesson/third",  # the source language
        "/courses/peer/translations/xx/lesson/third",  # not a language of this academy
        "/courses/peer/translations/fr/lesson/old-lesson",  # archived
        "/courses/peer/translations/fr/lesson/plan",  # an assignment, not a lesson
        "/courses/peer/translations/fr/page/third",  # no such scope
        "/courses/peer/translations/fr/lesson/nope",
        "/courses/nope/translations/fr/lesson/third",
    ],
)
def test_what_cannot_be_translated_is_not_found(
    client: FlaskClient, course: Course, translator: User, url: str
) -> None:
    assert client.get(url).status_code == 404
    assert client.post(url, data=LESSON).status_code == 404


def test_translations_of_an_unknown_course_are_not_found(
    client: FlaskClient, translator: User
) -> None:
    assert client.get("/courses/nope/translations").status_code == 404


def test_saving_needs_a_valid_csrf_token(
    client: FlaskClient, course: Course, translator: User, csrf_enabled: None
) -> None:
    response = client.post("/courses/peer/translations/fr/lesson/third", data=LESSON)
    assert response.status_code == 400
    assert row(course, "third", "fr") is None
