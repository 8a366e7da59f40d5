"""Write a validated package into the database: install a course or upgrade it in place.

Rows are matched by key and updated in place, so the primary keys that
learners' progress points to never change.  Removed modules, items and
questions are archived, never deleted.  Local translations are kept.  Asset
files are stored by content hash under ``courses/<uuid>/assets/<sha256>``: an
import that rolls back leaves at most an unreferenced file, never a changed one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from academy.core.db import utcnow
from academy.core.faults import crash_point
from academy.core.storage import storage
from academy.extensions import db
from academy.plugins.courses.models import (
    Asset,
    Course,
    CourseOrigin,
    CourseText,
    Item,
    Module,
    Question,
)
from academy.plugins.packages.diff import Installed
from academy.plugins.packages.format import Package, expected_texts
from academy.plugins.packages.manifest import ItemSpec
from academy.plugins.packages.signing import PublisherKey


def asset_key(course_uuid: str, sha256: str) -> str:
    return f"courses/{course_uuid}/assets/{sha256}"


def _set(row: Any, **values: Any) -> None:
    """Assign only the values that differ, so an unchanged row is not updated."""
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def apply_package(
    package: Package, installed: Installed | None, publisher: PublisherKey, origin: CourseOrigin
) -> Course:
    """Install or upgrade the course of ``package``; flushes, never commits."""
    if installed is None:
        course = Course(uuid=package.manifest.uuid, published=True)
        db.session.add(course)
        installed = Installed(course, {}, {}, {}, {}, {})
    course = installed.course
    _update_course(course, package, publisher, origin)
    db.session.flush()
    now = utcnow()
    modules = _apply_modules(package, installed, now)
    items = _apply_items(package, installed, modules, now)
    crash_point("packages.apply")  # half applied: a crash here must leave nothing
    _apply_questions(package, installed, items, now)
    _apply_texts(package, installed)
    _apply_assets(package, installed)
    db.session.flush()
    return course


def _update_course(
    course: Course, package: Package, publisher: PublisherKey, origin: CourseOrigin
) -> None:
    manifest = package.manifest
    _set(
        course,
        slug=manifest.slug,
        version=manifest.version,
        source_language=manifest.source_language,
        licence=manifest.licence,
        requires_signoff=manifest.requires_signoff,
        origin=origin,
        publisher_id=publisher.id,
        publisher_name=publisher.name,
        provenance=[link.to_dict() for link in manifest.provenance],
    )


def _insert(model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert many new rows in one statement (an executemany, whatever their number)."""
    if rows:
        db.session.execute(sa.insert(model), rows)


def _keys_to_ids(model: Any, course_id: int) -> dict[str, int]:
    query = sa.select(model.key, model.id).where(model.course_id == course_id)
    return {key: ident for key, ident in db.session.execute(query)}


def _apply_modules(package: Package, installed: Installed, now: datetime) -> dict[str, int]:
    """Modules updated in place or inserted; their ids by key."""
    course_id = installed.course.id
    new: list[dict[str, Any]] = []
    kept = set()
    for position, spec in enumerate(package.manifest.modules):
        kept.add(spec.id)
        row = installed.modules.get(spec.id)
        if row is None:
            new.append({"course_id": course_id, "key": spec.id, "position": position})
        else:
            _set(row, position=position, archived_at=None)
    _archive(installed.modules, kept, now)
    _insert(Module, [{**values, "archived_at": None} for values in new])
    return _keys_to_ids(Module, course_id)


def _archive(existing: dict[str, Any], kept: set[str], now: datetime) -> None:
    for key, row in existing.items():
        if key not in kept and row.archived_at is None:
            row.archived_at = now


def _item_values(spec: ItemSpec) -> dict[str, Any]:
    return {
        "type": spec.type,
        "required": spec.required,
        "minutes": spec.minutes,
        "pass_mark": spec.pass_mark,
        "max_attempts": spec.max_attempts,
        "shuffle": spec.shuffle,
        "assets": list(spec.assets),
        "archived_at": None,
    }


def _apply_items(
    package: Package, installed: Installed, modules: dict[str, int], now: datetime
) -> dict[str, int]:
    """Items updated in place (their ids kept) or inserted; their ids by key."""
    course_id = installed.course.id
    new: list[dict[str, Any]] = []
    positions: dict[str, int] = {}
    for module, spec in package.manifest.items():
        position = positions[module.id] = positions.get(module.id, -1) + 1
        values = {**_item_values(spec), "module_id": modules[module.id], "position": position}
        row = installed.items.get(spec.id)
        if row is None:
            new.append({"course_id": course_id, "key": spec.id, **values})
        else:
            _set(row, **values)
    _archive(installed.items, {spec.id for _m, spec in package.manifest.items()}, now)
    _insert(Item, new)
    return _keys_to_ids(Item, course_id)


def _apply_questions(
    package: Package, installed: Installed, items: dict[str, int], now: datetime
) -> None:
    new: list[dict[str, Any]] = []
    for _module, spec in package.manifest.items():
        item_id = items[spec.id]
        existing = installed.questions.get(item_id, {})
        for position, question in enumerate(spec.questions):
            values = {
                "position": position,
                "kind": question.kind,
                "choices": list(question.choices),
                "correct": list(question.correct),
                "archived_at": None,
            }
            row = existing.get(question.id)
            if row is None:
                new.append({"item_id": item_id, "key": question.id, **values})
            else:
                _set(row, **values)
        _archive(existing, {question.id for question in spec.questions}, now)
    _insert(Question, new)


def _apply_texts(package: Package, installed: Installed) -> None:
    """Package texts in; local translations kept; dropped packaged translations removed."""
    source = package.manifest.source_language
    new: list[dict[str, Any]] = []
    for key, text in package.texts.items():
        row = installed.texts.get(key)
        if row is not None and row.local and text.language != source:
            continue
        values = {
            "fields": text.fields,
            "content_hash": text.content_hash,
            "source_hash": text.source_hash,
            "local": False,
        }
        if row is None:
            identity = {"scope": text.scope, "key": text.key, "language": text.language}
            new.append({"course_id": installed.course.id, **identity, **values})
        else:
            _set(row, **values)
    expected = expected_texts(package.manifest)
    for (scope, key, language), row in installed.texts.items():
        dropped = (scope, key, language) not in package.texts and (scope, key) in expected
        if dropped and not (row.local and language != source):
            db.session.delete(row)
    _insert(CourseText, new)


def _apply_assets(package: Package, installed: Installed) -> None:
    """Asset rows match the package; each file is stored once under its hash."""
    course = installed.course
    files = storage()
    new: list[dict[str, Any]] = []
    for path, asset in package.assets.items():
        key = asset_key(course.uuid, asset.sha256)
        if not files.exists(key):
            files.put(key, asset.data)
        row = installed.assets.get(path)
        values = {"sha256": asset.sha256, "size": len(asset.data), "media_type": asset.media_type}
        if row is None:
            new.append({"course_id": course.id, "path": path, **values})
        else:
            _set(row, **values)
    for path, row in installed.assets.items():
        if path not in package.assets:
            db.session.delete(row)
    _insert(Asset, new)
