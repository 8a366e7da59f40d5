"""A course package, parsed and validated from a ``{path: bytes}`` map.

:func:`parse_package` is the one place that decides whether a set of files is
a valid package (see docs/package-format.md); everything else (build, verify,
import) works on the :class:`Package` it returns.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from flask_babel import gettext as _

from academy.plugins.courses.models import ItemType, TextScope
from academy.plugins.packages.archive import check_name
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.manifest import (
    LANGUAGE,
    MANIFEST_FILE,
    ItemSpec,
    Manifest,
    parse_manifest,
)
from academy.plugins.packages.texts import TextSpec, classify, parse_text, sha256, text_path

ASSETS = "assets/"
SIGNATURE_FILES = frozenset({"MANIFEST.sha256", "SIGNATURE.json"})
SCOPE_OF_TYPE = {
    ItemType.LESSON: TextScope.LESSON,
    ItemType.QUIZ: TextScope.QUIZ,
    ItemType.ASSIGNMENT: TextScope.ASSIGNMENT,
}
#: Markdown links and images, reference definitions and HTML src/href to assets/...
_ASSET_REF = re.compile(
    r"""(?:\]\(\s*<?|^[ \t]*\[[^\]\n]*\]:[ \t]*<?|\b(?:src|href)\s*=\s*["']?)"""
    r"""(?:\./)?(assets/[^\s)>"'#?]*)""",
    re.MULTILINE,
)

TextKey = tuple[TextScope, str, str]


@dataclass(frozen=True)
class AssetFile:
    path: str  # relative to assets/
    data: bytes
    sha256: str
    media_type: str


@dataclass
class Package:
    manifest: Manifest
    texts: dict[TextKey, TextSpec]
    assets: dict[str, AssetFile]
    languages: list[str]
    files: dict[str, bytes] = field(repr=False, default_factory=dict)

    def source(self, scope: TextScope, key: str) -> TextSpec:
        return self.texts[(scope, key, self.manifest.source_language)]

    def title(self, scope: TextScope, key: str) -> str:
        return str(self.source(scope, key).fields.get("title", ""))

    def translations(self) -> Iterator[TextSpec]:
        source = self.manifest.source_language
        return (text for text in self.texts.values() if text.language != source)

    def stale_translations(self) -> list[TextSpec]:
        """Translations shipped in the package whose source file has changed since."""
        return [
            text
            for text in self.translations()
            if text.source_hash != self.source(text.scope, text.key).content_hash
        ]


def expected_texts(manifest: Manifest) -> dict[tuple[TextScope, str], ItemSpec | None]:
    """Every (scope, key) the package has a text for, with the quiz entry for quizzes."""
    expected: dict[tuple[TextScope, str], ItemSpec | None] = {(TextScope.COURSE, ""): None}
    for module in manifest.modules:
        expected[(TextScope.MODULE, module.id)] = None
    for _module, item in manifest.items():
        expected[(SCOPE_OF_TYPE[item.type], item.id)] = item
    return expected


def parse_package(files: dict[str, bytes]) -> Package:
    """Validate ``files`` (a package's content, without signature files) as a package."""
    if MANIFEST_FILE not in files:
        raise PackageError(_("The package has no course.toml."))
    manifest = parse_manifest(files[MANIFEST_FILE])
    expected = expected_texts(manifest)
    texts: dict[TextKey, TextSpec] = {}
    assets: dict[str, AssetFile] = {}
    for path in sorted(files):
        if path == MANIFEST_FILE:
            continue
        check_name(path)
        if path.startswith(ASSETS):
            assets[path[len(ASSETS) :]] = _asset(path, files[path])
            continue
        text = _text(path, files[path], manifest, expected)
        texts[(text.scope, text.key, text.language)] = text
    languages = sorted({language for _s, _k, language in texts})
    _check_complete(manifest, expected, texts)
    _check_asset_references(manifest, texts, assets)
    return Package(manifest, texts, assets, languages, files)


def _asset(path: str, data: bytes) -> AssetFile:
    if path == ASSETS:
        raise PackageError(_("The package has an unexpected file %(path)s.", path=path))
    if len(path) > 255 + len(ASSETS):
        raise PackageError(_("The asset path %(path)s is too long.", path=path[:120]))
    media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return AssetFile(path[len(ASSETS) :], data, sha256(data), media_type)


def _text(
    path: str,
    raw: bytes,
    manifest: Manifest,
    expected: dict[tuple[TextScope, str], ItemSpec | None],
) -> TextSpec:
    language, _sep, rest = path.partition("/")
    found = classify(rest) if LANGUAGE.match(language) else None
    if found is None:
        raise PackageError(_("The package has an unexpected file %(path)s.", path=path))
    if found not in expected:
        raise PackageError(
            _("%(path)s does not belong to any module or item of course.toml.", path=path)
        )
    is_source = language == manifest.source_language
    return parse_text(raw, path, found[0], expected[found], is_source=is_source)


def _check_complete(
    manifest: Manifest,
    expected: dict[tuple[TextScope, str], ItemSpec | None],
    texts: dict[TextKey, TextSpec],
) -> None:
    """The source language has every file (translations may be partial)."""
    source = manifest.source_language
    for scope, key in expected:
        if (scope, key, source) not in texts:
            raise PackageError(
                _(
                    "%(path)s is missing: the source language needs every file.",
                    path=text_path(scope, key, source),
                )
            )


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)


def _check_asset_references(
    manifest: Manifest, texts: dict[TextKey, TextSpec], assets: dict[str, AssetFile]
) -> None:
    """Every assets/... a text links to, and every asset an item lists, is in the package."""
    for text in texts.values():
        for value in _strings(text.fields):
            for match in _ASSET_REF.finditer(value):
                path = unquote(match.group(1))[len(ASSETS) :]
                if path not in assets:
                    raise PackageError(
                        _(
                            "%(path)s refers to %(asset)s, which is not in the package.",
                            path=text.path,
                            asset=match.group(1)[:200],
                        )
                    )
    for _module, item in manifest.items():
        for path in item.assets:
            if path not in assets:
                raise PackageError(
                    _(
                        "course.toml: item %(id)s lists the asset %(asset)s, which is not in "
                        "the package.",
                        id=item.id,
                        asset=ASSETS + path,
                    )
                )
