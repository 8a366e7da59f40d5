"""Real cartridges are messy: what the importer tolerates, and how it says what it did."""

from __future__ import annotations

import pytest

from academy.plugins.courses.models import Course, ItemType, QuestionKind, TextScope
from academy.plugins.courses.rendering import render_markdown
from academy.plugins.packages.imscc.service import import_cartridge
from academy.plugins.packages.report import Action
from tests.plugins.packages.helpers import items, questions, text
from tests.plugins.packages.imscc.cartridges import (
    PNG_BYTES,
    cartridge,
    choice_item,
    course_by_id,
    import_new,
    item,
    manifest,
    page,
    qti,
    resource,
    right,
    simple_cartridge,
    topic,
    weblink,
)

QUIZ = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"


def body(course: Course, key: str, scope: TextScope = TextScope.LESSON) -> str:
    row = text(course, scope, key, course.source_language)
    assert row is not None
    return str(row.fields.get("body", ""))


def pages_cartridge(items_xml: str, resources_xml: str, files: dict[str, bytes]) -> bytes:
    return cartridge({"imsmanifest.xml": manifest(items_xml, resources_xml), **files})


def test_simple_cartridge_maps_every_kind() -> None:
    course, action = import_new(cartridge(simple_cartridge()))
    assert action is Action.INSTALL and course.slug == "handmade-course"
    assert course.licence == "CC-BY-4.0"
    rows = items(course)
    assert [(k, str(rows[k].type)) for k in ("intro-page", "link", "quiz-1")] == [
        ("intro-page", "lesson"),
        ("link", "lesson"),
        ("quiz-1", "quiz"),
    ]
    assert "intro-topic" not in rows
    lesson = text(course, TextScope.LESSON, "intro-page", "en")
    assert lesson is not None and lesson.fields["discussion_prompt"] == "What do you think?"
    assert lesson.fields["body"] == "Hello **world**."
    assert body(course, "link") == "[A good site](https://example.org/)"
    found = {key: (q.kind, q.choices, q.correct) for key, q in questions(course).items()}
    assert found == {
        "quiz-1/q-capital": (QuestionKind.SINGLE, ["a", "b"], ["a"]),
        "quiz-1/q-sky": (QuestionKind.TRUE_FALSE, ["true", "false"], ["true"]),
    }


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2", "1.3"])
def test_every_version_from_10_to_13(version: str) -> None:
    files = simple_cartridge(version=version)
    report = import_cartridge(cartridge(files), dry_run=True)
    assert report.cc_version == version and len(report.changes.items_new) == 3


def test_byte_order_mark_and_blank_lines_before_the_declaration() -> None:
    files = simple_cartridge()
    files["imsmanifest.xml"] = b"\xef\xbb\xbf\n\n" + files["imsmanifest.xml"]
    files["quiz.xml"] = b"\xef\xbb\xbf" + files["quiz.xml"]
    report = import_cartridge(cartridge(files), dry_run=True)
    assert len(report.changes.items_new) == 3


def test_namespaces_matter_prefixes_do_not() -> None:
    plain = import_cartridge(cartridge(simple_cartridge()), dry_run=True)
    prefixed = import_cartridge(
        cartridge(simple_cartridge(prefix="imscc", lom_prefix="ieee")), dry_run=True
    )
    assert prefixed.title == plain.title == "Handmade course"
    assert [r.key for r in prefixed.changes.items_new] == [r.key for r in plain.changes.items_new]
    files = simple_cartridge()
    decoy = (
        '<x:item xmlns:x="urn:not-cc" identifier="decoy" identifierref="r-page">'
        "<x:title>Decoy</x:title></x:item></item>"
    )
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace(b"</item>", decoy.encode(), 1)
    report = import_cartridge(cartridge(files), dry_run=True)
    assert "decoy" not in {r.key for r in report.changes.items_new}


