"""Turn an installed course back into package files (course.toml, texts, assets).

A course imported from another publisher is exported as a *derived* package:
this instance signs it, and ``[[provenance]]`` names the publishers and
versions it came from.  Translations keep their freshness: one made from the
current source text points at the source file as written now.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from academy.core.storage import storage
from academy.plugins.courses.models import Course, CourseText, Item, TextScope
from academy.plugins.packages import tomlwriter as toml
from academy.plugins.packages.apply import asset_key
from academy.plugins.packages.diff import Installed, load_installed
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.format import ASSETS, SCOPE_OF_TYPE, TextKey
from academy.plugins.packages.manifest import FORMAT_VERSION, MANIFEST_FILE
from academy.plugins.packages.texts import FRONT_MATTER, sha256, text_path

UNKNOWN_SOURCE = "0" * 64


def course_files(course: Course, signer_id: str) -> dict[str, bytes]:
    """Every content file of a package for ``course`` as installed here."""
    installed = load_installed(course)
    files = {MANIFEST_FILE: manifest_toml(installed, signer_id).encode("utf-8")}
    files.update(_text_files(installed))
    files.update(_asset_files(installed))
    return files


def provenance(course: Course, signer_id: str) -> list[dict[str, str]]:
    links = [dict(link) for link in course.provenance]
    if course.publisher_id and course.publisher_id != signer_id:
        link = {
            "publisher_id": course.publisher_id,
            "publisher_name": course.publisher_name or course.publisher_id,
            "version": course.version,
        }
        if not links or links[-1] != link:
            links.append(link)
    return links


def _live_items(installed: Installed, module_id: int) -> list[Item]:
    items = [i for i in installed.items.values() if i.module_id == module_id and not i.archived_at]
    return sorted(items, key=lambda item: item.position)


def manifest_toml(installed: Installed, signer_id: str) -> str:
    course = installed.course
    out = [f"format_version = {FORMAT_VERSION}\n\n[course]\n"]
    out.append(
        toml.pairs(
            {
                "id": course.uuid,
                "slug": course.slug,
                "version": course.version,
                "source_language": course.source_language,
                "licence": course.licence,
                "requires_signoff": course.requires_signoff,
            }
        )
    )
    modules = sorted(
        (m for m in installed.modules.values() if m.archived_at is None), key=lambda m: m.position
    )
    for module in modules:
        out.append("\n" + toml.header(["modules"], array=True) + toml.pairs({"id": module.key}))
        out.extend(_item_toml(installed, item) for item in _live_items(installed, module.id))
    for link in provenance(course, signer_id):
        out.append("\n" + toml.header(["provenance"], array=True) + toml.pairs(link))
    return "".join(out)


def _item_toml(installed: Installed, item: Item) -> str:
    values: dict[str, Any] = {
        "type": str(item.type),
        "id": item.key,
        "minutes": item.minutes,
        "required": item.required,
    }
    if item.assets:
        values["assets"] = list(item.assets)
    if item.type.value == "quiz":
        values.update(
            pass_mark=item.pass_mark or 0, max_attempts=item.max_attempts or 0, shuffle=item.shuffle
        )
    out = "\n" + toml.header(["modules", "items"], array=True, indent="  ")
    out += toml.pairs(values, indent="  ")
    questions = [q for q in installed.questions.get(item.id, {}).values() if not q.archived_at]
    for question in sorted(questions, key=lambda q: q.position):
        out += "\n" + toml.header(["modules", "items", "questions"], array=True, indent="    ")
        q_values = {
            "id": question.key,
            "kind": str(question.kind),
            "choices": list(question.choices),
            "correct": list(question.correct),
        }
        out += toml.pairs(q_values, indent="    ")
    return out


def _live_keys(installed: Installed) -> set[tuple[TextScope, str]]:
    keys = {(TextScope.COURSE, "")}
    keys |= {(TextScope.MODULE, k) for k, m in installed.modules.items() if m.archived_at is None}
    keys |= {(SCOPE_OF_TYPE[i.type], k) for k, i in installed.items.items() if not i.archived_at}
    return keys


def _text_files(installed: Installed) -> dict[str, bytes]:
    """Source texts first (their new hashes), then translations pointing at them."""
    source = installed.course.source_language
    live = _live_keys(installed)
    rows = {k: row for k, row in installed.texts.items() if (k[0], k[1]) in live}
    files: dict[str, bytes] = {}
    new_hashes: dict[tuple[TextScope, str], str] = {}
    for (scope, key, language), row in rows.items():
        if language == source:
            data = render_text(row, None)
            files[text_path(scope, key, language)] = data
            new_hashes[(scope, key)] = sha256(data)
    for (scope, key, language), row in rows.items():
        if language != source:
            source_hash = _translation_source(installed, (scope, key, source), row, new_hashes)
            files[text_path(scope, key, language)] = render_text(row, source_hash)
    return files


def _translation_source(
    installed: Installed, source_key: TextKey, row: CourseText, new_hashes: dict[Any, str]
) -> str:
    """The source_hash to write: the new source file's if the translation was fresh."""
    source_row = installed.texts.get(source_key)
    if source_row is not None and row.source_hash == source_row.content_hash:
        return new_hashes.get((source_key[0], source_key[1]), UNKNOWN_SOURCE)
    return row.source_hash or UNKNOWN_SOURCE


def render_text(row: CourseText, source_hash: str | None) -> bytes:
    """The file for one text: Markdown with front matter, or quiz TOML."""
    fields = row.fields or {}
    if row.scope is TextScope.QUIZ:
        return _quiz_toml(fields, source_hash).encode("utf-8")
    front: dict[str, Any] = {"source_hash": source_hash}
    front.update({name: fields[name] for name in FRONT_MATTER[row.scope] if name in fields})
    body = str(fields.get("body", ""))
    text = "+++\n" + toml.pairs(front) + "+++\n" + (f"\n{body}\n" if body else "")
    return text.encode("utf-8")


def _quiz_toml(fields: dict[str, Any], source_hash: str | None) -> str:
    top = {"source_hash": source_hash, "title": fields.get("title"), "intro": fields.get("intro")}
    out = [toml.pairs(top)]
    for qid, question in (fields.get("questions") or {}).items():
        texts = {"text": question.get("text"), "feedback": question.get("feedback")}
        out.append("\n" + toml.header(["questions", qid]) + toml.pairs(texts))
        choices = question.get("choices") or {}
        out.append(toml.header(["questions", qid, "choices"]) + toml.pairs(choices))
    return "".join(out)


def _asset_files(installed: Installed) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    store = storage()
    for path, asset in installed.assets.items():
        key = asset_key(installed.course.uuid, asset.sha256)
        if not store.exists(key):
            raise PackageError(_("The file of the asset %(path)s is missing.", path=path))
        with store.open(key) as handle:
            data = handle.read()
        if sha256(data) != asset.sha256:
            raise PackageError(_("The file of the asset %(path)s is damaged.", path=path))
        files[ASSETS + path] = data
    return files
