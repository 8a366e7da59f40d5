"""What importing a package would change in the installed course: the dry-run diff.

Rows are matched by their stable ``key``.  Loading the installed course takes
a fixed number of queries (one per table), whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from academy.extensions import db
from academy.plugins.courses.models import (
    Asset,
    Course,
    CourseText,
    Item,
    Module,
    Question,
    TextScope,
)
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.format import SCOPE_OF_TYPE, Package, TextKey, expected_texts
from academy.plugins.packages.manifest import ItemSpec


@dataclass
class Installed:
    """A course's rows, keyed by their package ids."""

    course: Course
    modules: dict[str, Module]
    items: dict[str, Item]
    questions: dict[int, dict[str, Question]]
    texts: dict[TextKey, CourseText]
    assets: dict[str, Asset]

    def source_hash(self, scope: TextScope, key: str) -> str | None:
        row = self.texts.get((scope, key, self.course.source_language))
        return row.content_hash if row is not None else None

    def title(self, scope: TextScope, key: str) -> str:
        row = self.texts.get((scope, key, self.course.source_language))
        return str(row.fields.get("title", "")) if row is not None else key


def load_installed(course: Course) -> Installed:
    """Every module, item, question, text and asset row of ``course`` (five queries)."""
    where_course = sa.select(Module).where(Module.course_id == course.id)
    modules = {m.key: m for m in db.session.scalars(where_course)}
    items = {
        i.key: i for i in db.session.scalars(sa.select(Item).where(Item.course_id == course.id))
    }
    questions: dict[int, dict[str, Question]] = {}
    query = sa.select(Question).join(Item).where(Item.course_id == course.id)
    for question in db.session.scalars(query):
        questions.setdefault(question.item_id, {})[question.key] = question
    texts = {
        (t.scope, t.key, t.language): t
        for t in db.session.scalars(sa.select(CourseText).where(CourseText.course_id == course.id))
    }
    assets = {
        a.path: a for a in db.session.scalars(sa.select(Asset).where(Asset.course_id == course.id))
    }
    return Installed(course, modules, items, questions, texts, assets)


@dataclass(frozen=True)
class Ref:
    """One changed thing, for the report: an item, module or text."""

    kind: str
    key: str
    title: str
    language: str = ""

    def to_dict(self) -> dict[str, str]:
        data = {"kind": self.kind, "id": self.key, "title": self.title}
        if self.language:
            data["language"] = self.language
        return data


@dataclass
class Changes:
    modules_new: list[Ref] = field(default_factory=list)
    modules_archived: list[Ref] = field(default_factory=list)
    items_new: list[Ref] = field(default_factory=list)
    items_changed: list[Ref] = field(default_factory=list)
    items_archived: list[Ref] = field(default_factory=list)
    items_restored: list[Ref] = field(default_factory=list)
    #: Local translations whose source text changes with this package.
    stale_local: list[Ref] = field(default_factory=list)
    #: Translations in the package made from an older source text.
    stale_packaged: list[Ref] = field(default_factory=list)
    #: Local translations kept instead of the package's translation.
    kept_local: list[Ref] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[dict[str, str]]]:
        return {name: [ref.to_dict() for ref in refs] for name, refs in vars(self).items()}

    @property
    def is_empty(self) -> bool:
        return not any(vars(self).values())


def spec_signature(module_key: str, item: ItemSpec) -> tuple[Any, ...]:
    questions = tuple((q.id, str(q.kind), q.choices, q.correct) for q in item.questions)
    return (
        module_key,
        item.minutes,
        item.required,
        item.assets,
        item.pass_mark,
        item.max_attempts,
        item.shuffle,
        questions,
    )


