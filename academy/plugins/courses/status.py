"""Translation status of a course's texts, per language.

A unit (the course, a module, or an item) is translatable when it has a text
in the source language.  In another language its translation is *missing*,
*stale* (made from another version of the source text), *up to date*, or
*local* (up to date and edited on this instance).
"""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from academy.extensions import db
from academy.plugins.courses.models import Course, CourseText, TextScope
from academy.plugins.courses.outline import Unit, item_scope, load_structure


class TranslationStatus(enum.StrEnum):
    MISSING = "missing"
    STALE = "stale"
    UP_TO_DATE = "up_to_date"
    LOCAL = "local"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def is_up_to_date(self) -> bool:
        return self in {TranslationStatus.UP_TO_DATE, TranslationStatus.LOCAL}


STATUS_LABELS = {
    TranslationStatus.MISSING: _l("Missing"),
    TranslationStatus.STALE: _l("Out of date"),
    TranslationStatus.UP_TO_DATE: _l("Up to date"),
    TranslationStatus.LOCAL: _l("Up to date, edited here"),
}


@dataclass(frozen=True)
class TextState:
    """What the status needs of one text row: its hashes, origin and title."""

    content_hash: str
    source_hash: str | None
    local: bool
    title: str


@dataclass(frozen=True)
class UnitStatus:
    scope: TextScope
    key: str
    title: str  # in the source language
    status: TranslationStatus


def status_of(source: TextState, translation: TextState | None) -> TranslationStatus:
    """The status of ``translation`` against the current ``source`` text."""
    if translation is None:
        return TranslationStatus.MISSING
    if translation.source_hash != source.content_hash:
        return TranslationStatus.STALE
    return TranslationStatus.LOCAL if translation.local else TranslationStatus.UP_TO_DATE


@dataclass(frozen=True)
class CourseTranslations:
    """The translatable units of a course (in outline order) and their texts per language."""

    course: Course
    units: tuple[Unit, ...]
    texts: dict[Unit, dict[str, TextState]]

    @property
    def languages(self) -> list[str]:
        """Languages other than the source that have at least one text."""
        found = {language for versions in self.texts.values() for language in versions}
        return sorted(found - {self.course.source_language})

    def report(self, language: str) -> list[UnitStatus]:
        """Each unit with a source text, and the status of its translation into ``language``."""
        rows = []
        for scope, key in self.units:
            versions = self.texts.get((scope, key), {})
            source = versions.get(self.course.source_language)
            if source is not None:
                status = status_of(source, versions.get(language))
                rows.append(UnitStatus(scope, key, source.title or key, status))
        return rows

    def counts(self, language: str) -> Counter[TranslationStatus]:
        return Counter(row.status for row in self.report(language))


def _texts(course_ids: Sequence[int]) -> dict[int, dict[Unit, dict[str, TextState]]]:
    query = sa.select(
        CourseText.course_id,
        CourseText.scope,
        CourseText.key,
        CourseText.language,
        CourseText.content_hash,
        CourseText.source_hash,
        CourseText.local,
        CourseText.fields["title"].as_string(),
    ).where(CourseText.course_id.in_(course_ids))
    found: dict[int, dict[Unit, dict[str, TextState]]] = defaultdict(lambda: defaultdict(dict))
    for course_id, scope, key, language, content, source, local, title in db.session.execute(query):
        found[course_id][(scope, key)][language] = TextState(content, source, local, title or "")
    return found


def load_translations(courses: Sequence[Course]) -> dict[int, CourseTranslations]:
    """Units and text states of each course, in three queries."""
    ids = [course.id for course in courses]
    if not ids:
        return {}
    modules, items = load_structure(ids)
    texts = _texts(ids)
    units: dict[int, list[Unit]] = {course_id: [(TextScope.COURSE, "")] for course_id in ids}
    items_of: dict[int, list[Unit]] = defaultdict(list)
    for item in items:
        items_of[item.module_id].append((item_scope(item), item.key))
    for module in modules:
        units[module.course_id].append((TextScope.MODULE, module.key))
        units[module.course_id].extend(items_of[module.id])
    return {
        course.id: CourseTranslations(course, tuple(units[course.id]), dict(texts[course.id]))
        for course in courses
    }


def course_translations(course: Course) -> CourseTranslations:
    return load_translations([course])[course.id]