def test_resource_types_of_another_version() -> None:
    files = simple_cartridge()
    manifest_xml = files["imsmanifest.xml"]
    for old, new in (
        (b"imsdt_xmlv1p1", b"imsdt_xmlv1p3"),
        (b"imswl_xmlv1p1", b"imswl_xmlv1p2"),
        (b"imscc_xmlv1p1/assessment", b"imscc_xmlv1p3/assessment"),
    ):
        manifest_xml = manifest_xml.replace(old, new)
    files["imsmanifest.xml"] = manifest_xml
    course, _action = import_new(cartridge(files))
    assert {str(i.type) for i in items(course).values()} == {"lesson", "quiz"}
    lesson = text(course, TextScope.LESSON, "intro-page", "en")
    assert lesson is not None and lesson.fields["discussion_prompt"] == "What do you think?"


def test_listed_files_that_are_absent_are_reported() -> None:
    data = pages_cartridge(
        item("m", "Module", children=item("p1", "Present", "r1") + item("p2", "Absent", "r2")),
        resource("r1", "webcontent", "a.html", extra='<file href="gone.pdf"/>')
        + resource("r2", "webcontent", "missing.html"),
        {"a.html": page("A", "<p>here</p>")},
    )
    report = import_cartridge(data, dry_run=True)
    assert [r.key for r in report.changes.items_new] == ["p1"]
    reasons = {entry.what: entry.reason for entry in report.skipped}
    assert reasons["Absent"] == "its file missing.html is missing from the cartridge"
    assert reasons["gone.pdf"] == "listed in the manifest but missing from the cartridge"


def test_an_organisation_without_items_imports_its_pages() -> None:
    data = pages_cartridge(
        "",
        resource("r1", "webcontent", "one.html") + resource("r2", "webcontent", "two.htm"),
        {"one.html": page("One", "<p>1</p>"), "two.htm": page("Two", "<p>2</p>")},
    )
    course, _action = import_new(data)
    assert sorted(items(course)) == ["r1", "r2"]
    assert [m.key for m in course.modules] == ["resources"]


def test_items_nested_five_deep_land_in_their_module() -> None:
    deep = item("deep-page", "Deep page", "r1")
    for level in range(4, 0, -1):
        deep = item(f"folder-{level}", f"Folder {level}", children=deep)
    data = pages_cartridge(
        item("m", "Module", children=item("top", "Top page", "r1") + deep),
        resource("r1", "webcontent", "a.html"),
        {"a.html": page("A", "<p>shared</p>")},
    )
    report = import_cartridge(data)
    course_items = [(r.key, r.title) for r in report.changes.items_new]
    assert course_items == [("top", "Top page"), ("deep-page", "Deep page")]
    assert any("Folder 2" in note and "flattened" in note for note in report.notes)


def test_one_resource_used_by_two_items_gives_two_lessons() -> None:
    data = pages_cartridge(
        item("m", "Module", children=item("first", "First", "r1") + item("again", "Again", "r1")),
        resource("r1", "webcontent", "a.html"),
        {"a.html": page("A", "<p>shared</p>")},
    )
    course, _action = import_new(data)
    assert body(course, "first") == body(course, "again") == "shared"


