"""course.toml: the structure of a course, with the ids that stay stable across versions."""

from __future__ import annotations

import re
import tomllib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from academy.plugins.courses.models import ItemType, QuestionKind
from academy.plugins.packages.archive import check_name
from academy.plugins.packages.checks import Table, check_id
from academy.plugins.packages.errors import PackageError

FORMAT_VERSION = 1
MANIFEST_FILE = "course.toml"
SEMVER = re.compile(r"^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
PUBLISHER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,119}$")


@dataclass(frozen=True)
class QuestionSpec:
    id: str
    kind: QuestionKind
    choices: tuple[str, ...]
    correct: tuple[str, ...]


@dataclass(frozen=True)
class ItemSpec:
    id: str
    type: ItemType
    minutes: int
    required: bool
    assets: tuple[str, ...]
    pass_mark: int | None = None
    max_attempts: int | None = None
    shuffle: bool = False
    questions: tuple[QuestionSpec, ...] = ()


@dataclass(frozen=True)
class ModuleSpec:
    id: str
    items: tuple[ItemSpec, ...]


@dataclass(frozen=True)
class ProvenanceLink:
    """An earlier publisher (and version) this package was derived from."""

    publisher_id: str
    publisher_name: str
    version: str

    def to_dict(self) -> dict[str, str]:
        return {
            "publisher_id": self.publisher_id,
            "publisher_name": self.publisher_name,
            "version": self.version,
        }


@dataclass(frozen=True)
class Manifest:
    uuid: str
    slug: str
    version: str
    source_language: str
    licence: str
    requires_signoff: bool
    modules: tuple[ModuleSpec, ...]
    provenance: tuple[ProvenanceLink, ...] = ()

    def items(self) -> Iterator[tuple[ModuleSpec, ItemSpec]]:
        for module in self.modules:
            for item in module.items:
                yield module, item


def version_key(version: str) -> tuple[int, ...]:
    """A semantic version as a tuple that compares in version order."""
    return tuple(int(part) for part in version.split("."))


def parse_manifest(raw: bytes) -> Manifest:
    """Parse and validate the bytes of course.toml."""
    data = load_toml(raw, MANIFEST_FILE)
    _check_format_version(data)
    top = Table(data, MANIFEST_FILE)
    top.read.add("format_version")
    course = Table(top.table("course"), _("course.toml, [course]"))
    modules = tuple(_module(m) for m in top.tables("modules"))
    provenance = tuple(_link(p) for p in top.tables("provenance", required=False))
    top.finish()
    manifest = Manifest(
        uuid=_uuid(course.text("id")),
        slug=_match(course, "slug", SLUG),
        version=_match(course, "version", SEMVER),
        source_language=_match(course, "source_language", LANGUAGE),
        licence=course.text("licence", required=False, limit=80),
        requires_signoff=course.boolean("requires_signoff", False),
        modules=modules,
        provenance=provenance,
    )
    course.finish()
    _check_unique_ids(manifest)
    return manifest


def load_toml(raw: bytes, path: str) -> dict[str, Any]:
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise PackageError(_("%(path)s is not valid UTF-8.", path=path)) from None
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
        raise PackageError(
            _("%(path)s is not valid TOML: %(error)s", path=path, error=str(exc)[:200])
        ) from None


def _check_format_version(data: dict[str, Any]) -> None:
    version = data.get("format_version")
    if version is None:
        raise PackageError(_("course.toml: format_version is missing."))
    if isinstance(version, bool) or version != FORMAT_VERSION:
        raise PackageError(
            _(
                "course.toml: unknown format version %(version)s (this academy reads "
                "version %(supported)s).",
                version=repr(version)[:40],
                supported=FORMAT_VERSION,
            )
        )


def _match(table: Table, key: str, pattern: re.Pattern[str]) -> str:
    value = table.text(key)
    if not pattern.match(value):
        raise PackageError(
            _(
                "%(where)s: %(field)s has an invalid value %(value)s.",
                where=table.where,
                field=key,
                value=repr(value)[:90],
            )
        )
    return value


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise PackageError(
            _("course.toml: the course id %(value)s is not a UUID.", value=repr(value)[:90])
        ) from None


def _module(data: Any) -> ModuleSpec:
    table = Table(data, _("course.toml, a module"))
    module_id = check_id(table.text("id"), table.where)
    table.where = _("course.toml, module %(id)s", id=module_id)
    items = tuple(_item(i) for i in table.tables("items", required=False))
    table.finish()
    return ModuleSpec(id=module_id, items=items)


