"""Use cases of Common Cartridges: import (with dry run) and export.

An import reads the cartridge safely (the zip checks of course packages, the
hardened XML parser), converts it to the files of an Academy package and
validates them with :func:`parse_package`; then it goes the way of every
package: compared with the installed course, and applied inside a savepoint,
so a refused or failed import writes nothing.  The course is LOCAL (made
here) and unsigned; its id derives from the cartridge's identifier, so the
same cartridge imported again updates it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import struct
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from academy.core.accounts.models import User
from academy.core.audit.services import record
from academy.extensions import db
from academy.plugins.courses.models import Course, CourseOrigin, TextScope
from academy.plugins.packages.apply import apply_package
from academy.plugins.packages.archive import read_zip, write_zip
from academy.plugins.packages.diff import Changes, Installed, compute_changes, load_installed
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.export import course_files
from academy.plugins.packages.format import Package, parse_package
from academy.plugins.packages.imscc.draft import Identity, package_files
from academy.plugins.packages.imscc.export import cartridge_files
from academy.plugins.packages.imscc.importer import convert
from academy.plugins.packages.imscc.keys import slugify
from academy.plugins.packages.imscc.lom import CourseFacts
from academy.plugins.packages.imscc.manifest import read_cartridge
from academy.plugins.packages.imscc.model import EXPORT_VERSIONS, MANIFEST_FILE, Cartridge
from academy.plugins.packages.imscc.report import CartridgeReport
from academy.plugins.packages.manifest import LANGUAGE
from academy.plugins.packages.models import PackageImport
from academy.plugins.packages.report import Action
from academy.plugins.packages.services import course_by_uuid, limits
from academy.plugins.packages.signing import PublisherKey

FIRST_VERSION = "1.0.0"
SUFFIX = ".imscc"
NOT_A_ZIP: tuple[type[BaseException], ...] = (
    *(zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, IndexError),
    *(NotImplementedError, RuntimeError, zlib.error, struct.error, OverflowError),
)
#: An imported course is made here: no publisher, no signature.
NO_PUBLISHER = PublisherKey("", "", "")


@dataclass
class Staged:
    report: CartridgeReport
    package: Package
    installed: Installed | None


def is_cartridge(data: bytes, filename: str = "") -> bool:
    """A .imscc file, or a zip with imsmanifest.xml at its root (and so no course package)."""
    if filename.lower().endswith(SUFFIX):
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return MANIFEST_FILE in archive.namelist()
    except NOT_A_ZIP:
        return False


def course_uuid(cartridge: Cartridge) -> str:
    """The id of the course a cartridge makes: the same for every import of it."""
    identity = cartridge.identifier or hashlib.sha256(cartridge.files[MANIFEST_FILE]).hexdigest()
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:academy:imscc:{identity}"))


def source_language(cartridge: Cartridge) -> str:
    """The cartridge's first LOM language if it is a language code, else the default locale."""
    for value in cartridge.metadata.languages[:1]:
        primary, _sep, region = value.strip().replace("_", "-").partition("-")
        code = primary.lower() + (f"-{region}" if region else "")
        if LANGUAGE.match(code):
            return code
    return str(current_app.config.get("BABEL_DEFAULT_LOCALE") or "en")


def unique_slug(title: str) -> str:
    """An address made from the title that no course here uses yet."""
    base = slugify(title, limit=60) or "course"
    taken = set(db.session.scalars(sa.select(Course.slug).where(Course.slug.startswith(base))))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _installed_course(course_id: str) -> Course | None:
    course = course_by_uuid(course_id)
    if course is not None and course.origin is not CourseOrigin.LOCAL:
        raise PackageError(
            _(
                "The course %(slug)s here did not come from a cartridge; it is left as it is.",
                slug=course.slug,
            )
        )
    return course


