"""The facts of IMS Common Cartridge 1.0-1.3 that Academy uses, and a parsed manifest.

Namespaces and resource types are those published by IMS for each version;
a reader recognises a resource type whatever version suffix it carries
(``imsdt_xmlv1p1`` and ``imsdt_xmlv1p3`` are both discussion topics).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

MANIFEST_FILE = "imsmanifest.xml"

#: The manifest (content packaging) namespace of each version.
MANIFEST_NAMESPACES = {
    "http://www.imsglobal.org/xsd/imscc/imscp_v1p1": "1.0",
    "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1": "1.1",
    "http://www.imsglobal.org/xsd/imsccv1p2/imscp_v1p1": "1.2",
    "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1": "1.3",
    # Plain IMS Content Packaging 1.1, which some CC 1.0 exporters wrote.
    "http://www.imsglobal.org/xsd/imscp_v1p1": "1.0",
}
QTI_NAMESPACE = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


class Kind(enum.StrEnum):
    """What a resource is, whatever the version suffix of its type."""

    WEBCONTENT = "webcontent"
    DISCUSSION = "discussion"
    WEBLINK = "weblink"
    ASSESSMENT = "assessment"
    QUESTION_BANK = "question-bank"
    ASSOCIATED = "associated"
    LTI = "lti"
    ASSIGNMENT = "assignment"
    UNKNOWN = "unknown"


_KINDS = (
    (re.compile(r"^webcontent$"), Kind.WEBCONTENT),
    (re.compile(r"^imsdt_xmlv1p\d$"), Kind.DISCUSSION),
    (re.compile(r"^imswl_xmlv1p\d$"), Kind.WEBLINK),
    (re.compile(r"^imsqti_xmlv1p2(p1)?/imscc_xmlv1p\d/assessment$"), Kind.ASSESSMENT),
    (re.compile(r"^imsqti_xmlv1p2(p1)?/imscc_xmlv1p\d/question-bank$"), Kind.QUESTION_BANK),
    (
        re.compile(r"^associatedcontent/imscc_xmlv1p\d/learning-application-resource$"),
        Kind.ASSOCIATED,
    ),
    (re.compile(r"^(imsbasiclti|imslticc)_xmlv1p\d$"), Kind.LTI),
    (re.compile(r"^assignment_xmlv1p\d$"), Kind.ASSIGNMENT),
)


def kind_of(resource_type: str) -> Kind:
    value = resource_type.strip().lower()
    return next((kind for pattern, kind in _KINDS if pattern.match(value)), Kind.UNKNOWN)


@dataclass(frozen=True)
class Version:
    """What an export writes for one CC version."""

    number: str
    schemaversion: str
    manifest_ns: str
    lom_manifest_ns: str
    lom_resource_ns: str
    topic_ns: str
    topic_type: str
    assessment_type: str
    tag: str  # the prefix of the version's schema file names, e.g. "ccv1p1"

    def schema_url(self, name: str, folder: str = "") -> str:
        """Where IMS publishes this version's schema ``name`` (a hint; never fetched)."""
        return f"http://www.imsglobal.org/profile/cc/{self.tag}/{folder}{self.tag}_{name}.xsd"


def _version(number: str, suffix: str, folder: str) -> Version:
    return Version(
        number=number,
        schemaversion=f"{number}.0",
        manifest_ns=f"http://www.imsglobal.org/xsd/{folder}/imscp_v1p1",
        lom_manifest_ns=f"http://ltsc.ieee.org/xsd/{folder}/LOM/manifest",
        lom_resource_ns=f"http://ltsc.ieee.org/xsd/{folder}/LOM/resource",
        topic_ns=f"http://www.imsglobal.org/xsd/{folder}/imsdt_{suffix}",
        topic_type=f"imsdt_xml{suffix}",
        assessment_type=f"imsqti_xmlv1p2/imscc_xml{suffix}/assessment",
        tag=f"cc{suffix}",
    )


#: The versions Academy exports.
EXPORT_VERSIONS = {
    "1.1": _version("1.1", "v1p1", "imsccv1p1"),
    "1.3": _version("1.3", "v1p3", "imsccv1p3"),
}


@dataclass
class Resource:
    identifier: str
    type: str
    kind: Kind
    href: str  # the main file, relative to the cartridge root ("" if none)
    files: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    intended_use: str = ""
    is_variant: bool = False  # a fallback of another resource (CC 1.3 cpx:variant)


@dataclass
class OrgItem:
    identifier: str
    title: str
    identifierref: str = ""
    children: list[OrgItem] = field(default_factory=list)


@dataclass
class Metadata:
    title: str = ""
    titles: dict[str, str] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    description: str = ""
    licence: str = ""
    publisher: str = ""


@dataclass
class Cartridge:
    """A parsed imsmanifest.xml, with the files of the cartridge."""

    identifier: str
    version: str
    metadata: Metadata
    items: list[OrgItem]  # the children of the organisation's root item
    resources: dict[str, Resource]
    files: dict[str, bytes]
    duplicates: list[Resource] = field(default_factory=list)
