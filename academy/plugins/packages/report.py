"""The report of an import (or of its dry run): what changes, from whom, and what blocks it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from academy.plugins.packages.diff import Changes, Ref
from academy.plugins.packages.publishers import TrustStatus
from academy.plugins.packages.signing import PublisherKey


class Action(enum.StrEnum):
    INSTALL = "install"
    UPGRADE = "upgrade"
    REINSTALL = "reinstall"
    DOWNGRADE = "downgrade"

    @property
    def label(self) -> str:
        return str(ACTION_LABELS[self])


ACTION_LABELS = {
    Action.INSTALL: _l("new course"),
    Action.UPGRADE: _l("upgrade"),
    Action.REINSTALL: _l("same version again"),
    Action.DOWNGRADE: _l("older version"),
}


@dataclass(frozen=True)
class Blocker:
    """What stops the import unless the importer says so: flag "trust" or "force"."""

    flag: str
    message: str


@dataclass
class ImportReport:
    course_uuid: str
    slug: str
    title: str
    version: str
    previous_version: str | None
    action: Action
    publisher: PublisherKey
    trust: TrustStatus
    provenance: list[dict[str, str]]
    languages: list[str]
    changes: Changes
    package_sha256: str
    blockers: list[Blocker] = field(default_factory=list)
    applied: bool = False
    course_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "course": {"id": self.course_uuid, "slug": self.slug, "title": self.title},
            "version": self.version,
            "previous_version": self.previous_version,
            "action": str(self.action),
            "publisher": {**self.publisher.to_dict(), "trust": str(self.trust)},
            "provenance": self.provenance,
            "languages": self.languages,
            "changes": self.changes.to_dict(),
            "package_sha256": self.package_sha256,
            "blockers": [{"flag": b.flag, "message": b.message} for b in self.blockers],
            "applied": self.applied,
        }


def _ref_line(mark: str, ref: Ref) -> str:
    language = f" [{ref.language}]" if ref.language else ""
    return f"  {mark} {ref.kind} {ref.key}{language}: {ref.title}"


def change_sections(changes: Changes) -> list[tuple[str, str, list[Ref]]]:
    """(heading, mark, refs) for each non-empty kind of change, in reading order."""
    sections = [
        (_("New modules"), "+", changes.modules_new),
        (_("New lessons, quizzes and assignments"), "+", changes.items_new),
        (_("Restored (archived before)"), "+", changes.items_restored),
        (_("Changed"), "~", changes.items_changed),
        (_("Archived modules"), "-", changes.modules_archived),
        (_("Archived lessons, quizzes and assignments"), "-", changes.items_archived),
        (_("Local translations that become stale"), "!", changes.stale_local),
        (_("Translations in the package that are stale"), "!", changes.stale_packaged),
        (_("Local translations kept instead of the package's"), "=", changes.kept_local),
    ]
    return [(heading, mark, refs) for heading, mark, refs in sections if refs]


def report_lines(report: ImportReport) -> list[str]:
    """The report as readable lines for the command line."""
    previous = report.previous_version or "-"
    lines = [
        _("Course: %(title)s (%(slug)s)", title=report.title, slug=report.slug),
        _(
            "Version: %(old)s -> %(new)s (%(action)s)",
            old=previous,
            new=report.version,
            action=report.action.label,
        ),
        _(
            "Publisher: %(name)s (%(id)s), %(trust)s",
            name=report.publisher.name,
            id=report.publisher.id,
            trust=report.trust.label,
        ),
        _("Languages: %(languages)s", languages=", ".join(report.languages)),
    ]
    for link in report.provenance:
        lines.append(
            _(
                "Derived from: %(name)s (%(id)s) version %(version)s",
                name=link["publisher_name"],
                id=link["publisher_id"],
                version=link["version"],
            )
        )
    for heading, mark, refs in change_sections(report.changes):
        lines.append(f"{heading}:")
        lines.extend(_ref_line(mark, ref) for ref in refs)
    if report.changes.is_empty and report.action is not Action.INSTALL:
        lines.append(_("No lesson, quiz or assignment changes."))
    return lines
