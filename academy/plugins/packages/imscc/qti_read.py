"""Reading QTI 1.2 assessments: the multiple-choice, multiple-response and true/false items.

Other question types (essay, fill in the blank, pattern match, ...) are
returned as skipped, with the reason, so the import report lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from lxml import etree

from academy.plugins.courses.models import QuestionKind
from academy.plugins.packages.imscc.xmlsafe import child, children, local, path, text

#: Turns the text of a mattext (HTML or plain) into Markdown.
ToMarkdown = Callable[[str, bool], str]
PROFILES = {
    "cc.multiple_choice.v0p1": QuestionKind.SINGLE,
    "cc.multiple_response.v0p1": QuestionKind.MULTIPLE,
    "cc.true_false.v0p1": QuestionKind.TRUE_FALSE,
    # Canvas writes question_type in its own QTI flavour
    "multiple_choice_question": QuestionKind.SINGLE,
    "multiple_answers_question": QuestionKind.MULTIPLE,
    "true_false_question": QuestionKind.TRUE_FALSE,
}
TYPE_LABELS = ("cc_profile", "question_type")


@dataclass
class QuestionDraft:
    ident: str
    kind: QuestionKind
    text: str
    feedback: str
    choices: list[tuple[str, str]]  # (ident, Markdown text)
    correct: list[str]


@dataclass
class QuizDraft:
    title: str
    intro: str
    settings: dict[str, str]
    shuffle: bool = False
    questions: list[QuestionDraft] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (question, reason)


class Unsupported(Exception):
    """A question Academy cannot take; the message says why."""


def read_quiz(root: etree._Element, to_markdown: ToMarkdown) -> QuizDraft | None:
    """The quiz in a ``questestinterop`` document; None if it holds no assessment."""
    assessment = child(root, "assessment") if local(root) == "questestinterop" else None
    if assessment is None:
        return None
    intro = child(assessment, "rubric")
    if intro is None:
        intro = child(assessment, "presentation_material")
    quiz = QuizDraft(
        title=" ".join(assessment.get("title", "").split()),
        intro=_material(intro, to_markdown),
        settings=_fields(child(assessment, "qtimetadata")),
        shuffle=any(
            el.get("shuffle", "No").lower() == "yes"
            for el in assessment.iter()
            if local(el) == "render_choice"
        ),
    )
    for item in assessment.iter():
        if local(item) == "item":
            _add_question(quiz, item, to_markdown)
    return quiz


def _add_question(quiz: QuizDraft, item: etree._Element, to_markdown: ToMarkdown) -> None:
    name = item.get("title") or item.get("ident", "")
    try:
        quiz.questions.append(_question(item, to_markdown))
    except Unsupported as exc:
        quiz.skipped.append((name, str(exc)))


def _fields(metadata: etree._Element | None) -> dict[str, str]:
    """The label -> entry pairs of a qtimetadata block."""
    found: dict[str, str] = {}
    for pair in children(metadata, "qtimetadatafield"):
        found.setdefault(text(child(pair, "fieldlabel")), text(child(pair, "fieldentry")))
    return found


def _item_type(item: etree._Element) -> str:
    holder = child(item, "itemmetadata")
    for metadata in children(holder, "qtimetadata"):
        fields = _fields(metadata)
        for label in TYPE_LABELS:
            if fields.get(label):
                return fields[label]
    return ""


def _material(holder: etree._Element | None, to_markdown: ToMarkdown) -> str:
    """The Markdown of every mattext under ``holder``, in order."""
    if holder is None:
        return ""
    parts = []
    for mattext in holder.iter():
        if local(mattext) == "mattext":
            html = mattext.get("texttype", "text/plain").lower() == "text/html"
            parts.append(to_markdown("".join(mattext.itertext()), html))
    return "\n\n".join(part for part in parts if part.strip())


def _question(item: etree._Element, to_markdown: ToMarkdown) -> QuestionDraft:
    declared = _item_type(item)
    if declared and declared not in PROFILES:
        raise Unsupported(_("question type %(type)s is not supported", type=declared[:60]))
    response = next((el for el in item.iter() if local(el) == "response_lid"), None)
    if response is None:
        raise Unsupported(_("only multiple-choice and true/false questions are supported"))
    kind = PROFILES.get(declared) or _kind_of(response)
    presentation = child(item, "presentation")
    choices = _choices(response, to_markdown)
    correct = _correct(item, response.get("ident", ""), kind)
    _check(kind, choices, correct)
    return QuestionDraft(
        ident=item.get("ident", ""),
        kind=kind,
        text=_question_text(presentation, to_markdown),
        feedback=_feedback(item, to_markdown),
        choices=choices,
        correct=correct,
    )


def _kind_of(response: etree._Element) -> QuestionKind:
    multiple = response.get("rcardinality", "Single").lower() == "multiple"
    return QuestionKind.MULTIPLE if multiple else QuestionKind.SINGLE


def _question_text(presentation: etree._Element | None, to_markdown: ToMarkdown) -> str:
    """The material of the presentation (or of its flows), not that of the choices."""
    parts = []
    for material in presentation.iter() if presentation is not None else ():
        if local(material) == "material" and not _inside(material, "response_lid"):
            parts.append(_material(material, to_markdown))
    return "\n\n".join(part for part in parts if part.strip())


def _inside(element: etree._Element, name: str) -> bool:
    return any(local(parent) == name for parent in element.iterancestors())


def _choices(response: etree._Element, to_markdown: ToMarkdown) -> list[tuple[str, str]]:
    found = []
    for label in response.iter():
        if local(label) == "response_label":
            found.append((label.get("ident", "").strip(), _material(label, to_markdown)))
    return found


def _score(condition: etree._Element) -> float:
    total = 0.0
    for setvar in children(condition, "setvar"):
        try:
            total += float(text(setvar) or 0)
        except ValueError:
            continue
    return total


def _answers(condition: etree._Element, respident: str) -> list[str]:
    """The choices a condition requires (those under a ``not`` are left out)."""
    conditions = path(condition, "conditionvar")
    if conditions is None:
        return []
    return [
        text(varequal)
        for varequal in conditions.iter()
        if local(varequal) == "varequal"
        and not _inside(varequal, "not")
        and varequal.get("respident", respident) == respident
    ]


def _correct(item: etree._Element, respident: str, kind: QuestionKind) -> list[str]:
    scored = [
        (_score(condition), _answers(condition, respident))
        for processing in children(item, "resprocessing")
        for condition in children(processing, "respcondition")
    ]
    scored = [(score, answers) for score, answers in scored if score > 0 and answers]
    if kind is QuestionKind.MULTIPLE:
        return sorted({answer for _score, answers in scored for answer in answers})
    best = max((score for score, _answers in scored), default=0)
    return sorted({a for score, answers in scored if score == best for a in answers})


def _check(kind: QuestionKind, choices: list[tuple[str, str]], correct: list[str]) -> None:
    idents = [ident for ident, _text in choices]
    if len(idents) < 2 or len(set(idents)) != len(idents):
        raise Unsupported(_("the question needs at least two distinct choices"))
    if kind is QuestionKind.TRUE_FALSE and len(idents) != 2:
        raise Unsupported(_("a true/false question needs exactly two choices"))
    if not correct or any(answer not in idents for answer in correct):
        raise Unsupported(_("the correct answer could not be found"))
    if kind is not QuestionKind.MULTIPLE and len(correct) != 1:
        raise Unsupported(_("the question has more than one best answer"))


def _feedback(item: etree._Element, to_markdown: ToMarkdown) -> str:
    """The general feedback, else the feedback for a correct answer, else the first one."""
    feedbacks = list(children(item, "itemfeedback"))
    for wanted in ("general_fb", "correct_fb", None):
        for feedback in feedbacks:
            if wanted is None or feedback.get("ident") == wanted:
                return _material(feedback, to_markdown)
    return ""
