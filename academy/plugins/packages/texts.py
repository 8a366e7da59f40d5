"""The translatable files of a package: Markdown with TOML front matter, and quiz TOML.

Each file becomes the ``fields`` of one CourseText row.  The source language's
files must be complete; a translation may leave fields or questions out (the
learner then sees the source text) and records ``source_hash``, the sha256 of
the source-language file it was translated from.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from academy.plugins.courses.models import TextScope
from academy.plugins.packages.checks import HASH_PATTERN, Table
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.manifest import ItemSpec, load_toml

FENCE = "+++"
#: Front-matter fields of each Markdown scope (besides source_hash); the body is "body".
FRONT_MATTER = {
    TextScope.COURSE: ("title", "summary"),
    TextScope.MODULE: ("title",),
    TextScope.LESSON: ("title", "discussion_prompt"),
    TextScope.ASSIGNMENT: ("title",),
}
FOLDERS = {
    TextScope.MODULE: "modules",
    TextScope.LESSON: "lessons",
    TextScope.QUIZ: "quizzes",
    TextScope.ASSIGNMENT: "assignments",
}
SCOPE_OF_FOLDER = {folder: scope for scope, folder in FOLDERS.items()}
TEXT_LIMIT = 2_000_000


@dataclass(frozen=True)
class TextSpec:
    """One translatable file, parsed."""

    scope: TextScope
    key: str
    language: str
    path: str
    fields: dict[str, Any]
    content_hash: str
    source_hash: str | None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_path(scope: TextScope, key: str, language: str) -> str:
    """Where the text of (scope, key) in ``language`` lives in a package."""
    if scope is TextScope.COURSE:
        return f"{language}/course.md"
    suffix = "toml" if scope is TextScope.QUIZ else "md"
    return f"{language}/{FOLDERS[scope]}/{key}.{suffix}"


_TEXT_FILE = re.compile(r"^(modules|lessons|quizzes|assignments)/([^/]+)\.(md|toml)$")


def classify(rest: str) -> tuple[TextScope, str] | None:
    """(scope, key) of a path inside a language folder, or None if it is no text file."""
    if rest == "course.md":
        return TextScope.COURSE, ""
    match = _TEXT_FILE.match(rest)
    if match is None:
        return None
    scope = SCOPE_OF_FOLDER[match.group(1)]
    if (match.group(3) == "toml") != (scope is TextScope.QUIZ):
        return None
    return scope, match.group(2)


def decode(raw: bytes, path: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PackageError(_("%(path)s is not valid UTF-8.", path=path)) from None


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str]:
    """(front matter, body) of a Markdown file that starts with a ``+++`` block."""
    lines = text.split("\n")
    if lines[0].rstrip("\r") != FENCE:
        raise PackageError(_("%(path)s must start with a +++ line (the front matter).", path=path))
    for end in range(1, len(lines)):
        if lines[end].rstrip("\r") == FENCE:
            break
    else:
        raise PackageError(_("%(path)s: the front matter is not closed by a +++ line.", path=path))
    try:
        front = tomllib.loads("\n".join(lines[1:end]))
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
        raise PackageError(
            _("%(path)s is not valid TOML: %(error)s", path=path, error=str(exc)[:200])
        ) from None
    return front, "\n".join(lines[end + 1 :]).strip("\r\n")


def parse_text(
    raw: bytes, path: str, scope: TextScope, item: ItemSpec | None, *, is_source: bool
) -> TextSpec:
    """Parse one translatable file; ``item`` is the quiz's manifest entry for quizzes."""
    language, _rest = path.split("/", 1)
    if scope is TextScope.QUIZ:
        assert item is not None
        table = Table(load_toml(raw, path), path)
        fields = _quiz_fields(table, item, is_source)
    else:
        front, body = split_front_matter(decode(raw, path), path)
        table = Table(front, path)
        fields = _markdown_fields(table, scope, body, is_source)
    source_hash = _source_hash(table, is_source)
    table.finish()
    key = "" if scope is TextScope.COURSE else path.rsplit("/", 1)[1].rsplit(".", 1)[0]
    return TextSpec(scope, key, language, path, fields, sha256(raw), source_hash)


def _source_hash(table: Table, is_source: bool) -> str | None:
    if is_source:
        if "source_hash" in table.data:
            raise PackageError(
                _("%(path)s: a source-language file has no source_hash.", path=table.where)
            )
        return None
    value = table.text("source_hash")
    if not HASH_PATTERN.match(value):
        raise PackageError(
            _(
                "%(path)s: source_hash must be the sha256 (64 lower-case hex digits) of the "
                "source-language file.",
                path=table.where,
            )
        )
    return value


def _markdown_fields(table: Table, scope: TextScope, body: str, is_source: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in FRONT_MATTER[scope]:
        required = is_source and name == "title"
        value = table.text(name, required=required, limit=TEXT_LIMIT)
        if is_source or name in table.data:
            fields[name] = value
    if required_empty(fields, is_source):
        raise PackageError(_("%(where)s: title is missing.", where=table.where))
    if is_source or body:
        fields["body"] = body
    return fields


def required_empty(fields: dict[str, Any], is_source: bool) -> bool:
    return is_source and not fields.get("title", "").strip()


def _quiz_fields(table: Table, item: ItemSpec, is_source: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in ("title", "intro"):
        value = table.text(name, required=is_source and name == "title", limit=TEXT_LIMIT)
        if is_source or name in table.data:
            fields[name] = value
    if required_empty(fields, is_source):
        raise PackageError(_("%(where)s: title is missing.", where=table.where))
    given = table.table("questions", required=is_source)
    expected = {question.id: question.choices for question in item.questions}
    fields["questions"] = _questions(given, expected, table.where, is_source)
    return fields


def _questions(
    given: dict[str, Any], expected: dict[str, tuple[str, ...]], where: str, is_source: bool
) -> dict[str, Any]:
    unknown = sorted(set(given) - set(expected))
    if unknown:
        raise PackageError(
            _("%(where)s: there is no question %(id)s in course.toml.", where=where, id=unknown[0])
        )
    out = {}
    for qid, choices in expected.items():
        if qid not in given and is_source:
            raise PackageError(_("%(where)s: question %(id)s is missing.", where=where, id=qid))
        if qid in given:
            out[qid] = _question(
                Table(given[qid], f"{where} [questions.{qid}]"), choices, is_source
            )
    return out


def _question(table: Table, choices: tuple[str, ...], is_source: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in ("text", "feedback"):
        value = table.text(name, required=is_source and name == "text", limit=TEXT_LIMIT)
        if is_source or name in table.data:
            fields[name] = value
    given = table.table("choices", required=is_source)
    unknown = sorted(set(given) - set(choices))
    if unknown:
        raise PackageError(
            _("%(where)s: there is no choice %(id)s.", where=table.where, id=repr(unknown[0])[:90])
        )
    fields["choices"] = {}
    for choice in choices:
        if choice not in given and is_source:
            raise PackageError(
                _("%(where)s: the text of choice %(id)s is missing.", where=table.where, id=choice)
            )
        if choice in given:
            fields["choices"][choice] = _choice_text(given[choice], choice, table.where)
    table.finish()
    return fields


def _choice_text(value: Any, choice: str, where: str) -> str:
    if not isinstance(value, str) or len(value) > TEXT_LIMIT:
        raise PackageError(
            _("%(where)s: the text of choice %(id)s must be text.", where=where, id=choice)
        )
    return value