def _item(data: Any) -> ItemSpec:
    table = Table(data, _("course.toml, an item"))
    item_id = check_id(table.text("id"), table.where)
    table.where = _("course.toml, item %(id)s", id=item_id)
    kind = _choice(table, "type", ItemType)
    common: dict[str, Any] = {
        "id": item_id,
        "type": kind,
        "minutes": table.integer("minutes", 0, 100_000, default=0),
        "required": table.boolean("required", True),
        "assets": tuple(
            _asset_path(p, table.where) for p in table.strings("assets", required=False)
        ),
    }
    if kind is ItemType.QUIZ:
        common.update(_quiz_settings(table))
    table.finish()
    return ItemSpec(**common)


def _quiz_settings(table: Table) -> dict[str, Any]:
    questions = tuple(_question(q, table.where) for q in table.tables("questions"))
    if not questions:
        raise PackageError(_("%(where)s: a quiz needs at least one question.", where=table.where))
    seen: set[str] = set()
    for question in questions:
        _once(question.id, seen, table.where)
    return {
        "pass_mark": table.integer("pass_mark", 0, 100),
        "max_attempts": table.integer("max_attempts", 0, 1000, default=0),
        "shuffle": table.boolean("shuffle", False),
        "questions": questions,
    }


def _question(data: Any, quiz_where: str) -> QuestionSpec:
    table = Table(data, _("%(where)s, a question", where=quiz_where))
    question_id = check_id(table.text("id"), table.where)
    table.where = _("%(where)s, question %(id)s", where=quiz_where, id=question_id)
    kind = _choice(table, "kind", QuestionKind)
    choices = tuple(check_id(c, table.where, "choices") for c in table.strings("choices"))
    correct = tuple(table.strings("correct"))
    table.finish()
    _check_choices(kind, choices, correct, table.where)
    return QuestionSpec(id=question_id, kind=kind, choices=choices, correct=correct)


def _check_choices(
    kind: QuestionKind, choices: tuple[str, ...], correct: tuple[str, ...], where: str
) -> None:
    seen: set[str] = set()
    for choice in choices:
        _once(choice, seen, where)
    if len(choices) < 2 or (kind is QuestionKind.TRUE_FALSE and len(choices) != 2):
        raise PackageError(
            _("%(where)s: the question has too few or too many choices.", where=where)
        )
    wrong = [c for c in correct if c not in choices]
    if wrong:
        raise PackageError(
            _(
                "%(where)s: the correct answer %(choice)s is not among the choices.",
                where=where,
                choice=repr(wrong[0])[:90],
            )
        )
    single = kind is not QuestionKind.MULTIPLE
    if len(set(correct)) != len(correct) or not correct or (single and len(correct) != 1):
        raise PackageError(
            _("%(where)s: the question has the wrong number of correct answers.", where=where)
        )


def _choice(table: Table, key: str, enum: Any) -> Any:
    value = table.text(key)
    try:
        return enum(value)
    except ValueError:
        raise PackageError(
            _(
                "%(where)s: %(field)s has an invalid value %(value)s.",
                where=table.where,
                field=key,
                value=repr(value)[:90],
            )
        ) from None


def _asset_path(path: str, where: str) -> str:
    check_name(f"assets/{path}")
    if not path or path.endswith("/"):
        raise PackageError(
            _("%(where)s: the asset path %(path)s is malformed.", where=where, path=path)
        )
    return path


def _link(data: Any) -> ProvenanceLink:
    table = Table(data, _("course.toml, [[provenance]]"))
    link = ProvenanceLink(
        publisher_id=_match(table, "publisher_id", PUBLISHER_ID),
        publisher_name=table.text("publisher_name", limit=200),
        version=_match(table, "version", SEMVER),
    )
    table.finish()
    return link


def _once(value: str, seen: set[str], where: str) -> None:
    if value in seen:
        raise PackageError(_("%(where)s: the id %(id)s is used twice.", where=where, id=value))
    seen.add(value)


def _check_unique_ids(manifest: Manifest) -> None:
    """Module and item ids are unique together across the whole course."""
    seen: set[str] = set()
    for module in manifest.modules:
        _once(module.id, seen, MANIFEST_FILE)
        for item in module.items:
            _once(item.id, seen, MANIFEST_FILE)
    if not manifest.modules:
        raise PackageError(_("course.toml: the course needs at least one module."))
