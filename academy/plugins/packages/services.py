"""Use cases of course packages: build, verify, import (with dry run), export.

Services flush but never commit; the view or command commits once.  An import
is staged (read, verified, parsed and compared in memory), then applied inside
a savepoint, so a refused or failed import leaves the database as it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

import academy
from academy.core.accounts.models import User
from academy.core.audit.services import record
from academy.core.signals import course_upgraded
from academy.extensions import db
from academy.plugins.courses.models import Course, CourseOrigin, TextScope
from academy.plugins.packages.apply import apply_package
from academy.plugins.packages.archive import Limits, read_directory, read_zip, write_zip
from academy.plugins.packages.diff import Installed, compute_changes, load_installed
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.export import course_files
from academy.plugins.packages.format import Package, parse_package
from academy.plugins.packages.manifest import version_key
from academy.plugins.packages.models import PackageImport
from academy.plugins.packages.publishers import (
    TrustStatus,
    ensure_self_publisher,
    self_publisher_ids,
    trust_publisher,
    trust_status,
)
from academy.plugins.packages.report import Action, Blocker, ImportReport
from academy.plugins.packages.signing import PublisherKey, Signer, instance_signer, sign_files
from academy.plugins.packages.signing import verify_files as verify_signature


@dataclass(frozen=True)
class Verified:
    """A package whose hashes and signature hold, parsed and validated."""

    package: Package
    publisher: PublisherKey
    sha256: str


def limits() -> Limits:
    return Limits.from_config(current_app.config)


def verify_package(data: bytes) -> Verified:
    """Read, check integrity and signature, and validate a built package."""
    files = read_zip(data, limits())
    content, publisher = verify_signature(files)
    return Verified(parse_package(content), publisher, hashlib.sha256(data).hexdigest())


def build_package(directory: Path, *, signer: Signer | None = None) -> bytes:
    """Validate a package folder and return it zipped and signed (by this instance)."""
    files = read_directory(directory, limits())
    parse_package(files)
    return write_zip(sign_files(files, signer or instance_signer(current_app)))


def course_by_uuid(course_uuid: str) -> Course | None:
    return db.session.scalar(sa.select(Course).where(Course.uuid == course_uuid))


def _check_slug(package: Package, course: Course | None) -> None:
    slug = package.manifest.slug
    other = db.session.scalar(sa.select(Course).where(Course.slug == slug))
    if other is not None and other is not course:
        raise PackageError(_("Another course here already uses the address %(slug)s.", slug=slug))


def _check_chain(course: Course | None, publisher: PublisherKey) -> None:
    """An upgrade comes from the installed version's publisher or one in its provenance."""
    if course is None or course.origin is CourseOrigin.BUILTIN:
        return
    allowed = {course.publisher_id, *(link.get("publisher_id") for link in course.provenance)}
    if course.publisher_id in self_publisher_ids():
        allowed |= self_publisher_ids()
    if publisher.id not in allowed:
        raise PackageError(
            _(
                "The installed course comes from %(installed)s; a package signed by "
                "%(publisher)s cannot upgrade it.",
                installed=course.publisher_name or course.publisher_id,
                publisher=publisher.id,
            )
        )


def _action(course: Course | None, version: str) -> Action:
    if course is None:
        return Action.INSTALL
    old, new = version_key(course.version), version_key(version)
    if new > old:
        return Action.UPGRADE
    return Action.REINSTALL if new == old else Action.DOWNGRADE


def _blockers(report: ImportReport, *, trust: bool, force: bool) -> list[Blocker]:
    blockers = []
    if report.trust in {TrustStatus.UNKNOWN, TrustStatus.REVOKED} and not trust:
        message = _(
            "The publisher %(name)s (%(id)s) is not trusted here; trust it to import.",
            name=report.publisher.name,
            id=report.publisher.id,
        )
        blockers.append(Blocker("trust", message))
    if report.action in {Action.REINSTALL, Action.DOWNGRADE} and not force:
        message = _(
            "Version %(installed)s is installed; importing version %(version)s needs force.",
            installed=report.previous_version,
            version=report.version,
        )
        blockers.append(Blocker("force", message))
    return blockers


def _report(verified: Verified, course: Course | None, installed: Installed | None) -> ImportReport:
    package = verified.package
    return ImportReport(
        course_uuid=package.manifest.uuid,
        slug=package.manifest.slug,
        title=package.title(TextScope.COURSE, ""),
        version=package.manifest.version,
        previous_version=course.version if course is not None else None,
        action=_action(course, package.manifest.version),
        publisher=verified.publisher,
        trust=trust_status(verified.publisher),
        provenance=[link.to_dict() for link in package.manifest.provenance],
        languages=package.languages,
        changes=compute_changes(package, installed),
        package_sha256=verified.sha256,
    )


