"""A course read from a cartridge, written as the files of an Academy package.

The importer fills a :class:`CourseDraft`; :func:`package_files` writes it as
``course.toml``, texts and assets, which :func:`parse_package` then validates
like any package.  So a cartridge can never install something a package could
not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from academy.plugins.courses.models import ItemType, QuestionKind, TextScope
from academy.plugins.packages import tomlwriter as toml
from academy.plugins.packages.manifest import MANIFEST_FILE
from academy.plugins.packages.texts import text_path

DEFAULT_PASS_MARK = 50


@dataclass
class QuestionSpecDraft:
    key: str
    kind: QuestionKind
    text: str
    feedback: str
    choices: list[tuple[str, str]]  # (key, text)
    correct: list[str]


@dataclass
class ItemDraft:
    key: str
    type: ItemType
    title: str
    body: str = ""  # lesson or assignment; the quiz's introduction
    prompt: str = ""
    minutes: int = 0
    required: bool = True
    assets: list[str] = field(default_factory=list)
    pass_mark: int = DEFAULT_PASS_MARK
    max_attempts: int = 0
    shuffle: bool = False
    questions: list[QuestionSpecDraft] = field(default_factory=list)


@dataclass
class ModuleDraft:
    key: str
    title: str
    body: str = ""
    items: list[ItemDraft] = field(default_factory=list)


@dataclass
class CourseDraft:
    title: str
    language: str
    summary: str = ""
    body: str = ""
    licence: str = ""
    modules: list[ModuleDraft] = field(default_factory=list)
    assets: dict[str, bytes] = field(default_factory=dict)

    def items(self) -> list[ItemDraft]:
        return [item for module in self.modules for item in module.items]


@dataclass(frozen=True)
class Identity:
    uuid: str
    slug: str
    version: str


def package_files(draft: CourseDraft, identity: Identity) -> dict[str, bytes]:
    """The content files of the Academy package for ``draft``."""
    language = draft.language
    files = {MANIFEST_FILE: _manifest(draft, identity).encode("utf-8")}
    files[text_path(TextScope.COURSE, "", language)] = _markdown(
        {"title": draft.title, "summary": draft.summary}, draft.body
    )
    for module in draft.modules:
        path = text_path(TextScope.MODULE, module.key, language)
        files[path] = _markdown({"title": module.title}, module.body)
        for item in module.items:
            files.update(_item_file(item, language))
    files.update({f"assets/{path}": data for path, data in draft.assets.items()})
    return files


def _markdown(front: dict[str, str], body: str) -> bytes:
    text = "+++\n" + toml.pairs(front) + "+++\n" + (f"\n{body.strip()}\n" if body.strip() else "")
    return text.encode("utf-8")


def _item_file(item: ItemDraft, language: str) -> dict[str, bytes]:
    if item.type is ItemType.QUIZ:
        return {text_path(TextScope.QUIZ, item.key, language): _quiz_toml(item).encode("utf-8")}
    if item.type is ItemType.LESSON:
        front = {"title": item.title, "discussion_prompt": item.prompt}
        return {text_path(TextScope.LESSON, item.key, language): _markdown(front, item.body)}
    path = text_path(TextScope.ASSIGNMENT, item.key, language)
    return {path: _markdown({"title": item.title}, item.body)}


def _quiz_toml(item: ItemDraft) -> str:
    out = [toml.pairs({"title": item.title, "intro": item.body})]
    for question in item.questions:
        texts = {"text": question.text, "feedback": question.feedback}
        out.append("\n" + toml.header(["questions", question.key]) + toml.pairs(texts))
        choices = dict(question.choices)
        out.append(toml.header(["questions", question.key, "choices"]) + toml.pairs(choices))
    return "".join(out)


def _manifest(draft: CourseDraft, identity: Identity) -> str:
    course = {
        "id": identity.uuid,
        "slug": identity.slug,
        "version": identity.version,
        "source_language": draft.language,
        "licence": draft.licence,
        "requires_signoff": False,
    }
    out = ["format_version = 1\n\n[course]\n", toml.pairs(course)]
    for module in draft.modules:
        out.append("\n" + toml.header(["modules"], array=True) + toml.pairs({"id": module.key}))
        out.extend(_item_toml(item) for item in module.items)
    return "".join(out)


def _item_toml(item: ItemDraft) -> str:
    values: dict[str, Any] = {
        "type": str(item.type),
        "id": item.key,
        "minutes": item.minutes,
        "required": item.required,
    }
    if item.assets:
        values["assets"] = sorted(set(item.assets))
    if item.type is ItemType.QUIZ:
        values.update(
            pass_mark=item.pass_mark, max_attempts=item.max_attempts, shuffle=item.shuffle
        )
    out = "\n" + toml.header(["modules", "items"], array=True) + toml.pairs(values)
    for question in item.questions:
        spec = {
            "id": question.key,
            "kind": str(question.kind),
            "choices": [key for key, _text in question.choices],
            "correct": question.correct,
        }
        out += "\n" + toml.header(["modules", "items", "questions"], array=True) + toml.pairs(spec)
    return out
