"""A course package as an IMS Common Cartridge (1.1 or 1.3).

Works on the validated in-memory :class:`Package` (what an Academy export
would contain), in the package's source language:

- each module is a folder item of the organisation; a module introduction is
  a page titled like the module, first in its folder;
- lessons and assignments are HTML pages (``webcontent``), with the assets
  they use under ``web_resources/``; a lesson's discussion prompt is a
  discussion topic right after it; quizzes are QTI 1.2 assessments;
- the course description is a page with ``intendeduse="syllabus"``; title,
  summary, languages, licence and publisher are in the manifest's LOM.

Identifiers are the Academy ids, so importing the cartridge back gives the
same modules, items and questions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from academy.plugins.courses.models import ItemType, TextScope
from academy.plugins.packages.format import Package
from academy.plugins.packages.imscc import htmlout
from academy.plugins.packages.imscc.lom import CourseFacts, write_lom
from academy.plugins.packages.imscc.model import MANIFEST_FILE, XSI, Version
from academy.plugins.packages.imscc.qti_write import write_assessment
from academy.plugins.packages.imscc.topics import write_topic
from academy.plugins.packages.manifest import ItemSpec, ModuleSpec

ASSETS = "web_resources/"
WEBCONTENT = "webcontent"
META_TYPE, META_MINUTES, META_REQUIRED = "academy:item-type", "academy:minutes", "academy:required"
FOLDERS = {ItemType.LESSON: "lessons", ItemType.ASSIGNMENT: "assignments"}


@dataclass
class _Resource:
    identifier: str
    type: str
    href: str = ""
    files: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    intended_use: str = ""


class _Export:
    """Collects files, organisation items and resources while walking the package."""

    def __init__(self, package: Package, version: Version) -> None:
        self.package = package
        self.version = version
        self.language = package.manifest.source_language
        self.files: dict[str, bytes] = {}
        self.resources: list[_Resource] = []

    def fields(self, scope: TextScope, key: str) -> dict[str, object]:
        return self.package.source(scope, key).fields

    def page(
        self, identifier: str, href: str, title: str, body: str, meta: dict[str, str]
    ) -> _Resource:
        depth = href.count("/")
        html, used = htmlout.render(body, "../" * depth + ASSETS)
        self.files[href] = htmlout.page(title, self.language, html, meta)
        resource = _Resource(identifier, WEBCONTENT, href, [href, *self.asset_files(used)])
        self.resources.append(resource)
        return resource

    def item(self, identifier: str, title: str, identifierref: str = "") -> etree._Element:
        """An organisation item (a folder when it has no ``identifierref``)."""
        ns = self.version.manifest_ns
        element = etree.Element(f"{{{ns}}}item", identifier=identifier)
        if identifierref:
            element.set("identifierref", identifierref)
        etree.SubElement(element, f"{{{ns}}}title").text = title
        return element

    def asset_files(self, used: set[str] | tuple[str, ...]) -> list[str]:
        paths = []
        for path in sorted(set(used)):
            if path in self.package.assets:
                self.files[ASSETS + path] = self.package.assets[path].data
                paths.append(ASSETS + path)
        return paths


def cartridge_files(package: Package, version: Version, facts: CourseFacts) -> dict[str, bytes]:
    """Every file of the cartridge for ``package``, imsmanifest.xml included."""
    export = _Export(package, version)
    course = export.fields(TextScope.COURSE, "")
    if str(course.get("body", "")).strip():
        title = str(course.get("title", ""))
        syllabus = export.page("RES_SYLLABUS", "syllabus.html", title, str(course["body"]), {})
        syllabus.intended_use = "syllabus"
    items = [_module(export, module) for module in package.manifest.modules]
    export.files[MANIFEST_FILE] = _manifest(export, items, facts)
    return export.files


def _module(export: _Export, module: ModuleSpec) -> etree._Element:
    fields = export.fields(TextScope.MODULE, module.id)
    title = str(fields.get("title", ""))
    folder = export.item(module.id, title)
    if str(fields.get("body", "")).strip():
        href = f"modules/{module.id}.html"
        export.page(f"RES_INTRO_{module.id}", href, title, str(fields["body"]), {})
        folder.append(export.item(f"INTRO_{module.id}", title, f"RES_INTRO_{module.id}"))
    for spec in module.items:
        folder.extend(_item(export, spec))
    return folder


def _item(export: _Export, spec: ItemSpec) -> list[etree._Element]:
    if spec.type is ItemType.QUIZ:
        return [_quiz(export, spec)]
    scope = TextScope.LESSON if spec.type is ItemType.LESSON else TextScope.ASSIGNMENT
    fields = export.fields(scope, spec.id)
    title = str(fields.get("title", ""))
    meta = {META_MINUTES: str(spec.minutes), META_REQUIRED: str(spec.required).lower()}
    if spec.type is ItemType.ASSIGNMENT:
        meta = {META_TYPE: "assignment", **meta}
    href = f"{FOLDERS[spec.type]}/{spec.id}.html"
    resource = export.page(f"RES_{spec.id}", href, title, str(fields.get("body", "")), meta)
    resource.files += [f for f in export.asset_files(spec.assets) if f not in resource.files]
    out = [export.item(spec.id, title, resource.identifier)]
    prompt = str(fields.get("discussion_prompt", "")).strip()
    if prompt:
        out.append(_topic(export, spec.id, title, prompt))
    return out


def _topic(export: _Export, key: str, title: str, prompt: str) -> etree._Element:
    href = f"discussions/{key}.xml"
    export.files[href] = write_topic(title, prompt, export.version)
    export.resources.append(_Resource(f"RES_TOPIC_{key}", export.version.topic_type, "", [href]))
    return export.item(f"TOPIC_{key}", title, f"RES_TOPIC_{key}")


def _quiz(export: _Export, spec: ItemSpec) -> etree._Element:
    fields = export.fields(TextScope.QUIZ, spec.id)
    href = f"assessments/{spec.id}.xml"
    export.files[href], used = write_assessment(spec, fields, export.version)
    resource = _Resource(f"RES_{spec.id}", export.version.assessment_type, "", [href])
    if used:
        files = export.asset_files(used)
        export.resources.append(_Resource(f"RES_FILES_{spec.id}", WEBCONTENT, "", files))
        resource.dependencies.append(f"RES_FILES_{spec.id}")
    export.resources.append(resource)
    return export.item(spec.id, str(fields.get("title", "")), resource.identifier)


def _manifest(export: _Export, modules: list[etree._Element], facts: CourseFacts) -> bytes:
    version = export.version
    ns = version.manifest_ns
    nsmap = {None: ns, "lomimscc": version.lom_manifest_ns, "xsi": XSI}
    root = etree.Element(f"{{{ns}}}manifest", nsmap=nsmap)
    root.set("identifier", f"ACADEMY_{export.package.manifest.uuid}")
    root.set(f"{{{XSI}}}schemaLocation", _schema_locations(version))
    metadata = etree.SubElement(root, f"{{{ns}}}metadata")
    etree.SubElement(metadata, f"{{{ns}}}schema").text = "IMS Common Cartridge"
    etree.SubElement(metadata, f"{{{ns}}}schemaversion").text = version.schemaversion
    write_lom(metadata, version.lom_manifest_ns, facts)
    organization = etree.SubElement(
        etree.SubElement(root, f"{{{ns}}}organizations"),
        f"{{{ns}}}organization",
        identifier="ORG",
        structure="rooted-hierarchy",
    )
    etree.SubElement(organization, f"{{{ns}}}item", identifier="ROOT").extend(modules)
    resources = etree.SubElement(root, f"{{{ns}}}resources")
    resources.extend(_resource(ns, resource) for resource in export.resources)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _schema_locations(version: Version) -> str:
    pairs = (
        (version.manifest_ns, version.schema_url("imscp_v1p2_v1p0")),
        (version.lom_manifest_ns, version.schema_url("lommanifest_v1p0", "LOM/")),
    )
    return " ".join(f"{ns} {url}" for ns, url in pairs)


def _resource(ns: str, resource: _Resource) -> etree._Element:
    element = etree.Element(f"{{{ns}}}resource", identifier=resource.identifier, type=resource.type)
    if resource.href:
        element.set("href", resource.href)
    if resource.intended_use:
        element.set("intendeduse", resource.intended_use)
    for href in resource.files:
        etree.SubElement(element, f"{{{ns}}}file", href=href)
    for identifier in resource.dependencies:
        etree.SubElement(element, f"{{{ns}}}dependency", identifierref=identifier)
    return element