def test_links_assets_and_the_filebase_are_resolved() -> None:
    html = (
        '<p><img src="../img/pic.png" alt="A picture"> <a href="../docs/guide%20v2.pdf">guide</a>'
        ' <a href="other.html">a page</a> <a href="nowhere.pdf">gone</a>'
        ' <a href="#top">top</a> <a href="https://example.org/">out</a></p>'
    )
    files = {
        "pages/a.html": page("A", html),
        "pages/other.html": page("Other", "<p>x</p>"),
        "img/pic.png": PNG_BYTES,
        "docs/guide v2.pdf": b"%PDF-1.4",
        "web_resources/sheet.pdf": b"%PDF-1.4 sheet",
        "topic.xml": topic(
            "Talk", '&lt;a href="$IMS-CC-FILEBASE$/sheet.pdf"&gt;sheet&lt;/a&gt;', "text/html"
        ),
    }
    data = pages_cartridge(
        item("m", "Module", children=item("p", "Page", "r1") + item("t", "Talk", "r2")),
        resource("r1", "webcontent", "pages/a.html")
        + resource("r2", "imsdt_xmlv1p1", "topic.xml", href=False),
        files,
    )
    report = import_cartridge(data)
    course = course_by_id(report.course_id)
    lesson = body(course, "p")
    assert "![A picture](assets/img/pic.png)" in lesson
    assert "[guide](assets/docs/guide%20v2.pdf)" in lesson
    assert "a page" in lesson and "other.html" not in lesson and "nowhere" not in lesson
    assert "[out](https://example.org/)" in lesson
    assert any("Page: 2 links" in note for note in report.notes)
    prompt = text(course, TextScope.LESSON, "p", "en")
    assert prompt is not None and prompt.fields["discussion_prompt"] == "sheet"
    html_out = str(render_markdown(lesson, "/courses/x/assets/"))
    assert 'src="/courses/x/assets/img/pic.png"' in html_out


def test_filebase_in_quiz_text_points_at_web_resources() -> None:
    question = choice_item(
        "q1",
        "cc.multiple_choice.v0p1",
        {"a": "Yes", "b": "No"},
        right("a"),
        '&lt;img src="$IMS-CC-FILEBASE$/chart.png" alt="chart"&gt;',
    )
    data = pages_cartridge(
        item("m", "Module", children=item("quiz", "Quiz", "rq")),
        resource("rq", QUIZ, "quizzes/q.xml", href=False),
        {"quizzes/q.xml": qti(question), "web_resources/chart.png": PNG_BYTES},
    )
    course, _action = import_new(data)
    row = text(course, TextScope.QUIZ, "quiz", "en")
    assert row is not None
    assert row.fields["questions"]["q1"]["text"] == "![chart](assets/chart.png)"


def test_html_is_sanitised() -> None:
    html = (
        "<script>alert(1)</script><style>p{}</style><p onclick='x()'>Text"
        "<a href='javascript:alert(1)'>click</a><iframe src='https://evil.example'></iframe></p>"
    )
    data = pages_cartridge(
        item("m", "Module", children=item("p", "Page", "r1")),
        resource("r1", "webcontent", "a.html"),
        {"a.html": page("A", html)},
    )
    course, _action = import_new(data)
    assert body(course, "p") == "Textclick"


def test_question_types_academy_lacks_are_reported() -> None:
    essay = '<item ident="q-essay" title="Essay"><itemmetadata><qtimetadata><qtimetadatafield>'
    essay += "<fieldlabel>cc_profile</fieldlabel><fieldentry>cc.essay.v0p1</fieldentry>"
    essay += "</qtimetadatafield></qtimetadata></itemmetadata></item>"
    many = choice_item(
        "q-many", "cc.multiple_response.v0p1", {"1": "A", "2": "B", "3": "C"}, "", "Pick two"
    ).replace(
        "</resprocessing>",
        '<respcondition><conditionvar><and><varequal respident="r1">1</varequal>'
        '<not><varequal respident="r1">2</varequal></not><varequal respident="r1">3</varequal>'
        '</and></conditionvar><setvar action="Set">100</setvar></respcondition></resprocessing>',
    )
    data = pages_cartridge(
        item("m", "Module", children=item("quiz", "Quiz", "rq")),
        resource("rq", QUIZ, "q.xml", href=False),
        {"q.xml": qti(essay + many)},
    )
    report = import_cartridge(data)
    assert {e.what: e.reason for e in report.skipped} == {
        "Quiz, question Essay": "question type cc.essay.v0p1 is not supported"
    }
    course = course_by_id(report.course_id)
    [question] = questions(course).values()
    assert question.kind is QuestionKind.MULTIPLE
    assert question.choices == ["a", "b", "c"] and question.correct == ["a", "c"]