def _plan(verified: Verified, *, trust: bool, force: bool) -> tuple[ImportReport, Installed | None]:
    course = course_by_uuid(verified.package.manifest.uuid)
    _check_slug(verified.package, course)
    _check_chain(course, verified.publisher)
    installed = load_installed(course) if course is not None else None
    report = _report(verified, course, installed)
    report.blockers = _blockers(report, trust=trust, force=force)
    report.course_id = course.id if course is not None else None
    return report, installed


def plan_import(verified: Verified, *, trust: bool = False, force: bool = False) -> ImportReport:
    """The dry-run report of importing ``verified``; refuses what no flag can allow."""
    return _plan(verified, trust=trust, force=force)[0]


def import_package(
    data: bytes,
    *,
    by: User | None = None,
    dry_run: bool = False,
    trust: bool = False,
    force: bool = False,
    origin: CourseOrigin = CourseOrigin.IMPORTED,
) -> ImportReport:
    """Verify, compare and (unless ``dry_run``) apply a built package."""
    verified = verify_package(data)
    report, installed = _plan(verified, trust=trust, force=force)
    if dry_run:
        return report
    if report.blockers:
        raise PackageError(report.blockers[0].message, field=report.blockers[0].flag)
    with db.session.begin_nested():
        if report.trust in {TrustStatus.UNKNOWN, TrustStatus.REVOKED}:
            trust_publisher(verified.publisher, by=by)
        course = apply_package(verified.package, installed, verified.publisher, origin)
        report.applied, report.course_id = True, course.id
        _record_import(course, verified, report, by=by)
    return report


def _record_import(
    course: Course, verified: Verified, report: ImportReport, *, by: User | None
) -> None:
    db.session.add(
        PackageImport(
            course_id=course.id,
            course_uuid=course.uuid,
            version=report.version,
            previous_version=report.previous_version,
            publisher_id=verified.publisher.id,
            format="academy",
            package_sha256=verified.sha256,
            by_id=by.id if by is not None else None,
            report=report.to_dict(),
        )
    )
    db.session.flush()
    if by is not None:
        details = {"version": report.version, "previous_version": report.previous_version}
        record(by, "package.imported", course, label=course.slug, **details)
    if report.action is Action.UPGRADE:
        course_upgraded.send(
            course, old_version=report.previous_version, new_version=report.version
        )


def import_history(course: Course) -> list[PackageImport]:
    query = (
        sa.select(PackageImport)
        .where(PackageImport.course_uuid == course.uuid)
        .order_by(PackageImport.created_at.desc(), PackageImport.id.desc())
    )
    return list(db.session.scalars(query))


def course_by_reference(reference: str) -> Course:
    """The course with this slug or UUID."""
    course = db.session.scalar(
        sa.select(Course).where(sa.or_(Course.slug == reference, Course.uuid == reference))
    )
    if course is None:
        raise PackageError(_("There is no course %(course)s here.", course=reference))
    return course


def export_course(course: Course, *, signer: Signer | None = None) -> bytes:
    """The course as a package signed by this instance (derived, if it came from elsewhere)."""
    signer = signer or instance_signer(current_app)
    files = course_files(course, signer.publisher.id)
    parse_package(files)
    return write_zip(sign_files(files, signer))


def builtin_courses_folder() -> Path:
    return Path(academy.__file__).resolve().parents[1] / "courses"


def load_builtin_courses(folder: Path | None = None) -> list[str]:
    """Install or upgrade the course packages under courses/, signed by this instance."""
    signer = instance_signer(current_app)
    ensure_self_publisher(signer)
    root = folder or builtin_courses_folder()
    if not root.is_dir():
        return []
    lines = []
    for directory in sorted(p for p in root.iterdir() if (p / "course.toml").is_file()):
        try:
            lines.append(_load_builtin(directory, signer))
        except PackageError as exc:
            lines.append(
                _("Skipped built-in course %(name)s: %(error)s", name=directory.name, error=exc)
            )
    return lines


def _load_builtin(directory: Path, signer: Signer) -> str:
    data = build_package(directory, signer=signer)
    verified = verify_package(data)
    manifest = verified.package.manifest
    course = course_by_uuid(manifest.uuid)
    if course is not None and version_key(course.version) >= version_key(manifest.version):
        return _("Kept course %(slug)s %(version)s", slug=course.slug, version=course.version)
    report = import_package(data, origin=CourseOrigin.BUILTIN)
    if report.action is Action.UPGRADE:
        return _(
            "Upgraded course %(slug)s %(old)s -> %(new)s",
            slug=report.slug,
            old=report.previous_version,
            new=report.version,
        )
    return _("Installed course %(slug)s %(version)s", slug=report.slug, version=report.version)
