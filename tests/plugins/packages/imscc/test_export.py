"""Exporting courses as Common Cartridges: every export validates against the CC 1.1 schemas."""

from __future__ import annotations

import pytest

from academy.plugins.courses.models import Course, CourseOrigin
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.imscc.service import export_cartridge
from academy.plugins.packages.services import (
    build_package,
    builtin_courses_folder,
    import_package,
)
from academy.plugins.packages.signing import Signer
from tests.plugins.packages.builders import PNG, sample_files
from tests.plugins.packages.helpers import install, the_course
from tests.plugins.packages.imscc import schemas
from tests.plugins.packages.imscc.cartridges import unzip, xml

REAL_COURSES = sorted(
    p.name for p in builtin_courses_folder().iterdir() if (p / "course.toml").is_file()
)
CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
CP13 = "{http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1}"
LOM = "{http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest}"


def install_builtin(name: str) -> Course:
    report = import_package(
        build_package(builtin_courses_folder() / name), origin=CourseOrigin.BUILTIN
    )
    return the_course(report.course_uuid)


def assert_valid(files: dict[str, bytes]) -> None:
    """The manifest and every XML resource file are valid against their CC 1.1 schema."""
    assert schemas.errors(files["imsmanifest.xml"], schemas.MANIFEST_XSD) == []
    for name, data in files.items():
        if name.startswith("assessments/"):
            assert schemas.errors(data, schemas.QTI_XSD) == [], name
        if name.startswith("discussions/"):
            assert schemas.errors(data, schemas.TOPIC_XSD) == [], name


def listed_files(manifest: bytes, cp: str = CP) -> set[str]:
    return {f.get("href") for f in xml(manifest).iter(f"{cp}file")}


@pytest.mark.parametrize("name", REAL_COURSES)
def test_builtin_course_exports_a_valid_cc11_cartridge(signer: Signer, name: str) -> None:
    schemas.schema_folder()  # skip early when the schemas are not on this machine
    files = unzip(export_cartridge(install_builtin(name), today="2025-01-31"))
    assert_valid(files)
    assert listed_files(files["imsmanifest.xml"]) == set(files) - {"imsmanifest.xml"}
    root = xml(files["imsmanifest.xml"])
    refs = {i.get("identifierref") for i in root.iter(f"{CP}item") if i.get("identifierref")}
    resources = {r.get("identifier") for r in root.iter(f"{CP}resource")}
    assert refs <= resources


def test_export_carries_structure_and_metadata(signer: Signer) -> None:
    files = unzip(export_cartridge(install_builtin("exchange-methodology"), today="2025-01-31"))
    root = xml(files["imsmanifest.xml"])
    languages = [el.text for el in root.iter(f"{LOM}language")]
    assert languages[0] == "en" and set(languages) == {"en", "es", "fr", "mn", "pt"}
    titles = {s.get("language") for s in root.find(f".//{LOM}general/{LOM}title")}
    assert {"en", "fr"} <= titles
    assert root.findtext(f".//{LOM}rights/{LOM}description/{LOM}string") == "CC-BY-SA-4.0"
    assert "FN:" in root.findtext(f".//{LOM}entity", "")
    modules = root.findall(f"{CP}organizations/{CP}organization/{CP}item/{CP}item")
    assert [m.get("identifier") for m in modules] == [
        "principles",
        "exchange-forms",
        "exchange-cycle",
    ]
    types = {r.get("type") for r in root.iter(f"{CP}resource")}
    assert types == {"webcontent", "imsdt_xmlv1p1", "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"}
    syllabus = root.find(f".//{CP}resource[@intendeduse='syllabus']")
    assert syllabus is not None and syllabus.get("href") == "syllabus.html"
    assert (
        b'name="academy:item-type" content="assignment"' in files["assignments/exchange-plan.html"]
    )


def test_lesson_assets_travel_with_their_page(signer: Signer) -> None:
    install(signer)
    files = unzip(export_cartridge(the_course(), today="2025-01-31"))
    assert files["web_resources/diagram.png"] == PNG
    assert b'src="../web_resources/diagram.png"' in files["lessons/welcome.html"]
    root = xml(files["imsmanifest.xml"])
    page = root.find(f".//{CP}resource[@identifier='RES_welcome']")
    assert {f.get("href") for f in page} == {"lessons/welcome.html", "web_resources/diagram.png"}
    assert_valid(files)


def test_cc13_uses_the_13_namespaces_and_types(signer: Signer) -> None:
    install(signer)
    files = unzip(export_cartridge(the_course(), cc_version="1.3", today="2025-01-31"))
    root = xml(files["imsmanifest.xml"])
    assert root.tag == f"{CP13}manifest"
    assert root.findtext(f"{CP13}metadata/{CP13}schemaversion") == "1.3.0"
    types = {r.get("type") for r in root.iter(f"{CP13}resource")}
    assert {"imsdt_xmlv1p3", "imsqti_xmlv1p2/imscc_xmlv1p3/assessment"} <= types
    topic = xml(files["discussions/welcome.xml"])
    assert topic.tag == "{http://www.imsglobal.org/xsd/imsccv1p3/imsdt_v1p3}topic"
    assert listed_files(files["imsmanifest.xml"], CP13) == set(files) - {"imsmanifest.xml"}


def test_export_is_deterministic_and_refuses_unknown_versions(signer: Signer) -> None:
    install(signer)
    course = the_course()
    assert export_cartridge(course, today="2025-01-31") == export_cartridge(
        course, today="2025-01-31"
    )
    with pytest.raises(PackageError, match=r"Unknown Common Cartridge version 2\.0"):
        export_cartridge(course, cc_version="2.0")


def test_quiz_answers_are_in_the_qti(signer: Signer) -> None:
    install(signer, sample_files())
    files = unzip(export_cartridge(the_course(), today="2025-01-31"))
    qti = xml(files["assessments/basics-quiz.xml"])
    ns = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
    answers = {
        item.get("ident"): [v.text for v in item.iter(f"{ns}varequal")]
        for item in qti.iter(f"{ns}item")
    }
    assert answers == {"q-one": ["a"], "q-two": ["true"]}
