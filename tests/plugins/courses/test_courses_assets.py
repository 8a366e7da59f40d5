"""Lesson assets: served from storage with safe headers, cached by their sha256."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from academy.core.storage import storage
from academy.extensions import db
from academy.plugins.courses.models import Course, CourseText
from tests.plugins.courses.factories import make_asset, make_course

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def course(app: Flask) -> Course:
    course = make_course("peer")
    db.session.commit()  # keep it past requests that fail and roll back
    return course


def test_image_is_served_inline_with_cache_headers(client: FlaskClient, course: Course) -> None:
    asset = make_asset(course, "img/diagram.png", PNG, "image/png")
    response = client.get("/courses/peer/assets/img/diagram.png")
    assert response.status_code == 200
    assert response.data == PNG
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["ETag"] == f'"{asset.sha256}"'
    assert "max-age=" in response.headers["Cache-Control"]
    assert "public" in response.headers["Cache-Control"]
    response.close()


def test_unchanged_asset_answers_304(client: FlaskClient, course: Course) -> None:
    asset = make_asset(course, "img/diagram.png", PNG, "image/png")
    response = client.get(
        "/courses/peer/assets/img/diagram.png", headers={"If-None-Match": f'"{asset.sha256}"'}
    )
    assert response.status_code == 304
    assert response.data == b""
    response.close()


@pytest.mark.parametrize(
    ("path", "media_type", "inline"),
    [
        ("handout.pdf", "application/pdf", True),
        ("photo.jpg", "image/jpeg", True),
        ("drawing.svg", "image/svg+xml", False),
        ("page.html", "text/html", False),
        ("data.csv", "text/csv", False),
    ],
)
def test_only_images_and_pdf_open_inline(
    client: FlaskClient, course: Course, path: str, media_type: str, inline: bool
) -> None:
    make_asset(course, path, b"content of " + path.encode(), media_type)
    response = client.get(f"/courses/peer/assets/{path}")
    assert response.status_code == 200
    assert response.mimetype == media_type
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline" if inline else "attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_unknown_paths_are_not_found(client: FlaskClient, course: Course) -> None:
    make_asset(course, "img/diagram.png", PNG, "image/png")
    db.session.commit()
    assert client.get("/courses/peer/assets/img/other.png").status_code == 404
    assert client.get("/courses/peer/assets/../../secret_key").status_code == 404
    assert client.get("/courses/peer/assets/img/../img/diagram.png").status_code in {404, 308}
    assert client.get("/courses/nope/assets/img/diagram.png").status_code == 404


def test_another_courses_asset_is_not_served(client: FlaskClient, course: Course) -> None:
    other = make_course("other")
    make_asset(other, "img/diagram.png", PNG, "image/png")
    assert client.get("/courses/peer/assets/img/diagram.png").status_code == 404


def test_missing_bytes_are_not_found(client: FlaskClient, course: Course) -> None:
    asset = make_asset(course, "img/gone.png", b"gone", "image/png")
    storage().delete(f"courses/{course.uuid}/assets/{asset.sha256}")
    assert client.get("/courses/peer/assets/img/gone.png").status_code == 404


def test_assets_of_unpublished_courses_are_hidden(client: FlaskClient) -> None:
    draft = make_course("draft", published=False)
    make_asset(draft, "img/diagram.png", PNG, "image/png")
    assert client.get("/courses/draft/assets/img/diagram.png").status_code == 404


def test_lesson_markdown_points_at_the_asset_route(client: FlaskClient, course: Course) -> None:
    query = sa.select(CourseText).filter_by(course_id=course.id, key="third", language="en")
    row = db.session.scalars(query).one()
    row.fields = {**row.fields, "body": "![Diagram](assets/img/diagram.png)"}
    db.session.flush()
    page = client.get("/courses/peer/lessons/third").get_data(as_text=True)
    assert '<img src="/courses/peer/assets/img/diagram.png" alt="Diagram">' in page
