"""A parsed cartridge as a :class:`CourseDraft`, with the findings of what was left out.

Pages become lessons (an Academy assignment page becomes an assignment, a
page titled like its module opens the module), web links lessons with the
link, discussion topics the prompt of the lesson just before them (or lessons
of their own), QTI assessments quizzes, CC 1.3 assignments assignments.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from urllib.parse import quote

from flask_babel import gettext as _
from lxml import etree

from academy.plugins.courses.models import ItemType
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.imscc.draft import CourseDraft, ItemDraft, ModuleDraft
from academy.plugins.packages.imscc.html2md import html_to_text
from academy.plugins.packages.imscc.keys import Keys
from academy.plugins.packages.imscc.markdown import escape_text, link
from academy.plugins.packages.imscc.model import Cartridge, Kind, Resource
from academy.plugins.packages.imscc.pages import Assets, Linker, folder_of, is_page, read_page
from academy.plugins.packages.imscc.quizzes import quiz_item
from academy.plugins.packages.imscc.report import Findings
from academy.plugins.packages.imscc.structure import Group, Leaf, plan
from academy.plugins.packages.imscc.topics import read_posting, read_weblink
from academy.plugins.packages.imscc.unused import report_unused, skip_reason
from academy.plugins.packages.imscc.xmlsafe import UnsafeXml, parse_xml

META_TYPE, META_MINUTES, META_REQUIRED = "academy:item-type", "academy:minutes", "academy:required"
IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


class _Import:
    def __init__(self, cartridge: Cartridge, findings: Findings) -> None:
        self.cartridge = cartridge
        self.findings = findings
        self.keys = Keys()
        self.assets = Assets(cartridge.files)
        self.used: set[str] = set()
        self.seen: set[str] = set()  # resources met through items (imported or reported)
        self.handlers: dict[Kind, Callable[[ModuleDraft, Leaf, Resource], None]] = {
            Kind.WEBCONTENT: self.webcontent,
            Kind.DISCUSSION: self.discussion,
            Kind.WEBLINK: self.weblink,
            Kind.ASSESSMENT: self.assessment,
            Kind.ASSIGNMENT: self.assignment,
        }

    def module(self, group: Group) -> ModuleDraft | None:
        """The module for ``group``; None for a module the importer made and left empty."""
        module = ModuleDraft(self.keys.take(group.identifier, "module"), group.title)
        for leaf in group.leaves:
            self.leaf(module, leaf)
        return None if group.loose and not module.items and not module.body else module

    def leaf(self, module: ModuleDraft, leaf: Leaf) -> None:
        resource = leaf.resource
        self.seen.add(leaf.resource_ref)
        if resource is None:
            reason = _(
                "it refers to %(id)s, which the cartridge does not have", id=leaf.resource_ref
            )
            self.findings.skip(leaf.title or leaf.identifier, reason)
            return
        handler = self.handlers.get(resource.kind)
        if handler is None:
            self.skip_resource(resource, leaf.title)
            return
        try:
            handler(module, leaf, resource)
        except UnsafeXml:
            raise
        except PackageError as exc:
            self.findings.skip(leaf.title or resource.identifier, exc.message)

    def skip_resource(self, resource: Resource, title: str = "") -> None:
        self.findings.skip(title or resource.identifier, skip_reason(resource))

    def add(self, module: ModuleDraft, leaf: Leaf, item: ItemDraft, resource: Resource) -> None:
        item.key = self.keys.take(leaf.identifier, "item")
        module.items.append(item)
        self.used.add(resource.identifier)

    def main_file(self, resource: Resource, *, xml: bool = False) -> str:
        """The file that holds a resource (its first file for XML resources, else its href)."""
        first = resource.files[0] if resource.files else ""
        path = (first or resource.href) if xml else (resource.href or first)
        if not path:
            raise PackageError(_("the resource lists no file"))
        if path not in self.cartridge.files:
            raise PackageError(_("its file %(path)s is missing from the cartridge", path=path))
        return path

    def xml(self, resource: Resource) -> tuple[etree._Element, Linker]:
        """The root of a resource's XML file, and a linker for the texts in it."""
        path = self.main_file(resource, xml=True)
        return parse_xml(self.cartridge.files[path], path), Linker(self.assets, folder_of(path))

    def webcontent(self, module: ModuleDraft, leaf: Leaf, resource: Resource) -> None:
        path = self.main_file(resource)
        if not is_page(path):
            self.add(module, leaf, self.file_lesson(leaf, path), resource)
            return
        page = read_page(self.cartridge.files[path])
        linker = Linker(self.assets, folder_of(path))
        body = linker.markdown(page.body, True)
        title = leaf.title or page.title or posixpath.basename(path)
        if self.opens_module(module, page.meta, title, body):
            module.body = body
            self.used.add(resource.identifier)
            return
        item = ItemDraft("", _page_type(page.meta), title, body)
        _apply_meta(item, page.meta)
        item.assets = self.extra_files(resource, path)
        self.note_dropped(linker, title)
        self.add(module, leaf, item, resource)

    def opens_module(
        self, module: ModuleDraft, meta: dict[str, str], title: str, body: str
    ) -> bool:
        """A page first in its module and titled like it is the module's introduction."""
        first = not module.items and not module.body
        if not (first and body and title == module.title and META_MINUTES not in meta):
            return False
        self.findings.note(
            _(
                "The page %(title)s opens its module: it became the module's introduction.",
                title=title,
            )
        )
        return True

    def file_lesson(self, leaf: Leaf, path: str) -> ItemDraft:
        """A lesson that shows (an image) or offers (any other file) one file."""
        name = self.assets.add(path)
        if name is None:
            raise PackageError(_("its file %(path)s cannot be stored as a course file", path=path))
        title = leaf.title or posixpath.basename(path)
        body = link(escape_text(title), "assets/" + quote(name))
        if path.lower().endswith(IMAGES):
            body = "!" + body
        return ItemDraft("", ItemType.LESSON, title, body, assets=[name])

    def extra_files(self, resource: Resource, main: str) -> list[str]:
        """The other files a page's resource lists, as the lesson's assets."""
        names = []
        for path in resource.files:
            if path == main or is_page(path):
                continue
            name = self.assets.add(path)
            if name is not None:
                names.append(name)
            elif path not in self.cartridge.files:
                self.findings.skip(path, _("listed in the manifest but missing from the cartridge"))
            else:
                self.findings.skip(path, _("its path is too long for a course file"))
        return names

    def note_dropped(self, linker: Linker, title: str) -> None:
        if linker.dropped:
            self.findings.note(
                _(
                    "%(title)s: %(count)s links to pages or files outside the cartridge's "
                    "files were kept as plain text.",
                    title=title,
                    count=linker.dropped,
                )
            )

    def discussion(self, module: ModuleDraft, leaf: Leaf, resource: Resource) -> None:
        root, linker = self.xml(resource)
        posting = read_posting(root, "topic")
        if posting is None:
            raise PackageError(_("its file is not a discussion topic"))
        title = leaf.title or posting.title or resource.identifier
        prompt = html_to_text(posting.text) if posting.html else " ".join(posting.text.split())
        previous = module.items[-1] if module.items else None
        if previous is not None and previous.type is ItemType.LESSON and not previous.prompt:
            previous.prompt = prompt
            self.used.add(resource.identifier)
            if title != previous.title:
                self.note_attached(title, previous.title)
            return
        body = linker.markdown(posting.text, posting.html)
        self.add(module, leaf, ItemDraft("", ItemType.LESSON, title, body, prompt), resource)

    def note_attached(self, topic: str, lesson: str) -> None:
        self.findings.note(
            _(
                "The discussion %(topic)s became the discussion prompt of the lesson "
                "%(lesson)s just before it.",
                topic=topic,
                lesson=lesson,
            )
        )

    def weblink(self, module: ModuleDraft, leaf: Leaf, resource: Resource) -> None:
        found = read_weblink(self.xml(resource)[0])
        if found is None:
            raise PackageError(_("it is not a web link to a web or e-mail address"))
        title = leaf.title or found[0] or found[1]
        item = ItemDraft("", ItemType.LESSON, title, link(escape_text(title), found[1]))
        self.add(module, leaf, item, resource)

    def assessment(self, module: ModuleDraft, leaf: Leaf, resource: Resource) -> None:
        root, linker = self.xml(resource)
        item = quiz_item(root, linker, leaf.title, self.findings)
        self.add(module, leaf, item, resource)

    def assignment(self, module: ModuleDraft, leaf: Leaf, resource: Resource) -> None:
        root, linker = self.xml(resource)
        posting = read_posting(root, "assignment")
        if posting is None:
            raise PackageError(_("its file is not an assignment"))
        title = leaf.title or posting.title or resource.identifier
        body = linker.markdown(posting.text, posting.html)
        self.add(module, leaf, ItemDraft("", ItemType.ASSIGNMENT, title, body), resource)


