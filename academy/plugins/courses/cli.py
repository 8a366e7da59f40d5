"""``academy courses``: list the courses of this instance."""

from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import with_appcontext

from academy.plugins.courses.queries import CatalogueEntry, all_courses, describe_courses

courses_group = click.Group("courses", help="Courses on this instance.")


def course_record(entry: CatalogueEntry) -> dict[str, Any]:
    """What ``courses list --format json`` prints for one course."""
    course = entry.course
    return {
        "slug": course.slug,
        "version": course.version,
        "title": entry.title,
        "languages": sorted(entry.languages),
        "lesson_count": entry.lesson_count,
        "publisher": course.publisher_name,
        "origin": course.origin.value,
    }


def _text_line(record: dict[str, Any]) -> str:
    languages = ",".join(record["languages"])
    return (
        f"{record['slug']}  {record['version']}  [{languages}]  "
        f"{record['lesson_count']} lessons  {record['title']}"
    )


@courses_group.command("list")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print the list.",
)
@with_appcontext
def list_courses(output: str) -> None:
    """List every course (published or not) with its version, languages and lessons."""
    courses = all_courses()
    entries = describe_courses(courses, "")
    records = [course_record(entry) for entry in sorted(entries, key=lambda e: e.course.slug)]
    if output == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    for record in records:
        click.echo(_text_line(record))
