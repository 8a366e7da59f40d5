"""The three Canvas cartridges in ../shared/samples import, with a report of what was skipped.

They are read from ../shared at run time (and the tests skip without it);
nothing of them is copied into the project.
"""

from __future__ import annotations

import pytest

from academy.plugins.courses.models import CourseOrigin, QuestionKind, TextScope
from academy.plugins.courses.rendering import render_markdown
from academy.plugins.packages.imscc.service import import_cartridge
from tests.plugins.packages.helpers import items, questions, text
from tests.plugins.packages.imscc.cartridges import import_new, sample

SAMPLES = ["canvas13_single-page.imscc", "canvas13_course-1.imscc", "canvas11_latex.imscc"]


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_imports_with_a_report(name: str) -> None:
    data = sample(name)
    dry = import_cartridge(data, dry_run=True)
    assert not dry.applied and dry.skipped, "every Canvas export has something Academy skips"
    course, _action = import_new(data)
    assert course.origin is CourseOrigin.LOCAL and course.publisher_id == ""
    assert items(course)


def test_single_page_imports_the_page_no_item_refers_to() -> None:
    report = import_cartridge(sample("canvas13_single-page.imscc"))
    assert report.title == "The Life of Paul" and report.cc_version == "1.3"
    assert [ref.title for ref in report.changes.items_new] == ["Our Purpose"]
    assert [entry.reason for entry in report.skipped] == [
        "platform-specific content (settings or extra data) Academy does not use"
    ]


def test_course_1_maps_each_kind_and_lists_the_rest() -> None:
    report = import_cartridge(sample("canvas13_course-1.imscc"))
    kinds = {ref.title: ref.kind for ref in report.changes.items_new}
    assert kinds["First Module Quiz 1"] == "quiz"
    assert kinds["First Module Assignment 1"] == "assignment"
    assert kinds["First Module External URL 1"] == "lesson"
    assert kinds["photo.jpg"] == "lesson" and kinds["Sample Document"] == "lesson"
    reasons = {entry.what: entry.reason for entry in report.skipped}
    assert "does not have" in reasons["First Module AnalyTics Beta External Tool"]
    assert reasons["First Module Text Header 1"] == "a heading without content"
    assert "web_resources/sample.mp3 is missing" in reasons["i1f4fc3f7049fa09157a195fc3538f184"]
    assert "already has this identifier" in reasons["publisheddocument"]
    assert any(
        "discussion prompt of the lesson First Module Wiki Page 1" in n for n in report.notes
    )


def test_course_1_content_lands_where_learners_see_it() -> None:
    course, _action = import_new(sample("canvas13_course-1.imscc"))
    rows = items(course)
    quiz = rows["i115b5cd9f1266b1f2919150dd0638e2c"]
    [question] = [q for key, q in questions(course).items() if key.startswith(quiz.key)]
    assert question.kind is QuestionKind.SINGLE and question.choices == ["a", "b", "c", "d"]
    assert question.correct == ["d"]
    wiki = text(course, TextScope.LESSON, "ic3d0c9660163ce6258425cf0a961b7ca", "en")
    assert wiki is not None and wiki.fields["discussion_prompt"] == (
        "This is RCE content for a Discussion"
    )
    link = text(course, TextScope.LESSON, "id5b96ad031a656e6ee45724fb718ebb5", "en")
    assert link is not None and "](http://google.com)" in link.fields["body"]
    photo = rows["ib9e9d751c5934866aeee701374169741"]
    assert photo.assets == ["photo.jpg"]
    page = text(course, TextScope.ASSIGNMENT, "ib9e9d751c5934866aeee701374164321", "en")
    assert page is not None
    body = str(render_markdown(page.fields["body"], "/files/"))
    assert "CANVAS_OBJECT_REFERENCE" not in body and "http://google.com" in body


def test_latex_keeps_its_backslashes() -> None:
    course, _action = import_new(sample("canvas11_latex.imscc"))
    page = text(course, TextScope.LESSON, "gee9afc2ef7df780222cad39a74feeadb", "en")
    assert page is not None
    html = str(render_markdown(page.fields["body"]))
    assert r"\(f(10 - 1)\)" in html
    assert r"\frac{\ \ \ \ \ \ \ -\ \ \ \ \ \ \ \ }{\ }\)" in html
    other = text(course, TextScope.LESSON, "gee9afc2ef7df780222cad39a74feeada", "en")
    assert other is not None
    assert r"$$x = {-b \pm \sqrt{b^2-4ac} \over 2a}.$$" in str(
        render_markdown(other.fields["body"])
    )