def row_signature(installed: Installed, item: Item) -> tuple[Any, ...]:
    module_key = next((k for k, m in installed.modules.items() if m.id == item.module_id), "")
    live = [q for q in installed.questions.get(item.id, {}).values() if q.archived_at is None]
    live.sort(key=lambda q: q.position)
    questions = tuple((q.key, str(q.kind), tuple(q.choices), tuple(q.correct)) for q in live)
    return (
        module_key,
        item.minutes,
        item.required,
        tuple(item.assets),
        item.pass_mark,
        item.max_attempts,
        item.shuffle,
        questions,
    )


def compute_changes(package: Package, installed: Installed | None) -> Changes:
    """The diff between ``package`` and the installed course (None: a new course)."""
    changes = Changes()
    changes.stale_packaged = [
        Ref(str(t.scope), t.key, package.title(t.scope, t.key), t.language)
        for t in package.stale_translations()
    ]
    if installed is None:
        changes.modules_new = [_module_ref(package, m.id) for m in package.manifest.modules]
        changes.items_new = [_item_ref(package, item) for _m, item in package.manifest.items()]
        return changes
    _diff_modules(package, installed, changes)
    _diff_items(package, installed, changes)
    _diff_texts(package, installed, changes)
    return changes


def _module_ref(package: Package, key: str) -> Ref:
    return Ref(str(TextScope.MODULE), key, package.title(TextScope.MODULE, key))


def _item_ref(package: Package, item: ItemSpec) -> Ref:
    return Ref(str(item.type), item.id, package.title(SCOPE_OF_TYPE[item.type], item.id))


def _diff_modules(package: Package, installed: Installed, changes: Changes) -> None:
    keys = {m.id for m in package.manifest.modules}
    for module in package.manifest.modules:
        row = installed.modules.get(module.id)
        if row is None or row.archived_at is not None:
            changes.modules_new.append(_module_ref(package, module.id))
    for key, row in installed.modules.items():
        if key not in keys and row.archived_at is None:
            title = installed.title(TextScope.MODULE, key)
            changes.modules_archived.append(Ref(str(TextScope.MODULE), key, title))


def _diff_items(package: Package, installed: Installed, changes: Changes) -> None:
    keys = set()
    for module, item in package.manifest.items():
        keys.add(item.id)
        row = installed.items.get(item.id)
        if row is not None and row.type != item.type:
            raise PackageError(
                _(
                    "The item %(id)s was a %(old)s and is now a %(new)s: an id keeps its type "
                    "across versions, so give the new item a new id.",
                    id=item.id,
                    old=row.type.label,
                    new=item.type.label,
                )
            )
        if row is None:
            changes.items_new.append(_item_ref(package, item))
        elif row.archived_at is not None:
            changes.items_restored.append(_item_ref(package, item))
        elif _item_changed(package, installed, row, module.id, item):
            changes.items_changed.append(_item_ref(package, item))
    for key, row in installed.items.items():
        if key not in keys and row.archived_at is None:
            title = installed.title(SCOPE_OF_TYPE[row.type], key)
            changes.items_archived.append(Ref(str(row.type), key, title))


def _item_changed(
    package: Package, installed: Installed, row: Item, module_key: str, item: ItemSpec
) -> bool:
    scope = SCOPE_OF_TYPE[item.type]
    if installed.source_hash(scope, item.id) != package.source(scope, item.id).content_hash:
        return True
    return row_signature(installed, row) != spec_signature(module_key, item)


def _diff_texts(package: Package, installed: Installed, changes: Changes) -> None:
    """Local translations kept, and those that become stale with the new source text."""
    expected = expected_texts(package.manifest)
    source = package.manifest.source_language
    for (scope, key, language), row in sorted(installed.texts.items()):
        if not row.local or language == source or (scope, key) not in expected:
            continue
        ref = Ref(str(scope), key, package.title(scope, key), language)
        if (scope, key, language) in package.texts:
            changes.kept_local.append(ref)
        new_source = package.source(scope, key).content_hash
        if row.source_hash != new_source and row.source_hash == installed.source_hash(scope, key):
            changes.stale_local.append(ref)
