"""The organisation tree of a cartridge as Academy modules: folders and the items in them.

- a top-level folder (an item without a resource) is a module; whatever is
  nested inside it, however deep, becomes its items in reading order;
- items at the top level, and resources no item refers to that Academy can
  show (pages, topics, links, quizzes), are gathered in modules titled like
  the course;
- an empty heading inside a module holds nothing to import and is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from academy.plugins.packages.imscc.model import Cartridge, Kind, OrgItem, Resource
from academy.plugins.packages.imscc.pages import is_page
from academy.plugins.packages.imscc.report import Findings

#: Resource kinds worth importing even when no organisation item shows them.
STANDALONE = {Kind.DISCUSSION, Kind.WEBLINK, Kind.ASSESSMENT, Kind.ASSIGNMENT}


@dataclass
class Leaf:
    """One thing to import: an organisation item, or a resource no item refers to."""

    identifier: str
    title: str
    resource: Resource | None
    resource_ref: str = ""


@dataclass
class Group:
    identifier: str
    title: str
    leaves: list[Leaf] = field(default_factory=list)
    loose: bool = False  # made by the importer, not a folder of the cartridge


def plan(cartridge: Cartridge, findings: Findings) -> list[Group]:
    """The modules to make, in order, each with what goes into it."""
    groups: list[Group] = []
    for item in cartridge.items:
        if item.identifierref:
            _loose(groups, cartridge).leaves.append(_leaf(cartridge, item))
            _flatten(cartridge, item.children, _loose(groups, cartridge), findings)
        else:
            group = Group(item.identifier, item.title or _untitled(cartridge))
            groups.append(group)
            _flatten(cartridge, item.children, group, findings)
    unreferenced = _unreferenced(cartridge, groups)
    if unreferenced:
        extra = Group("resources", cartridge.metadata.title or _untitled(cartridge), loose=True)
        extra.leaves.extend(unreferenced)
        groups.append(extra)
    return groups


def _untitled(cartridge: Cartridge) -> str:
    return cartridge.metadata.title or _("Imported course")


def _loose(groups: list[Group], cartridge: Cartridge) -> Group:
    """The module that collects top-level items, continuing the one just before."""
    if not groups or not groups[-1].loose:
        groups.append(Group("general", _untitled(cartridge), loose=True))
    return groups[-1]


def _leaf(cartridge: Cartridge, item: OrgItem) -> Leaf:
    resource = cartridge.resources.get(item.identifierref)
    return Leaf(item.identifier, item.title, resource, item.identifierref)


def _flatten(cartridge: Cartridge, items: list[OrgItem], group: Group, findings: Findings) -> None:
    for item in items:
        if item.identifierref:
            group.leaves.append(_leaf(cartridge, item))
        elif not item.children:
            findings.skip(item.title or item.identifier, _("a heading without content"))
        else:
            findings.note(
                _(
                    "The folder %(folder)s inside %(module)s was flattened into that module.",
                    folder=item.title or item.identifier,
                    module=group.title,
                )
            )
        _flatten(cartridge, item.children, group, findings)


def _unreferenced(cartridge: Cartridge, groups: list[Group]) -> list[Leaf]:
    """Resources no item refers to that make sense on their own, in manifest order."""
    referenced = {leaf.resource_ref for group in groups for leaf in group.leaves}
    leaves = []
    for resource in cartridge.resources.values():
        if resource.identifier in referenced or resource.is_variant:
            continue
        if _standalone(resource, cartridge):
            leaves.append(Leaf(resource.identifier, "", resource, resource.identifier))
    return leaves


def _standalone(resource: Resource, cartridge: Cartridge) -> bool:
    if resource.kind in STANDALONE:
        return True
    page = resource.kind is Kind.WEBCONTENT and is_page(resource.href)
    return page and resource.href in cartridge.files and resource.intended_use != "syllabus"