def _page_type(meta: dict[str, str]) -> ItemType:
    return ItemType.ASSIGNMENT if meta.get(META_TYPE) == "assignment" else ItemType.LESSON


def _apply_meta(item: ItemDraft, meta: dict[str, str]) -> None:
    """Minutes and required, as Academy's own exports write them in the page's head."""
    minutes = meta.get(META_MINUTES, "")
    item.minutes = int(minutes) if minutes.isdigit() and int(minutes) <= 100_000 else 0
    item.required = meta.get(META_REQUIRED, "true").lower() != "false"


def convert(cartridge: Cartridge, language: str) -> tuple[CourseDraft, Findings]:
    """The course in ``cartridge`` (its texts in ``language``) and what was left out."""
    findings = Findings()
    job = _Import(cartridge, findings)
    metadata = cartridge.metadata
    draft = CourseDraft(
        title=metadata.title or _("Imported course"),
        language=language,
        summary=metadata.description,
        licence=metadata.licence,
    )
    draft.body = _syllabus(job)
    modules = (job.module(group) for group in plan(cartridge, findings))
    draft.modules = [module for module in modules if module is not None]
    draft.assets = job.assets.contents()
    report_unused(cartridge, job.used | job.seen, set(job.assets.used), findings)
    if not draft.items():
        raise PackageError(
            _("The cartridge has no pages, quizzes, discussions or links that Academy can import.")
        )
    return draft, findings


def _syllabus(job: _Import) -> str:
    for resource in job.cartridge.resources.values():
        path = resource.href
        if resource.intended_use == "syllabus" and is_page(path) and path in job.cartridge.files:
            job.used.add(resource.identifier)
            page = read_page(job.cartridge.files[path])
            return Linker(job.assets, folder_of(path)).markdown(page.body, True)
    return ""
