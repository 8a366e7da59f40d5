"""Handmade Common Cartridges for the tests, written here as plain XML strings.

:func:`cartridge` zips a manifest and files; :func:`manifest` writes one from
item and resource snippets, with the namespace prefixes a test asks for, so
tests can show that elements are matched by namespace and never by prefix.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from lxml import etree

from academy.extensions import db
from academy.plugins.courses.models import Course, Item, Module, Question
from academy.plugins.packages.imscc.service import import_cartridge
from academy.plugins.packages.report import Action

CC = {
    "1.0": "http://www.imsglobal.org/xsd/imscc/imscp_v1p1",
    "1.1": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
    "1.2": "http://www.imsglobal.org/xsd/imsccv1p2/imscp_v1p1",
    "1.3": "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1",
}
LOM = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
TOPIC = "http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1"
WEBLINK = "http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


_CC_TAGS = re.compile(r"<(/?)(item|title|resource|file|dependency)\b")


def _prefixed(snippet: str, prefix: str) -> str:
    return _CC_TAGS.sub(rf"<\1{prefix}:\2", snippet) if prefix else snippet


def manifest(
    items: str,
    resources: str,
    *,
    version: str = "1.1",
    prefix: str = "",
    lom_prefix: str = "lomimscc",
    title: str = "Handmade course",
    language: str = "en",
    identifier: str = "handmade-cartridge",
) -> bytes:
    """An imsmanifest.xml; ``prefix`` puts every CC element under that namespace prefix."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{CC[version]}"' if prefix else f'xmlns="{CC[version]}"'
    m = f"{lom_prefix}:"
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<{p}manifest identifier="{identifier}" {xmlns} xmlns:{lom_prefix}="{LOM}">
  <{p}metadata>
    <{p}schema>IMS Common Cartridge</{p}schema>
    <{p}schemaversion>{version}.0</{p}schemaversion>
    <{m}lom><{m}general>
      <{m}title><{m}string language="{language}">{title}</{m}string></{m}title>
      <{m}language>{language}</{m}language>
    </{m}general>
    <{m}rights><{m}description><{m}string>CC-BY-4.0</{m}string></{m}description></{m}rights>
    </{m}lom>
  </{p}metadata>
  <{p}organizations><{p}organization identifier="org" structure="rooted-hierarchy">
    <{p}item identifier="root">{_prefixed(items, prefix)}</{p}item>
  </{p}organization></{p}organizations>
  <{p}resources>{_prefixed(resources, prefix)}</{p}resources>
</{p}manifest>
"""
    return text.encode("utf-8")


def item(identifier: str, title: str, ref: str = "", children: str = "") -> str:
    attribute = f' identifierref="{ref}"' if ref else ""
    return f'<item identifier="{identifier}"{attribute}><title>{title}</title>{children}</item>'


def resource(identifier: str, kind: str, path: str, *, href: bool = True, extra: str = "") -> str:
    attribute = f' href="{path}"' if href else ""
    return (
        f'<resource identifier="{identifier}" type="{kind}"{attribute}>'
        f'<file href="{path}"/>{extra}</resource>'
    )


def page(title: str, body: str, meta: str = "") -> bytes:
    return (f"<html><head><title>{title}</title>{meta}</head><body>{body}</body></html>").encode()


def topic(title: str, text: str, texttype: str = "text/plain") -> bytes:
    return (
        f'<topic xmlns="{TOPIC}"><title>{title}</title>'
        f'<text texttype="{texttype}">{text}</text></topic>'
    ).encode()


def weblink(title: str, href: str) -> bytes:
    return (
        f'<webLink xmlns="{WEBLINK}"><title>{title}</title><url href="{href}"/></webLink>'.encode()
    )


def choice_item(ident: str, profile: str, choices: dict[str, str], correct: str, text: str) -> str:
    labels = "".join(
        f'<response_label ident="{key}"><material><mattext texttype="text/plain">{value}'
        f"</mattext></material></response_label>"
        for key, value in choices.items()
    )
    return f"""<item ident="{ident}" title="{ident}">
  <itemmetadata><qtimetadata><qtimetadatafield><fieldlabel>cc_profile</fieldlabel>
    <fieldentry>{profile}</fieldentry></qtimetadatafield></qtimetadata></itemmetadata>
  <presentation>
    <material><mattext texttype="text/html">&lt;p&gt;{text}&lt;/p&gt;</mattext></material>
    <response_lid ident="r1" rcardinality="Single">
      <render_choice>{labels}</render_choice>
    </response_lid>
  </presentation>
  <resprocessing><outcomes><decvar varname="SCORE" vartype="Decimal"/></outcomes>
    {correct}
  </resprocessing>
