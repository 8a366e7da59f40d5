"""Translator pages: the status of each text per language, and the translation editor."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from academy.core.errors import DomainError
from academy.core.permissions import require
from academy.extensions import db
from academy.plugins.courses import services
from academy.plugins.courses.blueprint import bp, course_or_404, me
from academy.plugins.courses.forms import (
    FieldSpec,
    field_specs,
    fields_from_form,
    translation_form,
    value_at,
)
from academy.plugins.courses.models import (
    Course,
    CourseText,
    Item,
    ItemType,
    Module,
    Question,
    TextScope,
)
from academy.plugins.courses.permissions import can_translate
from academy.plugins.courses.status import CourseTranslations, course_translations

SCOPE_LABELS = {
    TextScope.COURSE: _l("Course"),
    TextScope.MODULE: _l("Module"),
    TextScope.LESSON: _l("Lesson"),
    TextScope.QUIZ: _l("Quiz"),
    TextScope.ASSIGNMENT: _l("Assignment"),
}


def target_languages(course: Course, state: CourseTranslations | None = None) -> list[str]:
    """Languages a course can be translated into: the interface's and the course's own."""
    present = state.languages if state is not None else []
    offered = set(current_app.config["LANGUAGES"]) | set(present)
    return sorted(offered - {course.source_language})


def translation_url(course: Course, language: str, scope: TextScope, key: str) -> str:
    if scope == TextScope.COURSE:
        return url_for("courses.edit_course_translation", slug=course.slug, language=language)
    return url_for(
        "courses.edit_translation", slug=course.slug, language=language, scope=scope, key=key
    )


@bp.get("/<slug>/translations")
@require(can_translate)
def translations(slug: str) -> str:
    """Per language, how many texts are missing or out of date, and which."""
    course = course_or_404(slug)
    state = course_translations(course)
    languages = target_languages(course, state)
    chosen = request.args.get("language", "")
    if chosen not in languages:
        chosen = languages[0] if languages else ""
    return render_template(
        "courses/translations.html",
        course=course,
        languages=languages,
        chosen=chosen,
        counts={language: state.counts(language) for language in languages},
        report=state.report(chosen) if chosen else [],
        scope_labels=SCOPE_LABELS,
        translation_url=translation_url,
    )


def _live_item(course: Course, scope: TextScope, key: str) -> Item | None:
    return db.session.scalar(
        sa.select(Item)
        .join(Module, Item.module_id == Module.id)
        .where(Item.course_id == course.id, Item.key == key, Item.type == ItemType(scope.value))
        .where(Item.archived_at.is_(None), Module.archived_at.is_(None))
    )


def _questions_of(course: Course, scope: TextScope, key: str) -> list[Question]:
    """404 unless the text's course, module or item exists unarchived; a quiz's questions."""
    if scope == TextScope.COURSE:
        return []
    if scope == TextScope.MODULE:
        module = db.session.scalar(
            sa.select(Module).where(
                Module.course_id == course.id, Module.key == key, Module.archived_at.is_(None)
            )
        )
        if module is None:
            abort(404)
        return []
    item = _live_item(course, scope, key)
    if item is None:
        abort(404)
    return [question for question in item.questions if question.archived_at is None]


def _versions(course: Course, scope: TextScope, key: str, language: str) -> dict[str, CourseText]:
    query = sa.select(CourseText).where(
        CourseText.course_id == course.id,
        CourseText.scope == scope,
        CourseText.key == key,
        CourseText.language.in_([course.source_language, language]),
    )
    return {row.language: row for row in db.session.scalars(query)}


def _page(course: Course, language: str, scope: TextScope, key: str, **context: Any) -> str:
    return render_template(
        "courses/translation_edit.html",
        course=course,
        language=language,
        scope=scope,
        key=key,
        scope_label=SCOPE_LABELS[scope],
        action=translation_url(course, language, scope, key),
        value_at=value_at,
        **context,
    )


@bp.route("/<slug>/translations/<language>/course", methods=["GET", "POST"])
@require(can_translate)
def edit_course_translation(slug: str, language: str) -> Any:
    """The translation editor for the course's own title, summary and description."""
    return _edit(slug, language, TextScope.COURSE, "")


@bp.route("/<slug>/translations/<language>/<scope>/<key>", methods=["GET", "POST"])
@require(can_translate)
def edit_translation(slug: str, language: str, scope: str, key: str) -> Any:
    """The translation editor: the source text beside editable fields."""
    if scope not in set(TextScope) - {TextScope.COURSE}:
        abort(404)
    return _edit(slug, language, TextScope(scope), key)


def _edit(slug: str, language: str, scope: TextScope, key: str) -> Any:
    course = course_or_404(slug)
    if language not in target_languages(course) and not _has_language(course, language):
        abort(404)
    specs = field_specs(scope, _questions_of(course, scope, key))
    versions = _versions(course, scope, key, language)
    source = versions.get(course.source_language)
    if source is None:
        abort(404)
    current = versions.get(language)
    form = translation_form(specs, dict(current.fields) if current else {})
    context = {"specs": specs, "form": form, "source": source, "current": current}
    if request.method == "GET":
        return _page(course, language, scope, key, **context)
    if not form.validate_on_submit() or not _save(course, scope, key, language, form, specs):
        return _page(course, language, scope, key, **context), 422
    flash(_("The translation was saved."), "success")
    return redirect(url_for("courses.translations", slug=course.slug, language=language))


def _has_language(course: Course, language: str) -> bool:
    """Whether the course has texts in ``language`` (other than its source language)."""
    if language == course.source_language:
        return False
    query = sa.select(CourseText.id).where(
        CourseText.course_id == course.id, CourseText.language == language
    )
    return db.session.scalar(query.limit(1)) is not None


def _save(
    course: Course,
    scope: TextScope,
    key: str,
    language: str,
    form: FlaskForm,
    specs: list[FieldSpec],
) -> bool:
    """Call the service; on refusal put its message on the form and answer False."""
    try:
        services.save_translation(
            course, scope, key, language, fields_from_form(form, specs), by=me()
        )
    except DomainError as exc:
        field = exc.field if exc.field and exc.field in form else None
        if field is not None:
            form[field].errors.append(exc.message)
        else:
            flash(exc.message, "error")
        return False
    return True
