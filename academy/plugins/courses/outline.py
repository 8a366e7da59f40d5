"""A course's outline: modules and their items, with titles in one language.

Loaded in three queries whatever the size of the course: modules, items, and
the titles of every text in the two languages needed (the one asked for and
the source language), read from the JSON without the bodies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from academy.extensions import db
from academy.plugins.courses.models import Course, CourseText, Item, ItemType, Module, TextScope

Unit = tuple[TextScope, str]


@dataclass(frozen=True)
class OutlineItem:
    item: Item
    title: str
    language: str

    @property
    def key(self) -> str:
        return self.item.key

    @property
    def type(self) -> ItemType:
        return self.item.type


@dataclass(frozen=True)
class OutlineModule:
    module: Module
    title: str
    language: str
    items: tuple[OutlineItem, ...]


@dataclass(frozen=True)
class Outline:
    course: Course
    language: str
    modules: tuple[OutlineModule, ...]
    #: The course's title, and the language it is in.
    title: str = ""
    title_language: str = ""

    @property
    def items(self) -> list[OutlineItem]:
        return [entry for module in self.modules for entry in module.items]

    def find(self, key: str) -> OutlineItem | None:
        return next((entry for entry in self.items if entry.key == key), None)

    def neighbours(self, key: str) -> tuple[OutlineItem | None, OutlineItem | None]:
        """The items before and after ``key`` in the course's order."""
        items = self.items
        index = next((i for i, entry in enumerate(items) if entry.key == key), None)
        if index is None:
            return None, None
        before = items[index - 1] if index > 0 else None
        after = items[index + 1] if index + 1 < len(items) else None
        return before, after

    @property
    def required_minutes(self) -> int:
        return sum(entry.item.minutes for entry in self.items if entry.item.required)

    @property
    def lesson_count(self) -> int:
        return sum(1 for entry in self.items if entry.type == ItemType.LESSON)


def item_scope(item: Item) -> TextScope:
    return TextScope(item.type.value)


def load_structure(course_ids: Sequence[int]) -> tuple[list[Module], list[Item]]:
    """Modules and items that are not archived, in course order: two queries."""
    modules = db.session.scalars(
        sa.select(Module)
        .where(Module.course_id.in_(course_ids), Module.archived_at.is_(None))
        .order_by(Module.course_id, Module.position, Module.id)
    )
    items = db.session.scalars(
        sa.select(Item)
        .join(Module, Item.module_id == Module.id)
        .where(Item.course_id.in_(course_ids), Item.archived_at.is_(None))
        .where(Module.archived_at.is_(None))
        .order_by(Item.course_id, Module.position, Item.position, Item.id)
    )
    return list(modules), list(items)


def titles(course: Course, languages: set[str]) -> dict[Unit, dict[str, str]]:
    """Title of every text of the course per language, without loading the bodies."""
    query = sa.select(
        CourseText.scope,
        CourseText.key,
        CourseText.language,
        CourseText.fields["title"].as_string(),
    ).where(CourseText.course_id == course.id, CourseText.language.in_(languages))
    found: dict[Unit, dict[str, str]] = defaultdict(dict)
    for scope, key, language, title in db.session.execute(query):
        found[(scope, key)][language] = title or ""
    return found


def _title(versions: dict[str, str], language: str, source: str, default: str) -> tuple[str, str]:
    """(title, its language): the one in ``language``, else the source's, else ``default``."""
    if versions.get(language):
        return versions[language], language
    return versions.get(source) or default, source


def load_outline(course: Course, language: str) -> Outline:
    """The course's modules and items with titles in ``language`` (fallback: source)."""
    modules, items = load_structure([course.id])
    found = titles(course, {language, course.source_language})
    source = course.source_language
    by_module: dict[int, list[OutlineItem]] = defaultdict(list)
    for item in items:
        title, used = _title(
            found.get((item_scope(item), item.key), {}), language, source, item.key
        )
        by_module[item.module_id].append(OutlineItem(item, title, used))
    entries = []
    for module in modules:
        versions = found.get((TextScope.MODULE, module.key), {})
        title, used = _title(versions, language, source, module.key)
        entries.append(OutlineModule(module, title, used, tuple(by_module[module.id])))
    title, used = _title(found.get((TextScope.COURSE, ""), {}), language, source, course.slug)
    return Outline(course, language, tuple(entries), title, used)
