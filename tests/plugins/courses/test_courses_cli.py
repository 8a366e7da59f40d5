"""``academy courses list``."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskCliRunner

from academy.core.db import utcnow
from academy.extensions import db
from tests.plugins.courses.factories import make_course


def test_list_as_json(app: Flask, runner: FlaskCliRunner) -> None:
    make_course("peer", extra_lessons=2)
    make_course("draft", published=False).archived_at = utcnow()
    db.session.commit()
    result = runner.invoke(args=["courses", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert [record["slug"] for record in records] == ["draft", "peer"]
    assert records[1] == {
        "slug": "peer",
        "version": "1.2.0",
        "title": "Peer exchanges",
        "languages": ["en", "fr"],
        "lesson_count": 5,
        "publisher": "Network Academy",
        "origin": "imported",
    }


def test_list_as_text(app: Flask, runner: FlaskCliRunner) -> None:
    make_course("peer")
    result = runner.invoke(args=["courses", "list"])
    assert result.exit_code == 0
    assert "peer  1.2.0  [en,fr]  3 lessons  Peer exchanges" in result.output


def test_list_with_no_courses_is_an_empty_list(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["courses", "list", "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.output) == []


def test_unknown_format_is_refused(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["courses", "list", "--format", "xml"])
    assert result.exit_code != 0
    assert "xml" in result.output
