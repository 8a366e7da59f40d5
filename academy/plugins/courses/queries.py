"""Read-only course queries: catalogue, lookups, texts in a language with fallback.

Every function runs a fixed number of SQL statements, whatever the number of
courses, modules or items (pages built on them must stay bounded).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from academy.extensions import db
from academy.plugins.courses.models import Course, CourseText, Item, ItemType, Module, TextScope


@dataclass(frozen=True)
class LocalisedText:
    """A text in the language asked for, or in the source language when missing."""

    fields: dict[str, Any]
    language: str
    is_fallback: bool
    #: The translation shown was made from an older source text.
    is_stale: bool = False


@dataclass(frozen=True)
class CatalogueEntry:
    course: Course
    title: str
    summary: str
    language: str  # the language of title and summary
    lesson_count: int
    languages: list[str]


def get_course_by_slug(slug: str) -> Course | None:
    return db.session.scalar(sa.select(Course).where(Course.slug == slug))


def course_languages(course_ids: Sequence[int]) -> dict[int, list[str]]:
    """The languages each course has texts in, sorted."""
    query = (
        sa.select(CourseText.course_id, CourseText.language)
        .where(CourseText.course_id.in_(course_ids))
        .distinct()
    )
    languages: dict[int, list[str]] = defaultdict(list)
    for course_id, language in db.session.execute(query):
        languages[course_id].append(language)
    return {course_id: sorted(codes) for course_id, codes in languages.items()}


def lesson_counts(course_ids: Sequence[int]) -> dict[int, int]:
    """The number of lessons (not archived, in modules not archived) of each course."""
    query = (
        sa.select(Item.course_id, sa.func.count())
        .join(Module, Item.module_id == Module.id)
        .where(Item.course_id.in_(course_ids), Item.type == ItemType.LESSON)
        .where(Item.archived_at.is_(None), Module.archived_at.is_(None))
        .group_by(Item.course_id)
    )
    return {course_id: count for course_id, count in db.session.execute(query)}


def pick(
    rows: Iterable[CourseText], language: str, source_language: str
) -> dict[tuple[TextScope, str], LocalisedText]:
    """For each (scope, key), the row in ``language``, else the one in the source language."""
    by_language: dict[tuple[TextScope, str], dict[str, CourseText]] = defaultdict(dict)
    for row in rows:
        by_language[(row.scope, row.key)][row.language] = row
    return {
        unit: localise(versions, language, source_language)
        for unit, versions in by_language.items()
        if language in versions or source_language in versions
    }


def localise(versions: dict[str, CourseText], language: str, source: str) -> LocalisedText:
    """The text of one unit from its rows per language (at least one of the two present)."""
    original = versions.get(source)
    wanted = versions.get(language)
    if wanted is None:
        assert original is not None
        return LocalisedText(dict(original.fields), source, language != source)
    stale = (
        original is not None and language != source and wanted.source_hash != original.content_hash
    )
    return LocalisedText(dict(wanted.fields), language, False, stale)


def course_texts(
    course: Course, language: str, scopes: Sequence[TextScope], key: str | None = None
) -> dict[tuple[TextScope, str], LocalisedText]:
    """Full texts of the given scopes (and key) in ``language`` with fallback: one query."""
    query = sa.select(CourseText).where(
        CourseText.course_id == course.id,
        CourseText.scope.in_(scopes),
        CourseText.language.in_({language, course.source_language}),
    )
    if key is not None:
        query = query.where(CourseText.key == key)
    return pick(db.session.scalars(query), language, course.source_language)


def localised_text(course: Course, scope: TextScope, key: str, language: str) -> LocalisedText:
    """One unit's text in ``language``, else in the source language (empty if neither)."""
    found = course_texts(course, language, [scope], key).get((scope, key))
    return found or LocalisedText({}, course.source_language, language != course.source_language)


def text_for(
    course: Course, scope: TextScope, key: str, language: str
) -> tuple[dict[str, Any], str, bool]:
    """(fields, language used, whether it is the source-language fallback)."""
    text = localised_text(course, scope, key, language)
    return text.fields, text.language, text.is_fallback


def _course_heads(courses: Sequence[Course], language: str) -> dict[int, LocalisedText]:
    """Each course's own text (title, summary) in ``language`` with fallback: one query."""
    wanted = {language} | {course.source_language for course in courses}
    query = sa.select(CourseText).where(
        CourseText.course_id.in_([course.id for course in courses]),
        CourseText.scope == TextScope.COURSE,
        CourseText.language.in_(wanted),
    )
    rows: dict[int, list[CourseText]] = defaultdict(list)
    for row in db.session.scalars(query):
        rows[row.course_id].append(row)
    heads: dict[int, LocalisedText] = {}
    for course in courses:
        found = pick(rows[course.id], language, course.source_language)
        heads[course.id] = found.get((TextScope.COURSE, ""), LocalisedText({}, language, False))
    return heads


def catalogue(language: str) -> list[CatalogueEntry]:
    """Published, non-archived courses with their title and summary in ``language``."""
    query = sa.select(Course).where(Course.published.is_(True), Course.archived_at.is_(None))
    return sorted(describe_courses(list(db.session.scalars(query)), language), key=_title_key)


def describe_courses(courses: Sequence[Course], language: str) -> list[CatalogueEntry]:
    """Title, summary, lesson count and languages of each course, in four queries."""
    if not courses:
        return []
    ids = [course.id for course in courses]
    heads = _course_heads(courses, language)
    counts, languages = lesson_counts(ids), course_languages(ids)
    return [
        CatalogueEntry(
            course=course,
            title=str(heads[course.id].fields.get("title") or course.slug),
            summary=str(heads[course.id].fields.get("summary") or ""),
            language=heads[course.id].language,
            lesson_count=counts.get(course.id, 0),
            languages=languages.get(course.id, []),
        )
        for course in courses
    ]


def _title_key(entry: CatalogueEntry) -> tuple[str, str]:
    return entry.title.casefold(), entry.course.slug


def all_courses() -> list[Course]:
    """Every course, unpublished and archived included, by slug."""
    return list(db.session.scalars(sa.select(Course).order_by(Course.slug)))
