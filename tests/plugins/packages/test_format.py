"""Validation of package content: manifest, texts, translations, assets."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest
from flask import Flask

from academy.plugins.courses.models import TextScope
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.format import parse_package
from tests.plugins.packages.builders import sample_files, sha

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = json.loads((ROOT / "docs" / "course-manifest.schema.json").read_text())


def refused(files: dict[str, bytes], *fragments: str) -> None:
    with pytest.raises(PackageError) as caught:
        parse_package(files)
    for fragment in fragments:
        assert fragment in caught.value.message


def with_manifest(old: str, new: str, **kwargs: object) -> dict[str, bytes]:
    files = sample_files(**kwargs)  # type: ignore[arg-type]
    text = files["course.toml"].decode()
    assert old in text
    files["course.toml"] = text.replace(old, new, 1).encode()
    return files


def test_sample_package_parses(app_ctx: Flask) -> None:
    package = parse_package(sample_files())
    assert package.manifest.slug == "sample-course"
    assert package.languages == ["en", "fr"]
    assert [m.id for m in package.manifest.modules] == ["basics", "practice"]
    quiz = package.source(TextScope.QUIZ, "basics-quiz")
    assert quiz.fields["questions"]["q-one"]["choices"] == {"a": "Yes", "b": "No"}
    lesson = package.source(TextScope.LESSON, "welcome")
    assert lesson.fields["title"] == "Lesson welcome"
    assert lesson.fields["body"].startswith("The text of welcome.")
    assert package.assets["diagram.png"].media_type == "image/png"
    assert package.stale_translations() == []


def test_translations_may_be_partial(app_ctx: Flask) -> None:
    files = sample_files()
    del files["fr/lessons/welcome.md"]
    files["fr/quizzes/basics-quiz.toml"] = (
        f'source_hash = "{sha(files["en/quizzes/basics-quiz.toml"])}"\n'
        '[questions.q-one]\ntext = "Un ?"\n'
    ).encode()
    package = parse_package(files)
    assert ("lesson", "welcome", "fr") not in package.texts
    quiz = package.texts[(TextScope.QUIZ, "basics-quiz", "fr")]
    assert quiz.fields["questions"] == {"q-one": {"text": "Un ?", "choices": {}}}


def test_stale_translation_is_detected(app_ctx: Flask) -> None:
    files = sample_files()
    files["en/lessons/welcome.md"] = files["en/lessons/welcome.md"].replace(b"text", b"words")
    stale = parse_package(files).stale_translations()
    assert [(t.scope, t.key, t.language) for t in stale] == [("lesson", "welcome", "fr")]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("format_version = 1", "format_version = 2", "unknown format version 2"),
        ("format_version = 1\n", "", "format_version is missing"),
        ('id = "first-steps"', 'id = "welcome"', "the id welcome is used twice"),
        ('id = "practice"', 'id = "basics"', "the id basics is used twice"),
        ('id = "first-steps"', 'id = "First Steps"', "is not a valid id"),
        ('id = "first-steps"\n', "", "item: id is missing"),
        ('correct = ["a"]', 'correct = ["z"]', "correct answer 'z' is not among the choices"),
        ('correct = ["a"]', 'correct = ["a", "b"]', "wrong number of correct answers"),
        ('choices = ["a", "b"]', 'choices = ["a", "a"]', "the id a is used twice"),
        ('version = "1.0.0"', 'version = "1.0"', "version has an invalid value"),
        ('slug = "sample-course"', 'slug = "Bad Slug"', "slug has an invalid value"),
        ("pass_mark = 50", "pass_mark = 150", "pass_mark must be a whole number from 0 to 100"),
        ("minutes = 60", 'minutes = "an hour"', "minutes must be a whole number"),
        ("requires_signoff = false", "requires_signoff = 1", "must be true or false"),
        ("requires_signoff = false", "requires_signof = false", "unknown field requires_signof"),
        ('id = "0b7c0e9e', 'id = "x0b7c0e9e', "is not a UUID"),
        ('type = "lesson"', 'type = "video"', "type has an invalid value"),
    ],
)
def test_bad_manifest_is_refused(app_ctx: Flask, old: str, new: str, message: str) -> None:
    refused(with_manifest(old, new), message)


def test_invalid_toml_and_utf8_are_refused(app_ctx: Flask) -> None:
    files = sample_files()
    files["course.toml"] = b"format_version = 1\n[course\n"
    refused(files, "course.toml is not valid TOML")
    files = sample_files()
    files["course.toml"] = b"\xff\xfe" + files["course.toml"]
    refused(files, "course.toml is not valid UTF-8")
    files = sample_files()
    files["en/lessons/welcome.md"] = b'+++\ntitle = "\xe9"\n+++\n'
    refused(files, "en/lessons/welcome.md is not valid UTF-8")
    files = sample_files()
    files["en/lessons/welcome.md"] = b"+++\ntitle = \n+++\n"
    refused(files, "en/lessons/welcome.md is not valid TOML")


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("en/lessons/welcome.md", b"no front matter", "must start with a +++ line"),
        ("en/lessons/welcome.md", b"+++\ntitle = 'x'\n", "not closed by a +++ line"),
        ("en/lessons/welcome.md", b"+++\nsummary = 'x'\n+++\n", "title is missing"),
        ("en/lessons/welcome.md", b"+++\ntitle = 'x'\nextra = 1\n+++\n", "unknown field extra"),
        ("en/lessons/ghost.md", b"+++\ntitle = 'x'\n+++\n", "does not belong to any module"),
        ("en/quizzes/welcome.toml", b"title = 'x'", "does not belong to any module"),
        ("README.md", b"hello", "unexpected file README.md"),
        ("en/notes.txt", b"hello", "unexpected file en/notes.txt"),
        ("fr/lessons/welcome.md", b"+++\ntitle = 'x'\n+++\n", "source_hash is missing"),
        ("fr/lessons/welcome.md", b"+++\nsource_hash = 'abc'\n+++\n", "source_hash must be"),
        ("en/quizzes/basics-quiz.toml", b"title = 'Q'\n[questions]\n", "question q-one is missing"),
    ],
)
def test_bad_text_file_is_refused(app_ctx: Flask, path: str, data: bytes, message: str) -> None:
    files = sample_files()
    files[path] = data
    refused(files, message)


def test_source_language_needs_every_file(app_ctx: Flask) -> None:
    files = sample_files()
    del files["en/modules/practice.md"]
    refused(files, "en/modules/practice.md is missing")


def test_quiz_texts_must_match_the_manifest(app_ctx: Flask) -> None:
    files = sample_files()
    files["en/quizzes/basics-quiz.toml"] += b'\n[questions.q-three]\ntext = "?"\n'
    refused(files, "there is no question q-three")
    files = sample_files()
    quiz = files["en/quizzes/basics-quiz.toml"].replace(b'b = "No"\n', b"")
    files["en/quizzes/basics-quiz.toml"] = quiz
    refused(files, "the text of choice b is missing")


@pytest.mark.parametrize(
    "reference",
    [
        "![x](assets/missing.png)",
        "[slides](assets/slides.pdf)",
        '<img src="assets/a.png">',
        "[ref]: assets/ref.png",
    ],
)
def test_missing_asset_is_refused(app_ctx: Flask, reference: str) -> None:
    files = sample_files(bodies={"welcome": f"Look:\n\n{reference}\n"})
    refused(files, "en/lessons/welcome.md refers to assets/")


def test_listed_asset_must_exist(app_ctx: Flask) -> None:
    files = with_manifest("minutes = 60\n", 'minutes = 60\nassets = ["nope.pdf"]\n')
    refused(files, "lists the asset assets/nope.pdf")


def test_manifest_schema_accepts_valid_manifests() -> None:
    manifests = [tomllib.loads(sample_files()["course.toml"].decode())]
    for folder in sorted((ROOT / "courses").iterdir()):
        if (folder / "course.toml").is_file():
            manifests.append(tomllib.loads((folder / "course.toml").read_text()))
    for data in manifests:
        jsonschema.validate(data, SCHEMA)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("format_version = 1", "format_version = 2"),
        ('id = "first-steps"', 'id = "First Steps"'),
        ('version = "1.0.0"', 'version = "1.0"'),
        ('correct = ["a"]', "correct = []"),
        ("requires_signoff = false", "requires_signof = false"),
    ],
)
def test_manifest_schema_refuses_invalid_manifests(app_ctx: Flask, old: str, new: str) -> None:
    data = tomllib.loads(with_manifest(old, new)["course.toml"].decode())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)
