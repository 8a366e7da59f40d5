"""Offline validation against the official CC 1.1 schemas in ../shared (skipped when absent).

The IMS schemas import W3C's ``xml.xsd``, which the folder does not hold; a
resolver answers it with a small stand-in declaring the ``xml:`` attributes,
and answers every other schema from the folder, never from the network.
"""

from __future__ import annotations

import functools
from pathlib import Path

from lxml import etree

from tests.conftest import shared_samples

MANIFEST_XSD = "ccv1p1_imscp_v1p2_v1p0.xsd"
TOPIC_XSD = "ccv1p1_imsdt_v1p1.xsd"
WEBLINK_XSD = "ccv1p1_imswl_v1p1.xsd"
QTI_XSD = "ccv1p1_qtiasiv1p2p1_v1p0.xsd"
XML_NAMESPACE_STAND_IN = b"""<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
    targetNamespace="http://www.w3.org/XML/1998/namespace">
  <xs:attribute name="base" type="xs:anyURI"/>
  <xs:attribute name="lang" type="xs:string"/>
  <xs:attribute name="space" type="xs:string"/>
  <xs:attribute name="id" type="xs:ID"/>
</xs:schema>"""


class _LocalSchemas(etree.Resolver):
    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def resolve(self, system_url: str, _public_id: str, context: object) -> object:
        name = system_url.rsplit("/", 1)[-1]
        if name == "xml.xsd":
            return self.resolve_string(XML_NAMESPACE_STAND_IN, context)
        if (self.folder / name).is_file():
            return self.resolve_filename(str(self.folder / name), context)
        return None


def schema_folder() -> Path:
    return shared_samples() / "imscc-schemas-1.1"


@functools.cache
def _schema(folder: Path, name: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemas(folder))
    return etree.XMLSchema(etree.parse(str(folder / name), parser))


def errors(data: bytes, name: str) -> list[str]:
    """Why ``data`` is not valid against the CC 1.1 schema ``name`` (empty if it is)."""
    schema = _schema(schema_folder(), name)
    document = etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))
    if schema.validate(document):
        return []
    return [f"{error.line}: {error.message}" for error in schema.error_log]
