"""Discussion topics, web links and assignments: the small XML resources of a cartridge."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from academy.plugins.packages.imscc.model import XSI, Version
from academy.plugins.packages.imscc.xmlsafe import child, local, text

LINK_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class Posting:
    """The title and text of a topic or an assignment; ``html`` tells the text's type."""

    title: str
    text: str
    html: bool


def write_topic(title: str, prompt: str, version: Version) -> bytes:
    """A discussion topic whose text is the (plain text) discussion prompt."""
    ns = version.topic_ns
    root = etree.Element(f"{{{ns}}}topic", nsmap={None: ns, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{ns} {version.schema_url('imsdt_' + ns[-4:])}")
    etree.SubElement(root, f"{{{ns}}}title").text = " ".join(title.split())
    body = etree.SubElement(root, f"{{{ns}}}text")
    body.set("texttype", "text/plain")
    body.text = prompt
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def read_posting(root: etree._Element, expected: str) -> Posting | None:
    """A ``topic`` or ``assignment`` element's title and text, or None if it is not one."""
    if local(root) != expected:
        return None
    body = child(root, "text")
    kind = (body.get("texttype", "text/plain") if body is not None else "").lower()
    raw = "".join(body.itertext()) if body is not None else ""
    return Posting(" ".join(text(child(root, "title")).split()), raw.strip(), kind == "text/html")


def read_weblink(root: etree._Element) -> tuple[str, str] | None:
    """(title, URL) of a ``webLink``; None if it is not one or its URL is not web or mail."""
    if local(root) != "webLink":
        return None
    target = child(root, "url")
    href = (target.get("href", "") if target is not None else "").strip()
    if not href.lower().startswith(LINK_SCHEMES):
        return None
    return " ".join(text(child(root, "title")).split()), href
