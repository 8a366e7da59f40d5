"""Reading imsmanifest.xml into a :class:`Cartridge`: metadata, organisation tree, resources.

Tolerant of what real exports do (resources that share an identifier, paths
given as URIs, ``xml:base``, an organisation without items) and strict about
what would be unsafe (paths leaving the cartridge are treated as absent).
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from flask_babel import gettext as _
from lxml import etree

from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.imscc.lom import find_lom, read_lom
from academy.plugins.packages.imscc.model import (
    MANIFEST_FILE,
    MANIFEST_NAMESPACES,
    Cartridge,
    OrgItem,
    Resource,
    kind_of,
)
from academy.plugins.packages.imscc.xmlsafe import (
    child,
    children,
    local,
    namespace,
    parse_xml,
    path,
    text,
)

_SCHEMAVERSION = re.compile(r"^\s*1\.([0-3])(\.\d+)*\s*$")
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
MAX_ITEMS = 5000


def read_cartridge(files: dict[str, bytes]) -> Cartridge:
    """Parse the manifest of a cartridge whose files are ``files``."""
    root = _manifest_root(files)
    resources, duplicates = _resources(child(root, "resources"), files)
    items = _organisation(path(root, "organizations", "organization"))
    _check_size(items)
    return Cartridge(
        identifier=root.get("identifier", "").strip(),
        version=_version(root, MANIFEST_NAMESPACES[namespace(root)]),
        metadata=read_lom(find_lom(child(root, "metadata"))),
        items=items,
        resources=resources,
        files=files,
        duplicates=duplicates,
    )


def _manifest_root(files: dict[str, bytes]) -> etree._Element:
    """The manifest element, in one of the Common Cartridge namespaces."""
    if MANIFEST_FILE not in files:
        raise PackageError(
            _("This is not a Common Cartridge: there is no imsmanifest.xml at its root.")
        )
    root = parse_xml(files[MANIFEST_FILE], MANIFEST_FILE)
    if local(root) != "manifest" or namespace(root) not in MANIFEST_NAMESPACES:
        raise PackageError(
            _(
                "imsmanifest.xml is not a Common Cartridge manifest (its root element is "
                "%(element)s).",
                element=etree.QName(root).text[:160],
            )
        )
    return root


def _version(root: etree._Element, by_namespace: str) -> str:
    match = _SCHEMAVERSION.match(text(path(root, "metadata", "schemaversion")))
    return f"1.{match.group(1)}" if match else by_namespace


def _organisation(organisation: etree._Element | None) -> list[OrgItem]:
    """The items under the organisation's root item (or its items, if it has no root)."""
    tops = [_item(element) for element in children(organisation, "item")]
    if len(tops) == 1 and not tops[0].identifierref:
        return tops[0].children
    return tops


def _item(element: etree._Element) -> OrgItem:
    return OrgItem(
        identifier=element.get("identifier", "").strip(),
        title=" ".join(text(child(element, "title")).split()),
        identifierref=element.get("identifierref", "").strip(),
        children=[_item(inner) for inner in children(element, "item")],
    )


def _count(items: list[OrgItem]) -> int:
    return sum(1 + _count(item.children) for item in items)


def _check_size(items: list[OrgItem]) -> None:
    if _count(items) > MAX_ITEMS:
        raise PackageError(
            _("The cartridge has more than %(limit)s organisation items.", limit=MAX_ITEMS)
        )


def _resources(
    element: etree._Element | None, files: dict[str, bytes]
) -> tuple[dict[str, Resource], list[Resource]]:
    """Resources by identifier; later ones with an identifier already taken, apart."""
    found: dict[str, Resource] = {}
    duplicates: list[Resource] = []
    base = element.get(_XML_BASE, "") if element is not None else ""
    for node in children(element, "resource"):
        resource = _resource(node, base, files)
        if resource.identifier in found:
            duplicates.append(resource)
        else:
            found[resource.identifier] = resource
    return found, duplicates


def _resource(node: etree._Element, base: str, files: dict[str, bytes]) -> Resource:
    base = _join(base, node.get(_XML_BASE, ""))
    href = resolve(files, _join(base, node.get("href", ""))) if node.get("href") else ""
    listed = [resolve(files, _join(base, f.get("href", ""))) for f in children(node, "file")]
    resource_type = node.get("type", "").strip()
    return Resource(
        identifier=node.get("identifier", "").strip(),
        type=resource_type,
        kind=kind_of(resource_type),
        href=href,
        files=[name for name in listed if name],
        dependencies=[d.get("identifierref", "").strip() for d in children(node, "dependency")],
        intended_use=node.get("intendeduse", "").strip().lower(),
        is_variant=any(local(el) == "variant" for el in node.iterchildren()),
    )


def _join(base: str, href: str) -> str:
    if not base or "://" in href or href.startswith("/"):
        return href
    return base.rstrip("/") + "/" + href


def resolve(files: dict[str, bytes], href: str, folder: str = "") -> str:
    """The cartridge path ``href`` (relative to ``folder``) names; "" if it leaves the root.

    The path is returned even when no such file exists, so the caller can say
    that a listed file is absent.  A URI-encoded href matches its decoded name.
    """
    href = href.split("#", 1)[0].split("?", 1)[0].strip()
    if not href or "://" in href or href.startswith(("/", "\\")) or ":" in href.split("/")[0]:
        return ""
    for candidate in (href, unquote(href)):
        normal = posixpath.normpath(posixpath.join(folder, candidate))
        if normal.startswith("../") or normal in {"..", "."}:
            return ""
        if normal in files:
            return normal
    return posixpath.normpath(posixpath.join(folder, unquote(href)))
