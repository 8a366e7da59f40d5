"""Reading untrusted XML safely, and finding elements by namespace (never by prefix).

Every XML file of a cartridge goes through :func:`parse_xml`: entities are
never expanded, nothing is fetched from the network, a document type
declaration (where entity bombs and external entities live) is refused, and
libxml2's limits for huge documents stay on.  A byte-order mark or blank lines
before the XML declaration are tolerated, as real exports have them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from flask_babel import gettext as _
from lxml import etree

from academy.plugins.packages.errors import PackageError

_BOM = b"\xef\xbb\xbf"
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_START = re.compile(rb"<(?![?!])")
_XML_NS = "http://www.w3.org/XML/1998/namespace"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=False,
    )


def _strip_prologue(raw: bytes) -> bytes:
    """Without a UTF-8 byte-order mark and the blank lines some exporters put first."""
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    return raw.lstrip(b" \t\r\n")


def parse_xml(raw: bytes, path: str) -> etree._Element:
    """The root element of ``raw``, or a PackageError naming ``path``."""
    data = _strip_prologue(raw)
    start = _ROOT_START.search(data)
    if _DOCTYPE.search(data[: start.start() if start else len(data)]):
        raise _refused(path)
    try:
        root = etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise PackageError(
            _("%(path)s is not well-formed XML: %(error)s", path=path, error=str(exc)[:200])
        ) from None
    if root.getroottree().docinfo.doctype:
        raise _refused(path)
    return root


class UnsafeXml(PackageError):
    """A document type or entity declaration: refused wherever it is in a cartridge."""


def _refused(path: str) -> UnsafeXml:
    return UnsafeXml(
        _(
            "%(path)s declares a document type or entities, which are refused for safety.",
            path=path,
        )
    )


def local(element: etree._Element) -> str:
    """The element's name without its namespace ("" for comments and the like)."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def namespace(element: etree._Element) -> str:
    return etree.QName(element).namespace or ""


def children(parent: etree._Element | None, name: str) -> Iterator[etree._Element]:
    """Child elements called ``name`` in the parent's own namespace."""
    if parent is None:
        return
    tag = etree.QName(namespace(parent) or None, name).text
    yield from parent.iterchildren(tag)


def child(parent: etree._Element | None, name: str) -> etree._Element | None:
    return next(children(parent, name), None)


def path(parent: etree._Element | None, *names: str) -> etree._Element | None:
    """The first element down the path of names, each in the parent's namespace."""
    for name in names:
        parent = child(parent, name)
    return parent


def text(element: etree._Element | None) -> str:
    """All the text inside ``element``, whitespace trimmed."""
    if element is None:
        return ""
    return "".join(element.itertext()).strip()


def xml_lang(element: etree._Element) -> str:
    return element.get(f"{{{_XML_NS}}}lang", "")
