"""A small course built directly with the models (no package import), for the courses tests.

``make_course`` builds, in English with a partial French translation:

- module ``basics``: lesson ``intro`` (fr up to date), lesson ``second`` (fr stale),
  quiz ``basics-quiz`` with two questions (fr missing);
- module ``practice``: lesson ``third`` (optional, fr missing), assignment ``plan``,
  archived lesson ``old-lesson``, then ``extra_lessons`` more lessons ``extra-<n>``.

The course and the ``basics`` module have up-to-date French texts.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from typing import Any

from academy.core.db import utcnow
from academy.core.storage import storage
from academy.extensions import db
from academy.plugins.courses.models import (
    Asset,
    Course,
    CourseOrigin,
    CourseText,
    Item,
    ItemType,
    Module,
    Question,
    QuestionKind,
    TextScope,
)

_counter = itertools.count(1)
STALE_HASH = "0" * 64


def digest(fields: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def add_text(
    course: Course,
    scope: TextScope,
    key: str,
    language: str,
    fields: dict[str, Any],
    *,
    source: CourseText | None = None,
    stale: bool = False,
) -> CourseText:
    """A text; a translation of ``source`` (up to date unless ``stale``) when given."""
    text = CourseText(
        course_id=course.id,
        scope=scope,
        key=key,
        language=language,
        fields=fields,
        content_hash=digest(fields),
        source_hash=None if source is None else (STALE_HASH if stale else source.content_hash),
    )
    db.session.add(text)
    return text


def _item(module: Module, key: str, kind: ItemType, minutes: int, **extra: Any) -> Item:
    item = Item(
        course_id=module.course_id,
        module=module,
        key=key,
        type=kind,
        position=len(module.items),
        minutes=minutes,
        **extra,
    )
    db.session.add(item)
    return item


def _lesson_text(course: Course, key: str, title: str) -> CourseText:
    fields = {"title": title, "body": f"Body of **{title}**.", "discussion_prompt": f"Talk: {key}"}
    return add_text(course, TextScope.LESSON, key, "en", fields)


QUIZ_FIELDS = {
    "title": "Basics quiz",
    "intro": "Check what you *learned*.",
    "questions": {
        "q-one": {
            "text": "Which one?",
            "feedback": "B it is.",
            "choices": {"a": "Alpha", "b": "Beta", "c": "Gamma"},
        },
        "q-two": {"text": "True?", "feedback": "", "choices": {"true": "Yes", "false": "No"}},
    },
}


def _quiz(module: Module) -> Item:
    quiz = _item(module, "basics-quiz", ItemType.QUIZ, 10, pass_mark=70, max_attempts=3)
    single = Question(key="q-one", position=0, kind=QuestionKind.SINGLE, choices=["a", "b", "c"])
    single.correct = ["b"]
    binary = Question(key="q-two", position=1, kind=QuestionKind.TRUE_FALSE)
    binary.choices, binary.correct = ["true", "false"], ["true"]
    quiz.questions = [single, binary]
    return quiz


def _basics(course: Course) -> None:
    module = Module(course_id=course.id, course=course, key="basics", position=0)
    db.session.add(module)
    _item(module, "intro", ItemType.LESSON, 10)
    _item(module, "second", ItemType.LESSON, 15)
    _quiz(module)
    source = add_text(course, TextScope.MODULE, "basics", "en", {"title": "Basics", "body": "B"})
    add_text(
        course, TextScope.MODULE, "basics", "fr", {"title": "Bases", "body": "B"}, source=source
    )
    intro = _lesson_text(course, "intro", "Introduction")
    fr_intro = {"title": "Présentation", "body": "Corps **fr**.", "discussion_prompt": "Parlez"}
    add_text(course, TextScope.LESSON, "intro", "fr", fr_intro, source=intro)
    second = _lesson_text(course, "second", "Second steps")
    fr_second = {"title": "Deuxièmes pas", "body": "Ancien texte.", "discussion_prompt": ""}
    add_text(course, TextScope.LESSON, "second", "fr", fr_second, source=second, stale=True)
    add_text(course, TextScope.QUIZ, "basics-quiz", "en", QUIZ_FIELDS)


def _practice(course: Course, extra_lessons: int) -> None:
    module = Module(course_id=course.id, course=course, key="practice", position=1)
    db.session.add(module)
    _item(module, "third", ItemType.LESSON, 20, required=False)
    _item(module, "plan", ItemType.ASSIGNMENT, 30)
    _item(module, "old-lesson", ItemType.LESSON, 5, archived_at=utcnow())
    add_text(course, TextScope.MODULE, "practice", "en", {"title": "Practice", "body": ""})
    _lesson_text(course, "third", "Third lesson")
    _lesson_text(course, "old-lesson", "Old lesson")
    plan = {"title": "Exchange plan", "body": "Write a **plan**."}
    add_text(course, TextScope.ASSIGNMENT, "plan", "en", plan)
    for number in range(1, extra_lessons + 1):
        _item(module, f"extra-{number}", ItemType.LESSON, 5)
        _lesson_text(course, f"extra-{number}", f"Extra lesson {number}")


def make_course(
    slug: str | None = None,
    *,
    extra_lessons: int = 0,
    published: bool = True,
    origin: CourseOrigin = CourseOrigin.IMPORTED,
) -> Course:
    """The small course described above; flushed, not committed."""
    course = Course(
        slug=slug or f"course-{next(_counter)}",
        version="1.2.0",
        source_language="en",
        licence="CC-BY-SA-4.0",
        origin=origin,
        publisher_id="pub-1",
        publisher_name="Network Academy",
        provenance=[
            {"publisher_id": "orig", "publisher_name": "First Academy", "version": "1.0.0"}
        ],
        published=published,
    )
    db.session.add(course)
    db.session.flush()
    head = {"title": "Peer exchanges", "summary": "Learn from peers.", "body": "About it."}
    source = add_text(course, TextScope.COURSE, "", "en", head)
    fr_head = {"title": "Échanges entre pairs", "summary": "Apprendre.", "body": "À propos."}
    add_text(course, TextScope.COURSE, "", "fr", fr_head, source=source)
    _basics(course)
    _practice(course, extra_lessons)
    db.session.flush()
    return course


def make_asset(course: Course, path: str, data: bytes, media_type: str) -> Asset:
    """An asset row and its bytes in the instance's storage."""
    sha = hashlib.sha256(data).hexdigest()
    storage().put(f"courses/{course.uuid}/assets/{sha}", data)
    asset = Asset(course_id=course.id, path=path, sha256=sha, size=len(data), media_type=media_type)
    db.session.add(asset)
    db.session.flush()
    return asset
