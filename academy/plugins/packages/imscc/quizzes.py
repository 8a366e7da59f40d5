"""A QTI assessment as an Academy quiz: question and choice ids, answers and settings."""

from __future__ import annotations

from flask_babel import gettext as _
from lxml import etree

from academy.plugins.courses.models import ItemType, QuestionKind
from academy.plugins.packages.checks import ID_PATTERN
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.imscc.draft import DEFAULT_PASS_MARK, ItemDraft, QuestionSpecDraft
from academy.plugins.packages.imscc.html2md import html_to_text
from academy.plugins.packages.imscc.keys import Keys
from academy.plugins.packages.imscc.pages import Linker
from academy.plugins.packages.imscc.qti_read import QuestionDraft, QuizDraft, read_quiz
from academy.plugins.packages.imscc.report import Findings

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def quiz_item(root: etree._Element, linker: Linker, title: str, findings: Findings) -> ItemDraft:
    """The quiz of a QTI document; a PackageError when none of it can be imported."""
    quiz = read_quiz(root, linker.markdown)
    if quiz is None:
        raise PackageError(_("its file is not a QTI assessment"))
    name = title or quiz.title or _("Quiz")
    for question, reason in quiz.skipped:
        findings.skip(_("%(quiz)s, question %(question)s", quiz=name, question=question), reason)
    if not quiz.questions:
        raise PackageError(_("none of its questions is of a type Academy has"))
    keys = Keys()
    item = ItemDraft("", ItemType.QUIZ, name, quiz.intro)
    _apply_settings(item, quiz, findings)
    item.questions = [_question(question, keys) for question in quiz.questions]
    return item


def _number(value: str, low: int, high: int) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and low <= int(value) <= high else None


def _apply_settings(item: ItemDraft, quiz: QuizDraft, findings: Findings) -> None:
    """Pass mark, attempts, minutes and required from the assessment's metadata."""
    fields = quiz.settings
    pass_mark = _number(fields.get("academy_pass_mark", ""), 0, 100)
    if pass_mark is None:
        findings.note(
            _(
                "%(quiz)s has no pass mark in the cartridge: it was set to %(mark)s per cent.",
                quiz=item.title,
                mark=DEFAULT_PASS_MARK,
            )
        )
    item.pass_mark = DEFAULT_PASS_MARK if pass_mark is None else pass_mark
    item.max_attempts = _number(fields.get("cc_maxattempts", ""), 0, 1000) or 0
    item.minutes = _number(fields.get("academy_minutes", ""), 0, 100_000) or 0
    item.required = fields.get("academy_required", "true").strip().lower() != "false"
    item.shuffle = quiz.shuffle


def _question(question: QuestionDraft, keys: Keys) -> QuestionSpecDraft:
    choice_keys = _choice_keys(question)
    by_ident = dict(zip((ident for ident, _text in question.choices), choice_keys, strict=True))
    texts = [text.strip() or ident for ident, text in question.choices]
    return QuestionSpecDraft(
        key=keys.take(question.ident, "question"),
        kind=question.kind,
        text=question.text,
        feedback=question.feedback,
        choices=list(zip(choice_keys, texts, strict=True)),
        correct=[by_ident[ident] for ident in question.correct],
    )


def _choice_keys(question: QuestionDraft) -> list[str]:
    """true/false for a true/false question; the QTI idents if they are valid ids; else a, b..."""
    idents = [ident for ident, _text in question.choices]
    plain = [html_to_text(text).strip().lower() for _ident, text in question.choices]
    if question.kind is QuestionKind.TRUE_FALSE and sorted(plain) == ["false", "true"]:
        return plain
    if all(ID_PATTERN.match(ident) for ident in idents) and len(set(idents)) == len(idents):
        return idents
    return [_letter(index) for index in range(len(idents))]


def _letter(index: int) -> str:
    return LETTERS[index] if index < len(LETTERS) else f"choice-{index + 1}"