</item>"""


def right(*answers: str, score: str = "100") -> str:
    """A respcondition giving ``score`` when the answers are chosen."""
    equals = "".join(f'<varequal respident="r1">{answer}</varequal>' for answer in answers)
    setvar = f'<setvar action="Set">{score}</setvar>'
    return f"<respcondition><conditionvar>{equals}</conditionvar>{setvar}</respcondition>"


def qti(items: str, title: str = "A quiz") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<questestinterop xmlns="{QTI}"><assessment ident="quiz" title="{title}">
<section ident="root_section">{items}</section></assessment></questestinterop>""".encode()


def cartridge(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def simple_cartridge(**kwargs: object) -> dict[str, bytes]:
    """One module with a page, its discussion, a web link and a two-question quiz."""
    items = item(
        "week-1",
        "Week 1",
        children=item("intro-page", "Introduction", "r-page")
        + item("intro-topic", "Talk about it", "r-topic")
        + item("link", "A good site", "r-link")
        + item("quiz-1", "First quiz", "r-quiz"),
    )
    resources = (
        resource("r-page", "webcontent", "pages/intro.html")
        + resource("r-topic", "imsdt_xmlv1p1", "topic.xml", href=False)
        + resource("r-link", "imswl_xmlv1p1", "link.xml", href=False)
        + resource("r-quiz", "imsqti_xmlv1p2/imscc_xmlv1p1/assessment", "quiz.xml", href=False)
    )
    questions = choice_item(
        "q-capital",
        "cc.multiple_choice.v0p1",
        {"a": "Lisbon", "b": "Porto"},
        right("a"),
        "Capital?",
    ) + choice_item(
        "q-sky", "cc.true_false.v0p1", {"t1": "True", "t2": "False"}, right("t1"), "Blue sky?"
    )
    return {
        "imsmanifest.xml": manifest(items, resources, **kwargs),  # type: ignore[arg-type]
        "pages/intro.html": page("Intro", "<p>Hello <b>world</b>.</p>"),
        "topic.xml": topic("Talk about it", "What do you think?"),
        "link.xml": weblink("A good site", "https://example.org/"),
        "quiz.xml": qti(questions),
    }


@dataclass(frozen=True)
class Shape:
    """What tests compare: modules, items and questions, in order."""

    modules: list[str]
    items: list[tuple[str, str, str]]  # (module, item, type)
    questions: list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]]


def shape(course: Course) -> Shape:
    live = Module.archived_at.is_(None)
    modules = db.session.scalars(
        sa.select(Module).where(Module.course_id == course.id, live).order_by(Module.position)
    ).all()
    order = {m.id: i for i, m in enumerate(modules)}
    rows = db.session.scalars(
        sa.select(Item).where(Item.course_id == course.id, Item.archived_at.is_(None))
    ).all()
    rows = sorted(rows, key=lambda i: (order[i.module_id], i.position))
    keys = {m.id: m.key for m in modules}
    questions = db.session.scalars(
        sa.select(Question)
        .join(Item)
        .where(Item.course_id == course.id, Question.archived_at.is_(None))
        .order_by(Item.key, Question.position)
    ).all()
    return Shape(
        [m.key for m in modules],
        [(keys[i.module_id], i.key, str(i.type)) for i in rows],
        [(q.item.key, q.key, str(q.kind), tuple(q.choices), tuple(q.correct)) for q in questions],
    )


def course_by_id(course_id: int | None) -> Course:
    course = db.session.get(Course, course_id)
    assert course is not None
    return course


def import_new(data: bytes) -> tuple[Course, Action]:
    report = import_cartridge(data)
    return course_by_id(report.course_id), report.action


def sample(name: str) -> bytes:
    from tests.conftest import shared_samples

    path: Path = shared_samples() / "imscc" / name
    return path.read_bytes()
