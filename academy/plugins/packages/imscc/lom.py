"""The IEEE LOM metadata of a cartridge: title, languages, description, licence, publisher.

Written with the CC manifest profile of LOM (general, lifeCycle, rights); read
from any LOM namespace, the children looked up in the namespace of the
``lom`` element itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from academy.plugins.packages.imscc.model import Metadata
from academy.plugins.packages.imscc.xmlsafe import children, local, path, text

LICENCE_LIMIT = 80


@dataclass(frozen=True)
class CourseFacts:
    """What an export says about the course in LOM."""

    titles: dict[str, str]  # language -> title, source language first
    summaries: dict[str, str]
    languages: list[str]
    licence: str
    publisher: str
    date: str  # YYYY-MM-DD


def _sub(parent: etree._Element, name: str, value: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, etree.QName(etree.QName(parent).namespace, name).text)
    if value is not None:
        element.text = value
    return element


def _lang_string(parent: etree._Element, name: str, values: dict[str, str]) -> None:
    holder = _sub(parent, name)
    for language, value in values.items():
        _sub(holder, "string", value).set("language", language)


def _vcard(name: str) -> str:
    escaped = name.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return f"BEGIN:VCARD\nVERSION:3.0\nFN:{escaped}\nORG:{escaped}\nEND:VCARD"


def write_lom(parent: etree._Element, namespace: str, facts: CourseFacts) -> etree._Element:
    """A ``lom`` element under ``parent`` in ``namespace`` (the CC manifest LOM profile)."""
    lom = etree.SubElement(parent, etree.QName(namespace, "lom").text)
    general = _sub(lom, "general")
    _lang_string(general, "title", facts.titles)
    for language in facts.languages:
        _sub(general, "language", language)
    if any(facts.summaries.values()):
        _lang_string(general, "description", {k: v for k, v in facts.summaries.items() if v})
    contribute = _sub(_sub(lom, "lifeCycle"), "contribute")
    _sub(_sub(contribute, "role"), "value", "publisher")
    _sub(contribute, "entity", _vcard(facts.publisher))
    _sub(_sub(contribute, "date"), "dateTime", facts.date)
    rights = _sub(lom, "rights")
    _sub(_sub(rights, "copyrightAndOtherRestrictions"), "value", "yes" if facts.licence else "no")
    if facts.licence:
        _lang_string(rights, "description", {facts.languages[0]: facts.licence})
    return lom


def find_lom(metadata: etree._Element | None) -> etree._Element | None:
    """The ``lom`` element of a metadata block, whatever its namespace."""
    if metadata is None:
        return None
    return next((el for el in metadata.iterchildren() if local(el) == "lom"), None)


def _strings(element: etree._Element | None) -> dict[str, str]:
    """A LangString's texts by language ("" when the language is not given)."""
    found: dict[str, str] = {}
    for string in children(element, "string"):
        value = text(string)
        if value:
            found.setdefault(string.get("language", "").strip(), value)
    if not found and element is not None and text(element):
        found[""] = text(element)  # a bare string, as some LOM variants write
    return found


def _pick(values: dict[str, str], language: str) -> str:
    return values.get(language) or next(iter(values.values()), "")


def read_lom(lom: etree._Element | None) -> Metadata:
    """Title, languages, description, licence and publisher from a manifest's LOM."""
    if lom is None:
        return Metadata()
    general = path(lom, "general")
    languages = [text(el) for el in children(general, "language") if text(el)]
    titles = _strings(path(general, "title"))
    first = languages[0] if languages else ""
    licence = _pick(_strings(path(lom, "rights", "description")), first)
    return Metadata(
        title=_pick(titles, first),
        titles=titles,
        languages=languages,
        description=_pick(_strings(path(general, "description")), first),
        licence=" ".join(licence.split())[:LICENCE_LIMIT],
        publisher=_publisher(lom),
    )


def _publisher(lom: etree._Element) -> str:
    """The FN (or ORG) of the vCard of the lifeCycle contribution with role publisher."""
    for contribute in children(path(lom, "lifeCycle"), "contribute"):
        if text(path(contribute, "role", "value")).lower() != "publisher":
            continue
        for entity in children(contribute, "entity"):
            for line in text(entity).splitlines():
                name, _sep, value = line.partition(":")
                if name.strip().upper() in {"FN", "ORG"} and value.strip():
                    return value.strip().replace("\\,", ",").replace("\\;", ";")[:200]
    return ""
