"""Quizzes as learners see them: questions in a language, order, and scoring."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from academy.extensions import db
from academy.plugins.courses.models import Course, Item, Question, QuestionKind, TextScope
from academy.plugins.courses.queries import localised_text


@dataclass(frozen=True)
class Choice:
    key: str
    text: str


@dataclass(frozen=True)
class ShownQuestion:
    question: Question
    text: str
    feedback: str
    choices: tuple[Choice, ...]

    @property
    def key(self) -> str:
        return self.question.key

    @property
    def multiple(self) -> bool:
        return self.question.kind == QuestionKind.MULTIPLE


def live_questions(item: Item) -> list[Question]:
    query = (
        sa.select(Question)
        .where(Question.item_id == item.id, Question.archived_at.is_(None))
        .order_by(Question.position, Question.id)
    )
    return list(db.session.scalars(query))


def shown_questions(
    course: Course, item: Item, language: str, *, seed: str | None = None
) -> tuple[list[ShownQuestion], str, dict[str, Any]]:
    """Questions with their texts in ``language`` (fallback: source), shuffled when asked.

    Returns the questions, the language of the texts, and the quiz's own fields.
    ``seed`` makes the shuffled order stable for one attempt (re-shown forms keep it).
    """
    text = localised_text(course, TextScope.QUIZ, item.key, language)
    texts: dict[str, Any] = text.fields.get("questions", {}) or {}
    questions = live_questions(item)
    if item.shuffle and seed is not None:
        random.Random(seed).shuffle(questions)  # noqa: S311 - an order, not a secret
    shown = []
    for question in questions:
        words = texts.get(question.key, {}) or {}
        labels = words.get("choices", {}) or {}
        choices = tuple(Choice(key, str(labels.get(key, key))) for key in question.choices)
        shown.append(
            ShownQuestion(
                question,
                str(words.get("text", question.key)),
                str(words.get("feedback", "")),
                choices,
            )
        )
    return shown, text.language, text.fields


def score(questions: list[Question], answers: dict[str, list[str]]) -> tuple[int, dict[str, bool]]:
    """(percent correct, question key -> correct): a question is right when exactly the
    correct choices are chosen."""
    results = {q.key: sorted(answers.get(q.key, [])) == sorted(q.correct) for q in questions}
    total = len(questions)
    right = sum(results.values())
    return (100 if total == 0 else right * 100 // total), results


def clean_answers(questions: list[Question], raw: dict[str, list[str]]) -> dict[str, list[str]]:
    """Keep only known choices of known questions; a single-choice question keeps one."""
    cleaned: dict[str, list[str]] = {}
    for question in questions:
        chosen = [c for c in dict.fromkeys(raw.get(question.key, [])) if c in question.choices]
        if question.kind != QuestionKind.MULTIPLE:
            chosen = chosen[:1]
        cleaned[question.key] = chosen
    return cleaned