def _next_version(course: Course | None, changes: Changes) -> tuple[Action, str]:
    if course is None:
        return Action.INSTALL, FIRST_VERSION
    if changes.is_empty:
        return Action.REINSTALL, course.version
    major, minor, patch = (int(part) for part in course.version.split("."))
    return Action.UPGRADE, f"{major}.{minor}.{patch + 1}"


def _identity(cartridge: Cartridge, title: str, course: Course | None) -> Identity:
    if course is not None:
        return Identity(course.uuid, course.slug, course.version)
    return Identity(course_uuid(cartridge), unique_slug(title), FIRST_VERSION)


def stage(data: bytes) -> Staged:
    """Read, convert, validate and compare a cartridge, changing nothing."""
    cartridge = read_cartridge(read_zip(data, limits()))
    language = source_language(cartridge)
    draft, findings = convert(cartridge, language)
    course = _installed_course(course_uuid(cartridge))
    identity = _identity(cartridge, draft.title, course)
    package = parse_package(package_files(draft, identity))
    installed = load_installed(course) if course is not None else None
    changes = compute_changes(package, installed)
    action, version = _next_version(course, changes)
    package.manifest = dataclasses.replace(package.manifest, version=version)
    report = CartridgeReport(
        course_uuid=identity.uuid,
        slug=identity.slug,
        title=draft.title,
        cc_version=cartridge.version,
        version=version,
        previous_version=course.version if course is not None else None,
        action=action,
        languages=[language],
        changes=changes,
        findings=findings,
        package_sha256=hashlib.sha256(data).hexdigest(),
        publisher=cartridge.metadata.publisher,
        course_id=course.id if course is not None else None,
    )
    return Staged(report, package, installed)


def import_cartridge(
    data: bytes, *, by: User | None = None, dry_run: bool = False
) -> CartridgeReport:
    """Import (unless ``dry_run``) a Common Cartridge as a course made here."""
    staged = stage(data)
    report = staged.report
    if dry_run:
        return report
    with db.session.begin_nested():
        course = apply_package(staged.package, staged.installed, NO_PUBLISHER, CourseOrigin.LOCAL)
        report.applied, report.course_id = True, course.id
        _record(course, report, by=by)
    return report


def _record(course: Course, report: CartridgeReport, *, by: User | None) -> None:
    db.session.add(
        PackageImport(
            course_id=course.id,
            course_uuid=course.uuid,
            version=report.version,
            previous_version=report.previous_version,
            publisher_id="",
            format="imscc",
            package_sha256=report.package_sha256,
            by_id=by.id if by is not None else None,
            report=report.to_dict(),
        )
    )
    db.session.flush()
    if by is not None:
        details = {"format": "imscc", "version": report.version, "skipped": len(report.skipped)}
        record(by, "package.imported", course, label=course.slug, **details)


def export_cartridge(course: Course, *, cc_version: str = "1.1", today: str = "") -> bytes:
    """The course as a Common Cartridge zip (``cc_version`` 1.1 or 1.3)."""
    version = EXPORT_VERSIONS.get(cc_version)
    if version is None:
        raise PackageError(
            _("Unknown Common Cartridge version %(version)s (1.1 or 1.3).", version=cc_version[:10])
        )
    package = parse_package(course_files(course, course.publisher_id))
    facts = course_facts(package, course, today or date.today().isoformat())
    return write_zip(cartridge_files(package, version, facts))


def course_facts(package: Package, course: Course, today: str) -> CourseFacts:
    source = package.manifest.source_language
    languages = [source, *(lang for lang in package.languages if lang != source)]
    texts = {lang: package.texts.get((TextScope.COURSE, "", lang)) for lang in languages}
    return CourseFacts(
        titles={
            lang: str(t.fields.get("title", ""))
            for lang, t in texts.items()
            if t and t.fields.get("title")
        },
        summaries={lang: str(t.fields.get("summary", "")) for lang, t in texts.items() if t},
        languages=languages,
        licence=package.manifest.licence,
        publisher=course.publisher_name or str(current_app.config.get("ACADEMY_NAME") or "Academy"),
        date=today,
    )
