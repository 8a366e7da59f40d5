"""Importing packages: install, upgrade in place, trust, refusals, dry runs, query counts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from academy.core.audit.models import AuditEvent
from academy.core.signals import course_upgraded
from academy.core.storage import storage
from academy.extensions import db
from academy.plugins.courses.models import Asset, CourseOrigin, Module, TextScope
from academy.plugins.packages.apply import asset_key
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.models import PackageImport, Publisher
from academy.plugins.packages.publishers import revoke_publisher, trust_publisher
from academy.plugins.packages.report import Action, report_lines
from academy.plugins.packages.services import import_package
from academy.plugins.packages.signing import Signer
from tests.factories import make_user
from tests.plugins.packages.builders import new_signer, sample_files, sha, signed_zip
from tests.plugins.packages.conftest import count_queries
from tests.plugins.packages.helpers import install, items, questions, text, the_course

Counts = Callable[[], dict[str, int]]


def test_install_creates_the_course(signer: Signer) -> None:
    report = install(signer)
    assert report.applied and report.action is Action.INSTALL
    course = the_course()
    assert (course.slug, course.version, course.source_language) == ("sample-course", "1.0.0", "en")
    assert course.origin is CourseOrigin.IMPORTED
    assert (course.publisher_id, course.provenance) == (signer.publisher.id, [])
    rows = items(course)
    assert set(rows) == {"welcome", "first-steps", "basics-quiz", "practice-task"}
    assert rows["basics-quiz"].pass_mark == 50 and rows["basics-quiz"].max_attempts == 2
    assert questions(course)["basics-quiz/q-two"].correct == ["true"]
    french = text(course, TextScope.LESSON, "welcome", "fr")
    english = text(course, TextScope.LESSON, "welcome", "en")
    assert french is not None and english is not None
    assert french.source_hash == english.content_hash and not french.local
    asset = db.session.scalar(sa.select(Asset).where(Asset.course_id == course.id))
    assert asset is not None and asset.path == "diagram.png" and asset.media_type == "image/png"
    assert storage().exists(asset_key(course.uuid, asset.sha256))
    history = db.session.scalars(sa.select(PackageImport)).all()
    assert [(h.version, h.previous_version) for h in history] == [("1.0.0", None)]


def test_dry_run_changes_nothing(signer: Signer, counts: Counts) -> None:
    before = counts()
    report = import_package(signed_zip(sample_files(), signer), dry_run=True)
    assert not report.applied and counts() == before
    assert {ref.key for ref in report.changes.items_new} == {
        "welcome",
        "first-steps",
        "basics-quiz",
        "practice-task",
    }
    lines = report_lines(report)
    assert "Version: - -> 1.0.0 (new course)" in lines
    assert "  + lesson welcome: Lesson welcome" in lines


def test_upgrade_keeps_ids_archives_removed_and_adds_new(signer: Signer) -> None:
    install(signer)
    course = the_course()
    before, before_questions = items(course), questions(course)
    new = sample_files(
        "1.1.0", ["welcome", "extra"], bodies={"welcome": "Rewritten.\n\n![d](assets/diagram.png)"}
    )
    report = install(signer, new)
    assert report.action is Action.UPGRADE and report.previous_version == "1.0.0"
    assert [r.key for r in report.changes.items_new] == ["extra"]
    assert [r.key for r in report.changes.items_changed] == ["welcome"]
    assert [r.key for r in report.changes.items_archived] == ["first-steps"]
    after = items(course)
    for key in ("welcome", "basics-quiz", "practice-task"):
        assert after[key].id == before[key].id and after[key].archived_at is None
    assert after["first-steps"].id == before["first-steps"].id
    assert after["first-steps"].archived_at is not None
    assert after["extra"].archived_at is None and after["extra"].required
    assert {k: q.id for k, q in questions(course).items()} == {
        k: q.id for k, q in before_questions.items()
    }
    assert the_course().version == "1.1.0"
    welcome = text(course, TextScope.LESSON, "welcome", "en")
    assert welcome is not None and welcome.fields["body"].startswith("Rewritten.")


def test_removed_then_restored_item_keeps_its_row(signer: Signer) -> None:
    install(signer)
    first = items(the_course())["first-steps"].id
    install(signer, sample_files("1.1.0", ["welcome"]))
    report = install(signer, sample_files("1.2.0", ["welcome", "first-steps"]))
    assert [r.key for r in report.changes.items_restored] == ["first-steps"]
    row = items(the_course())["first-steps"]
    assert row.id == first and row.archived_at is None


def test_removed_module_and_question_are_archived(signer: Signer) -> None:
    install(signer)
    course = the_course()
    files = sample_files("1.1.0")
    manifest = files["course.toml"].decode()
    manifest = manifest[: manifest.index('\n[[modules.items.questions]]\nid = "q-two"')] + "\n"
    files["course.toml"] = manifest.encode()  # drops q-two, module practice and its item
    for path in [p for p in files if "practice" in p]:
        del files[path]
    for language in ("en", "fr"):
        quiz = files[f"{language}/quizzes/basics-quiz.toml"].decode()
        quiz = quiz[: quiz.index("[questions.q-two]")]
        if language == "fr":
            quiz = quiz.split("\n", 1)[1]
            quiz = f'source_hash = "{sha(files["en/quizzes/basics-quiz.toml"])}"\n' + quiz
        files[f"{language}/quizzes/basics-quiz.toml"] = quiz.encode()
    report = install(signer, files)
    assert [r.key for r in report.changes.modules_archived] == ["practice"]
    assert [r.key for r in report.changes.items_archived] == ["practice-task"]
    assert questions(course)["basics-quiz/q-two"].archived_at is not None
    modules = {m.key: m for m in db.session.scalars(sa.select(Module))}
    assert modules["practice"].archived_at is not None
    assert items(course)["practice-task"].archived_at is not None


def test_local_translation_survives_and_becomes_stale(signer: Signer) -> None:
    install(signer)
    course = the_course()
    for key in ("welcome", "first-steps"):
        row = text(course, TextScope.LESSON, key, "fr")
        assert row is not None
        row.fields = {**row.fields, "title": f"Traduction locale {key}"}
        row.local = True
    db.session.flush()
    new = sample_files("1.1.0", bodies={"welcome": "Changed.\n\n![d](assets/diagram.png)"})
    report = install(signer, new)
    assert [(r.key, r.language) for r in report.changes.stale_local] == [("welcome", "fr")]
    assert {r.key for r in report.changes.kept_local} == {"welcome", "first-steps"}
    welcome_fr = text(course, TextScope.LESSON, "welcome", "fr")
    welcome_en = text(course, TextScope.LESSON, "welcome", "en")
    steps_fr = text(course, TextScope.LESSON, "first-steps", "fr")
    steps_en = text(course, TextScope.LESSON, "first-steps", "en")
    assert welcome_fr is not None and welcome_en is not None
    assert steps_fr is not None and steps_en is not None
    assert welcome_fr.local and welcome_fr.fields["title"] == "Traduction locale welcome"
    assert welcome_fr.source_hash != welcome_en.content_hash  # stale: derived, not stored
    assert steps_fr.local and steps_fr.source_hash == steps_en.content_hash  # still fresh


def test_older_or_same_version_needs_force(signer: Signer, counts: Counts) -> None:
    install(signer, sample_files("1.1.0"))
    before = counts()
    for version in ("1.1.0", "1.0.0"):
        with pytest.raises(PackageError) as caught:
            install(signer, sample_files(version))
        assert "needs force" in caught.value.message and caught.value.field == "force"
        assert counts() == before
    report = install(signer, sample_files("1.0.0"), force=True)
    assert report.action is Action.DOWNGRADE and the_course().version == "1.0.0"


def test_unknown_publisher_needs_trust(app_ctx: Flask, partner: Signer, counts: Counts) -> None:
    data = signed_zip(sample_files(), partner)
    before = counts()
    with pytest.raises(PackageError) as caught:
        import_package(data)
    assert "is not trusted here" in caught.value.message and caught.value.field == "trust"
    assert counts() == before
    report = import_package(data, dry_run=True)
    assert report.trust == "unknown" and [b.flag for b in report.blockers] == ["trust"]
    import_package(data, trust=True)
    row = db.session.scalar(
        sa.select(Publisher).where(Publisher.publisher_id == partner.publisher.id)
    )
    assert row is not None and row.public_key == partner.publisher.public_key and not row.is_self


def test_same_publisher_with_another_key_is_refused(
    app_ctx: Flask, partner: Signer, counts: Counts
) -> None:
    install(partner)
    impostor = new_signer(partner.publisher.id, partner.publisher.name)
    before = counts()
    for dry_run in (True, False):
        with pytest.raises(PackageError, match="already known here with another key"):
            import_package(signed_zip(sample_files("2.0.0"), impostor), trust=True, dry_run=dry_run)
    assert counts() == before


def test_revoked_publisher_needs_trust_again(app_ctx: Flask, partner: Signer) -> None:
    row = trust_publisher(partner.publisher, by=None)
    revoke_publisher(row, by=None)
    with pytest.raises(PackageError, match="is not trusted here"):
        import_package(signed_zip(sample_files(), partner))
    import_package(signed_zip(sample_files(), partner), trust=True)
    assert row.revoked_at is None


def test_upgrade_must_come_from_the_publisher_chain(
    app_ctx: Flask, partner: Signer, counts: Counts
) -> None:
    install(partner)
    stranger = new_signer("stranger-academy", "Stranger")
    trust_publisher(stranger.publisher, by=None)
    before = counts()
    with pytest.raises(PackageError, match="cannot upgrade it"):
        install(stranger, sample_files("1.1.0"))
    assert counts() == before


def test_slug_used_by_another_course_is_refused(signer: Signer) -> None:
    install(signer)
    other = sample_files(uuid="5f0c3e7a-1d2b-4c3d-8e9f-0a1b2c3d4e5f")
    with pytest.raises(PackageError, match="already uses the address sample-course"):
        install(signer, other)


def test_an_id_keeps_its_type(signer: Signer) -> None:
    install(signer)
    files = sample_files("1.1.0")
    files["course.toml"] = files["course.toml"].replace(
        b'type = "assignment"\nid = "practice-task"', b'type = "lesson"\nid = "practice-task"'
    )
    files["en/lessons/practice-task.md"] = files.pop("en/assignments/practice-task.md")
    files["fr/lessons/practice-task.md"] = files.pop("fr/assignments/practice-task.md")
    with pytest.raises(PackageError, match="keeps its type"):
        install(signer, files)


def test_upgrade_signal_and_audit(signer: Signer) -> None:
    manager = make_user()
    received: list[tuple[str, str]] = []

    def on_upgrade(course: object, old_version: str, new_version: str) -> None:
        received.append((old_version, new_version))

    install(signer, by=manager)
    with course_upgraded.connected_to(on_upgrade):
        install(signer, sample_files("1.0.1"), by=manager)
    assert received == [("1.0.0", "1.0.1")]
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.actor_id == manager.id)
    ).all()
    assert actions == ["package.imported", "package.imported"]


def test_reimporting_the_same_package_with_force_changes_nothing(signer: Signer) -> None:
    install(signer)
    course = the_course()
    updated = course.updated_at
    report = install(signer, force=True)
    assert report.changes.is_empty and the_course().updated_at == updated


def _queries_for(signer: Signer, size: int) -> tuple[int, int]:
    """Statements to install a course of ``size`` lessons, then to upgrade all of them."""
    lessons = [f"lesson-{size}-{n}" for n in range(size)]
    ident = {"slug": f"course-{size}", "uuid": f"0b7c0e9e-3c1e-4d8a-9a57-3a3f0c4d2e{size:02d}"}
    with count_queries() as install_queries:
        install(signer, sample_files("1.0.0", lessons, **ident))
    changed = {key: f"New {key}.\n\n![d](assets/diagram.png)" for key in lessons}
    upgrade = sample_files("1.1.0", [*lessons[1:], "brand-new"], bodies=changed, **ident)
    with count_queries() as upgrade_queries:
        install(signer, upgrade)
    return len(install_queries), len(upgrade_queries)


def test_import_runs_a_bounded_number_of_queries(signer: Signer) -> None:
    _queries_for(signer, 1)  # the first import also records the publisher
    small, large = _queries_for(signer, 2), _queries_for(signer, 60)
    assert small == large
    assert large[0] <= 25 and large[1] <= 30
