"""The resources of a cartridge that became no part of the course, each with its reason."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from academy.plugins.packages.imscc.model import Cartridge, Kind, Resource
from academy.plugins.packages.imscc.report import Findings

SKIPPED_KINDS = {
    Kind.LTI: _l("an external tool (LTI) link: Academy does not launch external tools"),
    Kind.QUESTION_BANK: _l("a question bank: only questions inside an assessment are imported"),
    Kind.ASSOCIATED: _l("platform-specific content (settings or extra data) Academy does not use"),
}


def skip_reason(resource: Resource) -> str:
    """Why a resource of this kind is not imported."""
    reason = SKIPPED_KINDS.get(resource.kind)
    if reason is not None:
        return str(reason)
    return _("the resource type %(type)s is not known", type=resource.type[:80] or "-")


def report_unused(
    cartridge: Cartridge, seen: set[str], assets: set[str], findings: Findings
) -> None:
    """Report every resource that was neither imported nor already reported."""
    for resource in cartridge.resources.values():
        if resource.identifier in seen or _files_used(resource, assets):
            continue
        findings.skip(resource.identifier, _reason(resource, cartridge))
    for resource in cartridge.duplicates:
        findings.skip(
            resource.identifier,
            _("another resource already has this identifier; the first one is used"),
        )


def _files_used(resource: Resource, assets: set[str]) -> bool:
    """A file resource whose files all became course files (linked from a text)."""
    files = set(resource.files) | ({resource.href} if resource.href else set())
    return resource.kind is Kind.WEBCONTENT and bool(files) and files <= assets


def _reason(resource: Resource, cartridge: Cartridge) -> str:
    if resource.is_variant:
        return _("an alternative version of another resource, for platforms that lack its type")
    missing = [path for path in resource.files if path not in cartridge.files]
    if missing:
        return _("its file %(path)s is missing from the cartridge", path=missing[0])
    if resource.kind is Kind.WEBCONTENT:
        return _("a file that no imported page or item uses")
    return skip_reason(resource)
