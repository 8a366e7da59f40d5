"""The report of a cartridge import: what becomes of the course, and what was left out and why.

Nothing is dropped silently: every organisation item and resource that does
not become part of the course is listed in ``skipped`` with its reason, and
every adaptation (a folder flattened, a discussion attached to a lesson) in
``notes``.  The manager reads it before confirming.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from academy.plugins.packages.diff import Changes
from academy.plugins.packages.report import Action, change_sections


@dataclass(frozen=True)
class Skipped:
    what: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"what": self.what, "reason": self.reason}


@dataclass
class Findings:
    """What the importer left out or adapted, in the order it met them."""

    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def skip(self, what: str, reason: str) -> None:
        entry = Skipped(what[:200], reason)
        if entry not in self.skipped:
            self.skipped.append(entry)

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)


@dataclass
class CartridgeReport:
    course_uuid: str
    slug: str
    title: str
    cc_version: str
    version: str
    previous_version: str | None
    action: Action
    languages: list[str]
    changes: Changes
    findings: Findings
    package_sha256: str
    publisher: str = ""  # as the cartridge states it (not verified)
    applied: bool = False
    course_id: int | None = None

    @property
    def skipped(self) -> list[Skipped]:
        return self.findings.skipped

    @property
    def notes(self) -> list[str]:
        return self.findings.notes

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "imscc",
            "cc_version": self.cc_version,
            "course": {"id": self.course_uuid, "slug": self.slug, "title": self.title},
            "version": self.version,
            "previous_version": self.previous_version,
            "action": str(self.action),
            "publisher": {"name": self.publisher, "verified": False},
            "languages": self.languages,
            "changes": self.changes.to_dict(),
            "skipped": [entry.to_dict() for entry in self.skipped],
            "notes": list(self.notes),
            "package_sha256": self.package_sha256,
            "applied": self.applied,
        }


def cartridge_lines(report: CartridgeReport) -> list[str]:
    """The report as readable lines for the command line."""
    lines = [
        _("Course: %(title)s (%(slug)s)", title=report.title, slug=report.slug),
        _(
            "Common Cartridge %(version)s, imported as a course made here",
            version=report.cc_version,
        ),
        _(
            "Version: %(old)s -> %(new)s (%(action)s)",
            old=report.previous_version or "-",
            new=report.version,
            action=report.action.label,
        ),
        _("Languages: %(languages)s", languages=", ".join(report.languages)),
    ]
    if report.publisher:
        lines.append(_("Publisher named in the cartridge: %(name)s", name=report.publisher))
    for heading, mark, refs in change_sections(report.changes):
        lines.append(f"{heading}:")
        lines.extend(f"  {mark} {ref.kind} {ref.key}: {ref.title}" for ref in refs)
    if report.skipped:
        lines.append(_("Not imported:"))
        lines.extend(f"  - {entry.what}: {entry.reason}" for entry in report.skipped)
    if report.notes:
        lines.append(_("Notes:"))
        lines.extend(f"  * {note}" for note in report.notes)
    return lines
