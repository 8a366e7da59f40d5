"""Exporting courses: round trip into a fresh instance, derived packages and provenance."""

from __future__ import annotations

import tomllib

import pytest
from flask import Flask

from academy.core.storage import storage
from academy.extensions import db
from academy.plugins.courses.models import TextScope
from academy.plugins.packages.apply import asset_key
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.publishers import trust_publisher
from academy.plugins.packages.services import export_course, import_package, verify_package
from academy.plugins.packages.signing import Signer
from tests.plugins.packages.builders import new_signer, sample_files, sha, unzip
from tests.plugins.packages.helpers import (
    install,
    items,
    questions,
    text,
    texts_by_language,
    the_course,
)


def forget_course() -> None:
    """Simulate another instance: this one no longer has the course."""
    db.session.delete(the_course())
    db.session.flush()
    db.session.expire_all()


def structure() -> tuple[dict[str, tuple[object, ...]], dict[str, tuple[object, ...]]]:
    course = the_course()
    item_rows = {
        k: (str(i.type), i.minutes, i.required, i.pass_mark, i.max_attempts, i.shuffle)
        for k, i in items(course).items()
    }
    question_rows = {k: (str(q.kind), q.choices, q.correct) for k, q in questions(course).items()}
    return item_rows, question_rows


def test_export_then_import_elsewhere_gives_the_same_course(signer: Signer) -> None:
    install(signer)
    course = the_course()
    local = text(course, TextScope.LESSON, "welcome", "fr")
    assert local is not None
    local.fields = {**local.fields, "title": "Bienvenue (traduit ici)"}
    local.local = True
    db.session.flush()
    before_texts, before_structure = texts_by_language(course), structure()
    elsewhere = new_signer("exporting-academy", "Exporting academy")
    data = export_course(course, signer=elsewhere)
    assert verify_package(data).publisher == elsewhere.publisher
    forget_course()
    report = import_package(data, trust=True)
    assert report.applied and report.languages == ["en", "fr"]
    course = the_course()
    assert texts_by_language(course) == before_texts
    assert structure() == before_structure
    assert report.changes.stale_packaged == []  # fresh translations stay fresh


def test_export_is_deterministic_and_keeps_staleness(signer: Signer) -> None:
    files = sample_files()
    files["en/lessons/welcome.md"] += b"\nA later sentence.\n"  # fr/welcome is now stale
    install(signer, files)
    course = the_course()
    first, second = export_course(course, signer=signer), export_course(course, signer=signer)
    assert first == second
    report = import_package(first, dry_run=True, force=True)
    assert [(r.key, r.language) for r in report.changes.stale_packaged] == [("welcome", "fr")]


def test_derived_package_names_the_original_publisher(app_ctx: Flask, signer: Signer) -> None:
    network = new_signer("network-academy", "Network academy")
    install(network)
    data = export_course(the_course(), signer=signer)
    manifest = tomllib.loads(unzip(data)["course.toml"].decode())
    assert manifest["provenance"] == [
        {"publisher_id": "network-academy", "publisher_name": "Network academy", "version": "1.0.0"}
    ]
    assert manifest["course"]["version"] == "1.0.0"
    forget_course()
    import_package(data, trust=True)
    course = the_course()
    assert course.publisher_id == signer.publisher.id
    assert course.provenance[0]["publisher_id"] == "network-academy"
    trust_publisher(network.publisher, by=None)
    report = install(network, sample_files("1.1.0"))  # the original publisher may upgrade
    assert report.applied and the_course().provenance == []


def test_derived_of_derived_keeps_the_whole_chain(signer: Signer) -> None:
    network, partner = new_signer("network"), new_signer("partner")
    install(network)
    first = export_course(the_course(), signer=partner)
    forget_course()
    import_package(first, trust=True)
    second = export_course(the_course(), signer=signer)
    manifest = tomllib.loads(unzip(second)["course.toml"].decode())
    assert [link["publisher_id"] for link in manifest["provenance"]] == ["network", "partner"]


def test_missing_asset_file_fails_the_export(signer: Signer) -> None:
    files = sample_files()
    files["assets/diagram.png"] = b"only for this test " + signer.publisher.id.encode()
    install(signer, files)
    course = the_course()
    storage().delete(asset_key(course.uuid, sha(files["assets/diagram.png"])))
    with pytest.raises(PackageError, match=r"asset diagram\.png is missing"):
        export_course(course, signer=signer)
