"""Forms of the course pages: action buttons and the translation editor.

A translation form is built from the fields of the text's scope; for a quiz
it has the title, the introduction and each question's text, feedback and
choices.  Each form field maps to a path in the ``CourseText.fields`` JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from academy.plugins.courses.models import Question, TextScope

Path = tuple[str, ...]
TITLE_MAX = 200
TEXT_MAX = 200_000


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


@dataclass(frozen=True)
class FieldSpec:
    """One translatable field: its form name, where it lives in the JSON, how to edit it."""

    name: str
    path: Path
    label: Any
    required: bool = False
    multiline: bool = True
    markdown: bool = False

    @property
    def max_length(self) -> int:
        return TEXT_MAX if self.multiline else TITLE_MAX


TITLE = FieldSpec("title", ("title",), _l("Title"), required=True, multiline=False)
SCOPE_FIELDS: dict[TextScope, tuple[FieldSpec, ...]] = {
    TextScope.COURSE: (
        TITLE,
        FieldSpec("summary", ("summary",), _l("Summary")),
        FieldSpec("body", ("body",), _l("Description"), markdown=True),
    ),
    TextScope.MODULE: (TITLE, FieldSpec("body", ("body",), _l("Introduction"), markdown=True)),
    TextScope.LESSON: (
        TITLE,
        FieldSpec("body", ("body",), _l("Lesson text"), required=True, markdown=True),
        FieldSpec("discussion_prompt", ("discussion_prompt",), _l("Discussion prompt")),
    ),
    TextScope.ASSIGNMENT: (
        TITLE,
        FieldSpec("body", ("body",), _l("Task"), required=True, markdown=True),
    ),
    TextScope.QUIZ: (TITLE, FieldSpec("intro", ("intro",), _l("Introduction"), markdown=True)),
}


def _question_specs(number: int, question: Question) -> list[FieldSpec]:
    base = ("questions", question.key)
    specs = [
        FieldSpec(
            f"q__{question.key}__text",
            (*base, "text"),
            _("Question %(number)d: text", number=number),
            required=True,
        ),
        FieldSpec(
            f"q__{question.key}__feedback",
            (*base, "feedback"),
            _("Question %(number)d: feedback", number=number),
        ),
    ]
    for choice in question.choices:
        label = _("Question %(number)d: answer “%(choice)s”", number=number, choice=choice)
        specs.append(
            FieldSpec(f"q__{question.key}__c__{choice}", (*base, "choices", choice), label, True)
        )
    return specs


def field_specs(scope: TextScope, questions: Sequence[Question] = ()) -> list[FieldSpec]:
    """The translatable fields of a text of ``scope`` (a quiz's ``questions`` included)."""
    specs = list(SCOPE_FIELDS[scope])
    if scope == TextScope.QUIZ:
        for number, question in enumerate(questions, start=1):
            specs.extend(_question_specs(number, question))
    return specs


def value_at(fields: dict[str, Any], path: Path) -> str:
    """The text at ``path`` in a fields dict, or "" when absent."""
    value: Any = fields
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value if isinstance(value, str) else ""


def _set_at(fields: dict[str, Any], path: Path, value: str) -> None:
    target = fields
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def translation_form(specs: Sequence[FieldSpec], current: dict[str, Any]) -> FlaskForm:
    """A form with one field per spec, filled with ``current`` (the existing translation)."""

    class TranslationForm(FlaskForm):
        pass

    for spec in specs:
        presence = DataRequired() if spec.required else Optional()
        field_class = TextAreaField if spec.multiline else StringField
        field = field_class(spec.label, validators=[presence, Length(max=spec.max_length)])
        setattr(TranslationForm, spec.name, field)
    return TranslationForm(data={spec.name: value_at(current, spec.path) for spec in specs})


def _clean(value: str | None, multiline: bool) -> str:
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip() if multiline else text.strip()


def fields_from_form(form: FlaskForm, specs: Sequence[FieldSpec]) -> dict[str, Any]:
    """The ``CourseText.fields`` dict made of the submitted values."""
    fields: dict[str, Any] = {}
    for spec in specs:
        _set_at(fields, spec.path, _clean(form[spec.name].data, spec.multiline))
    return fields
