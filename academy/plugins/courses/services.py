"""Course use cases that change data: publish, archive, translate.

Each function flushes (never commits), records privileged actions in the
audit log and raises a DomainError with a translated message when refused.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from academy.core.accounts.models import User
from academy.core.audit import services as audit
from academy.core.db import utcnow
from academy.core.errors import DomainError, NotFound
from academy.extensions import db
from academy.plugins.courses.models import Course, CourseText, TextScope


def set_published(course: Course, published: bool, *, by: User) -> bool:
    """Publish or unpublish ``course``; False when it already was."""
    if course.published == published:
        return False
    course.published = published
    db.session.flush()
    audit.record(by, "course.published" if published else "course.unpublished", course)
    return True


def set_archived(course: Course, archived: bool, *, by: User) -> bool:
    """Archive (hide everywhere but the manager pages) or bring back ``course``."""
    if (course.archived_at is not None) == archived:
        return False
    course.archived_at = utcnow() if archived else None
    db.session.flush()
    audit.record(by, "course.archived" if archived else "course.unarchived", course)
    return True


def fields_hash(fields: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of ``fields`` (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _text(course: Course, scope: TextScope, key: str, language: str) -> CourseText | None:
    return db.session.scalar(
        sa.select(CourseText).where(
            CourseText.course_id == course.id,
            CourseText.scope == scope,
            CourseText.key == key,
            CourseText.language == language,
        )
    )


def save_translation(
    course: Course,
    scope: TextScope,
    key: str,
    language: str,
    fields: dict[str, Any],
    *,
    by: User,
) -> CourseText:
    """Store a local translation made from the current source text (so it is up to date)."""
    if language == course.source_language:
        raise DomainError(_("The source language cannot be edited as a translation."))
    if not str(fields.get("title") or "").strip():
        raise DomainError(_("Please enter a title."), field="title")
    source = _text(course, scope, key, course.source_language)
    if source is None:
        raise NotFound(_("This course has no such text to translate."))
    text = _text(course, scope, key, language)
    if text is None:
        text = CourseText(course_id=course.id, scope=scope, key=key, language=language)
        db.session.add(text)
    text.fields = fields
    text.content_hash = fields_hash(fields)
    text.source_hash = source.content_hash
    text.local = True
    db.session.flush()
    audit.record(
        by, "course.translation_saved", course, scope=scope.value, key=key, language=language
    )
    return text
