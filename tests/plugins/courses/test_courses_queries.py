"""Catalogue, texts with language fallback, the outline and translation statuses."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from academy.core.db import utcnow
from academy.extensions import db
from academy.plugins.courses.models import CourseText, TextScope
from academy.plugins.courses.outline import load_outline
from academy.plugins.courses.queries import (
    catalogue,
    get_course_by_slug,
    localised_text,
    text_for,
)
from academy.plugins.courses.status import (
    TextState,
    TranslationStatus,
    course_translations,
    load_translations,
    status_of,
)
from tests.plugins.courses.courses_support import count_queries
from tests.plugins.courses.factories import make_course

S = TranslationStatus


def test_catalogue_lists_published_courses_in_the_language_asked(app_ctx: Flask) -> None:
    course = make_course("peer")
    make_course("hidden", published=False)
    make_course("old").archived_at = utcnow()
    db.session.flush()
    entries = catalogue("fr")
    assert [entry.course.slug for entry in entries] == ["peer"]
    entry = entries[0]
    assert entry.course is course
    assert (entry.title, entry.summary, entry.language) == (
        "Échanges entre pairs",
        "Apprendre.",
        "fr",
    )
    assert entry.lesson_count == 3  # the archived lesson is not counted
    assert entry.languages == ["en", "fr"]


def test_catalogue_falls_back_to_the_source_language(app_ctx: Flask) -> None:
    make_course("peer")
    entry = catalogue("pt")[0]
    assert (entry.title, entry.summary, entry.language) == (
        "Peer exchanges",
        "Learn from peers.",
        "en",
    )


def test_get_course_by_slug(app_ctx: Flask) -> None:
    course = make_course("peer")
    assert get_course_by_slug("peer") is course
    assert get_course_by_slug("nope") is None


def test_text_for_uses_the_translation_when_it_exists(app_ctx: Flask) -> None:
    course = make_course()
    fields, language, fallback = text_for(course, TextScope.LESSON, "intro", "fr")
    assert (fields["title"], language, fallback) == ("Présentation", "fr", False)


def test_text_for_falls_back_to_the_source_language(app_ctx: Flask) -> None:
    course = make_course()
    fields, language, fallback = text_for(course, TextScope.LESSON, "third", "fr")
    assert (fields["title"], language, fallback) == ("Third lesson", "en", True)
    fields, language, fallback = text_for(course, TextScope.LESSON, "third", "en")
    assert (fields["title"], language, fallback) == ("Third lesson", "en", False)


def test_text_for_an_unknown_key_is_empty(app_ctx: Flask) -> None:
    course = make_course()
    assert text_for(course, TextScope.LESSON, "nope", "fr") == ({}, "en", True)


def test_a_stale_translation_is_shown_and_flagged(app_ctx: Flask) -> None:
    course = make_course()
    stale = localised_text(course, TextScope.LESSON, "second", "fr")
    assert (stale.fields["title"], stale.is_fallback, stale.is_stale) == (
        "Deuxièmes pas",
        False,
        True,
    )
    assert not localised_text(course, TextScope.LESSON, "intro", "fr").is_stale


def test_outline_has_live_items_with_titles_in_one_language(app_ctx: Flask) -> None:
    course = make_course()
    outline = load_outline(course, "fr")
    assert [module.module.key for module in outline.modules] == ["basics", "practice"]
    assert [(m.title, m.language) for m in outline.modules] == [("Bases", "fr"), ("Practice", "en")]
    assert [entry.key for entry in outline.items] == [
        "intro",
        "second",
        "basics-quiz",
        "third",
        "plan",
    ]
    titles = {entry.key: (entry.title, entry.language) for entry in outline.items}
    assert titles["intro"] == ("Présentation", "fr")
    assert titles["plan"] == ("Exchange plan", "en")
    assert (outline.title, outline.title_language) == ("Échanges entre pairs", "fr")
    assert outline.lesson_count == 3


def test_outline_hours_count_required_items_only(app_ctx: Flask) -> None:
    outline = load_outline(make_course(), "en")
    assert outline.required_minutes == 10 + 15 + 10 + 30  # "third" is optional


def test_outline_neighbours(app_ctx: Flask) -> None:
    outline = load_outline(make_course(), "en")
    before, after = outline.neighbours("intro")
    assert before is None and after is not None and after.key == "second"
    before, after = outline.neighbours("plan")
    assert before is not None and before.key == "third" and after is None
    assert outline.neighbours("old-lesson") == (None, None)


def test_translation_statuses(app_ctx: Flask) -> None:
    course = make_course()
    report = {row.key: row.status for row in course_translations(course).report("fr")}
    assert report == {
        "": S.UP_TO_DATE,
        "basics": S.UP_TO_DATE,
        "intro": S.UP_TO_DATE,
        "second": S.STALE,
        "basics-quiz": S.MISSING,
        "practice": S.MISSING,
        "third": S.MISSING,
        "plan": S.MISSING,
    }  # the archived lesson is not listed


def test_a_local_translation_that_matches_its_source_is_local(app_ctx: Flask) -> None:
    course = make_course()
    query = sa.select(CourseText).filter_by(course_id=course.id, key="intro", language="fr")
    row = db.session.scalars(query).one()
    row.local = True
    db.session.flush()
    state = course_translations(course)
    statuses = {r.key: r.status for r in state.report("fr")}
    assert statuses["intro"] == S.LOCAL and S.LOCAL.is_up_to_date
    assert state.counts("fr") == {S.UP_TO_DATE: 2, S.LOCAL: 1, S.STALE: 1, S.MISSING: 4}
    assert state.languages == ["fr"]


def test_every_text_is_missing_in_a_language_without_translations(app_ctx: Flask) -> None:
    course = make_course()
    assert course_translations(course).counts("pt") == {S.MISSING: 8}


def test_status_of() -> None:
    source = TextState("abc", None, False, "T")
    assert status_of(source, None) == S.MISSING
    assert status_of(source, TextState("x", "abc", False, "T")) == S.UP_TO_DATE
    assert status_of(source, TextState("x", "abc", True, "T")) == S.LOCAL
    assert status_of(source, TextState("x", "old", True, "T")) == S.STALE
    assert status_of(source, TextState("x", None, False, "T")) == S.STALE


def test_statuses_of_many_courses_load_in_bounded_queries(app_ctx: Flask) -> None:
    few = [make_course()]
    many = [make_course(extra_lessons=5) for _ in range(4)]
    with count_queries() as for_few:
        load_translations(few)
    with count_queries() as for_many:
        states = load_translations(many)
    assert len(for_few) == len(for_many) <= 3
    assert states[many[0].id].counts("fr")[S.MISSING] == 4 + 5
