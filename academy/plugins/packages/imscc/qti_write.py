"""A quiz as a QTI 1.2.1 assessment in the Common Cartridge profile.

Single-answer questions are ``cc.multiple_choice.v0p1``, several-answer ones
``cc.multiple_response.v0p1`` and true/false ``cc.true_false.v0p1``.  The
quiz's own settings travel as metadata fields: ``cc_maxattempts`` (CC) and
``academy_pass_mark``, ``academy_minutes``, ``academy_required`` (ignored
elsewhere, read back by Academy).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from academy.plugins.courses.models import QuestionKind
from academy.plugins.packages.imscc.htmlout import FILEBASE, render, render_inline
from academy.plugins.packages.imscc.model import QTI_NAMESPACE, XSI, Version
from academy.plugins.packages.manifest import ItemSpec, QuestionSpec

PROFILES = {
    QuestionKind.SINGLE: "cc.multiple_choice.v0p1",
    QuestionKind.MULTIPLE: "cc.multiple_response.v0p1",
    QuestionKind.TRUE_FALSE: "cc.true_false.v0p1",
}
RESPONSE = "response"
FEEDBACK = "general_fb"


class _Builder:
    """Adds elements in the QTI namespace and remembers the assets the texts use."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def sub(self, parent: etree._Element, name: str, value: str | None = None) -> etree._Element:
        element = etree.SubElement(parent, f"{{{QTI_NAMESPACE}}}{name}")
        if value is not None:
            element.text = value
        return element

    def material(self, parent: etree._Element, text: str, *, inline: bool = False) -> None:
        html, used = (render_inline if inline else render)(text, FILEBASE)
        self.used |= used
        self.sub(self.sub(parent, "material"), "mattext", html).set("texttype", "text/html")

    def fields(self, parent: etree._Element, values: dict[str, str]) -> None:
        metadata = self.sub(parent, "qtimetadata")
        for label, entry in values.items():
            field = self.sub(metadata, "qtimetadatafield")
            self.sub(field, "fieldlabel", label)
            self.sub(field, "fieldentry", entry)


def write_assessment(
    spec: ItemSpec, fields: dict[str, Any], version: Version
) -> tuple[bytes, set[str]]:
    """(The QTI file, the asset paths its texts use) for one quiz."""
    build = _Builder()
    root = etree.Element(
        f"{{{QTI_NAMESPACE}}}questestinterop", nsmap={None: QTI_NAMESPACE, "xsi": XSI}
    )
    root.set(
        f"{{{XSI}}}schemaLocation", f"{QTI_NAMESPACE} {version.schema_url('qtiasiv1p2p1_v1p0')}"
    )
    assessment = build.sub(root, "assessment")
    assessment.set("ident", spec.id)
    assessment.set("title", str(fields.get("title", "")))
    build.fields(assessment, _settings(spec))
    if str(fields.get("intro", "")).strip():
        build.material(build.sub(assessment, "rubric"), str(fields["intro"]))
    section = build.sub(assessment, "section")
    section.set("ident", "root_section")
    texts = fields.get("questions") or {}
    for question in spec.questions:
        _question(build, section, question, texts.get(question.id) or {}, spec.shuffle)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data, build.used


def _settings(spec: ItemSpec) -> dict[str, str]:
    return {
        "cc_profile": "cc.exam.v0p1",
        "qmd_assessmenttype": "Examination",
        "qmd_scoretype": "Percentage",
        "cc_maxattempts": str(spec.max_attempts) if spec.max_attempts else "unlimited",
        "academy_pass_mark": str(spec.pass_mark or 0),
        "academy_minutes": str(spec.minutes),
        "academy_required": "true" if spec.required else "false",
    }


def _question(
    build: _Builder,
    section: etree._Element,
    question: QuestionSpec,
    texts: dict[str, Any],
    shuffle: bool,
) -> None:
    item = build.sub(section, "item")
    item.set("ident", question.id)
    build.fields(build.sub(item, "itemmetadata"), {"cc_profile": PROFILES[question.kind]})
    presentation = build.sub(item, "presentation")
    build.material(presentation, str(texts.get("text", "")))
    _choices(build, presentation, question, texts.get("choices") or {}, shuffle)
    feedback = str(texts.get("feedback", "")).strip()
    _processing(build, item, question, with_feedback=bool(feedback))
    if feedback:
        holder = build.sub(item, "itemfeedback")
        holder.set("ident", FEEDBACK)
        build.material(build.sub(holder, "flow_mat"), feedback)


def _choices(
    build: _Builder,
    presentation: etree._Element,
    question: QuestionSpec,
    texts: dict[str, Any],
    shuffle: bool,
) -> None:
    response = build.sub(presentation, "response_lid")
    response.set("ident", RESPONSE)
    multiple = question.kind is QuestionKind.MULTIPLE
    response.set("rcardinality", "Multiple" if multiple else "Single")
    render_choice = build.sub(response, "render_choice")
    render_choice.set("shuffle", "Yes" if shuffle else "No")
    for choice in question.choices:
        label = build.sub(render_choice, "response_label")
        label.set("ident", choice)
        build.material(label, str(texts.get(choice, choice)), inline=True)


def _processing(
    build: _Builder, item: etree._Element, question: QuestionSpec, *, with_feedback: bool
) -> None:
    processing = build.sub(item, "resprocessing")
    decvar = build.sub(build.sub(processing, "outcomes"), "decvar")
    for name, value in (("varname", "SCORE"), ("vartype", "Decimal")):
        decvar.set(name, value)
    decvar.set("minvalue", "0")
    decvar.set("maxvalue", "100")
    if with_feedback:
        condition = build.sub(processing, "respcondition")
        condition.set("continue", "Yes")
        build.sub(build.sub(condition, "conditionvar"), "other")
        shown = build.sub(condition, "displayfeedback")
        shown.set("feedbacktype", "Response")
        shown.set("linkrefid", FEEDBACK)
    condition = build.sub(processing, "respcondition")
    condition.set("continue", "No")
    _correct(build, build.sub(condition, "conditionvar"), question)
    setvar = build.sub(condition, "setvar", "100")
    setvar.set("action", "Set")
    setvar.set("varname", "SCORE")


def _correct(build: _Builder, conditionvar: etree._Element, question: QuestionSpec) -> None:
    """The right answer: one choice, or every correct choice and none of the others."""
    if question.kind is not QuestionKind.MULTIPLE:
        build.sub(conditionvar, "varequal", question.correct[0]).set("respident", RESPONSE)
        return
    every = build.sub(conditionvar, "and")
    for choice in question.choices:
        parent = every if choice in question.correct else build.sub(every, "not")
        build.sub(parent, "varequal", choice).set("respident", RESPONSE)
