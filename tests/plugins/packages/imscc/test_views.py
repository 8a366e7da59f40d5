"""Managers upload a cartridge, read the report of what is skipped, confirm; and export."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from academy.core.accounts.models import Role, User
from academy.core.audit.models import AuditEvent
from academy.extensions import db
from academy.plugins.courses.models import Course, CourseOrigin
from academy.plugins.packages.models import PackageImport
from academy.plugins.packages.signing import Signer
from tests.conftest import login
from tests.factories import make_user
from tests.plugins.packages.helpers import install, the_course
from tests.plugins.packages.imscc.cartridges import (
    cartridge,
    item,
    manifest,
    resource,
    simple_cartridge,
    unzip,
)
from tests.plugins.packages.imscc.test_hostile import EXTERNAL

Counts = Callable[[], dict[str, int]]


def manager() -> User:
    user = make_user(roles=(Role.MANAGER,))
    db.session.commit()
    return user


def upload(client: FlaskClient, data: bytes, name: str) -> TestResponse:
    return client.post(
        "/packages/upload",
        data={"package": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def text_of(response: TestResponse) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def with_lti() -> bytes:
    files = simple_cartridge()
    files["imsmanifest.xml"] = manifest(
        item(
            "week",
            "Week",
            children=item("page", "Introduction", "r-page") + item("tool", "Tool", "r-lti"),
        ),
        resource("r-page", "webcontent", "pages/intro.html")
        + resource("r-lti", "imsbasiclti_xmlv1p0", "lti.xml", href=False),
    )
    files["lti.xml"] = b"<cartridge_basiclti_link/>"
    return cartridge(files)


def test_upload_review_confirm_a_cartridge(client: FlaskClient) -> None:
    user = manager()
    login(client, user)
    response = upload(client, with_lti(), "from-canvas.imscc")
    assert response.status_code == 302
    review = response.headers["Location"]
    page = text_of(client.get(review))
    assert "IMS Common Cartridge 1.1" in page and "Not imported" in page
    assert "an external tool (LTI) link" in page and "Introduction" in page
    response = client.post(review, data={})
    assert response.status_code == 302
    course = db.session.scalar(sa.select(Course).where(Course.slug == "handmade-course"))
    assert course is not None and course.origin is CourseOrigin.LOCAL
    assert response.headers["Location"].endswith(f"/packages/courses/{course.id}")
    row = db.session.scalar(sa.select(PackageImport).where(PackageImport.course_id == course.id))
    assert row is not None and row.format == "imscc" and row.by_id == user.id
    assert row.report["skipped"][0]["what"] == "Tool"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.actor_id == user.id))
    assert event is not None and event.action == "package.imported"
    history = text_of(client.get(f"/packages/courses/{course.id}"))
    assert "Common Cartridge" in history


def test_a_hostile_cartridge_is_refused_on_upload(client: FlaskClient, counts: Counts) -> None:
    login(client, manager())
    before = counts()
    data = cartridge({**simple_cartridge(), "imsmanifest.xml": EXTERNAL})
    response = upload(client, data, "evil.imscc")
    assert response.status_code == 422
    assert "declares a document type or entities" in text_of(response)
    assert counts() == before


def test_manager_downloads_a_cartridge(app: Flask, client: FlaskClient, signer: Signer) -> None:
    install(signer)
    course = the_course()
    db.session.commit()
    login(client, manager())
    page = text_of(client.get(f"/packages/courses/{course.id}"))
    assert "Common Cartridge 1.1" in page and "cartridge-1.3.imscc" in page
    response = client.get(f"/packages/courses/{course.id}/cartridge-1.1.imscc")
    assert response.status_code == 200
    assert 'filename="sample-course-cc11.imscc"' in response.headers["Content-Disposition"]
    assert b"1.1.0" in unzip(response.data)["imsmanifest.xml"]
    assert client.get(f"/packages/courses/{course.id}/cartridge-2.0.imscc").status_code == 404


def test_learners_cannot_export(client: FlaskClient, signer: Signer) -> None:
    install(signer)
    course = the_course()
    login(client, make_user())
    assert client.get(f"/packages/courses/{course.id}/cartridge-1.1.imscc").status_code == 403