def test_a_quiz_with_no_usable_question_is_reported() -> None:
    essay = '<item ident="q" title="Essay"><presentation><response_str ident="r"/>'
    essay += "</presentation></item>"
    data = pages_cartridge(
        item("m", "Module", children=item("p", "Page", "r1") + item("quiz", "Quiz", "rq")),
        resource("r1", "webcontent", "a.html") + resource("rq", QUIZ, "q.xml", href=False),
        {"a.html": page("A", "<p>x</p>"), "q.xml": qti(essay)},
    )
    report = import_cartridge(data, dry_run=True)
    reasons = {e.what: e.reason for e in report.skipped}
    assert reasons["Quiz"] == "none of its questions is of a type Academy has"
    assert "only multiple-choice" in reasons["Quiz, question Essay"]


def test_a_discussion_first_in_its_module_is_a_lesson_of_its_own() -> None:
    data = pages_cartridge(
        item("m", "Module", children=item("t", "Forum", "rt")),
        resource("rt", "imsdt_xmlv1p1", "t.xml", href=False),
        {"t.xml": topic("Forum", "&lt;p&gt;Say &lt;em&gt;hello&lt;/em&gt;&lt;/p&gt;", "text/html")},
    )
    course, _action = import_new(data)
    row = text(course, TextScope.LESSON, "t", "en")
    assert row is not None and row.fields["discussion_prompt"] == "Say hello"
    assert row.fields["body"] == "Say *hello*"


def test_a_link_that_is_not_a_web_address_is_reported() -> None:
    data = pages_cartridge(
        item("m", "Module", children=item("p", "Page", "r1") + item("l", "Bad link", "rl")),
        resource("r1", "webcontent", "a.html")
        + resource("rl", "imswl_xmlv1p1", "l.xml", href=False),
        {"a.html": page("A", "<p>x</p>"), "l.xml": weblink("Bad", "javascript:alert(1)")},
    )
    report = import_cartridge(data, dry_run=True)
    assert {e.what for e in report.skipped} == {"Bad link"}


def test_syllabus_becomes_the_course_description_and_module_intros_are_kept() -> None:
    data = pages_cartridge(
        item("m", "Module", children=item("intro", "Module", "ri") + item("p", "Page", "r1")),
        resource("r1", "webcontent", "a.html")
        + resource("ri", "webcontent", "intro.html")
        + '<resource identifier="rs" type="webcontent" href="s.html" intendeduse="syllabus">'
        '<file href="s.html"/></resource>',
        {
            "a.html": page("A", "<p>x</p>"),
            "intro.html": page("Module", "<p>Welcome to the module.</p>"),
            "s.html": page("Syllabus", "<h2>About</h2><p>All of it.</p>"),
        },
    )
    course, _action = import_new(data)
    assert body(course, "", TextScope.COURSE) == "## About\n\nAll of it."
    assert body(course, "m", TextScope.MODULE) == "Welcome to the module."
    assert list(items(course)) == ["p"]


def test_reimporting_a_changed_cartridge_upgrades_in_place() -> None:
    files = simple_cartridge()
    first = import_cartridge(cartridge(files))
    lesson_id = items(course_by_id(first.course_id))["intro-page"].id
    files["pages/intro.html"] = page("Intro", "<p>Hello again.</p>")
    second = import_cartridge(cartridge(files))
    assert second.course_id == first.course_id and second.action is Action.UPGRADE
    assert (first.version, second.version) == ("1.0.0", "1.0.1")
    course = course_by_id(second.course_id)
    assert items(course)["intro-page"].id == lesson_id
    assert body(course, "intro-page") == "Hello again."
    assert items(course)["intro-page"].type is ItemType.LESSON
