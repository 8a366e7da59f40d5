"""Manager pages: upload, review the dry run, confirm or cancel; history; publishers."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from academy.core.accounts.models import Role, User
from academy.core.audit.models import AuditEvent
from academy.extensions import db
from academy.plugins.packages.models import PackageImport, Publisher
from academy.plugins.packages.publishers import trust_publisher
from academy.plugins.packages.signing import Signer
from tests.conftest import login
from tests.factories import make_user
from tests.plugins.packages.builders import sample_files, signed_zip
from tests.plugins.packages.conftest import count_queries
from tests.plugins.packages.helpers import install, the_course

Counts = Callable[[], dict[str, int]]
PAGES = ["/packages/", "/packages/publishers", "/packages/publishers/self.json"]


def manager() -> User:
    user = make_user(roles=(Role.MANAGER,))
    db.session.commit()  # keep the set-up when a 4xx response rolls back
    return user


def upload(client: FlaskClient, data: bytes, name: str = "course.zip") -> TestResponse:
    return client.post(
        "/packages/upload",
        data={"package": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def uploads(app: Flask) -> list[Path]:
    folder = Path(app.instance_path) / "files" / "packages" / "uploads"
    return sorted(folder.glob("*.zip")) if folder.exists() else []


def text_of(response: TestResponse) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_sign_in(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("path", PAGES)
def test_learner_is_refused(client: FlaskClient, path: str) -> None:
    login(client, make_user())
    assert client.get(path).status_code == 403


def test_learner_cannot_post(client: FlaskClient, signer: Signer) -> None:
    login(client, make_user(roles=(Role.MODERATOR,)))
    db.session.commit()
    assert upload(client, signed_zip(sample_files(), signer)).status_code == 403
    assert client.post("/packages/publishers/trust").status_code == 403


def test_upload_review_confirm(app: Flask, client: FlaskClient, signer: Signer) -> None:
    user = manager()
    login(client, user)
    assert client.get("/packages/").status_code == 200
    response = upload(client, signed_zip(sample_files(), signer))
    assert response.status_code == 302
    review_url = response.headers["Location"]
    [stored] = uploads(app)
    page = text_of(client.get(review_url))
    assert "Review the import" in page and "Lesson welcome" in page and "this academy" in page
    response = client.post(review_url, data={})
    assert response.status_code == 302
    course = the_course()
    assert response.headers["Location"].endswith(f"/packages/courses/{course.id}")
    assert not stored.exists()
    history = db.session.scalars(sa.select(PackageImport)).all()
    assert [h.by_id for h in history] == [user.id]
    page = text_of(client.get(f"/packages/courses/{course.id}"))
    assert "Import history" in page and "1.0.0" in page and signer.publisher.id in page
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.actor_id == user.id))
    assert event is not None and event.action == "package.imported"


def test_unknown_publisher_needs_the_trust_box(
    app: Flask, client: FlaskClient, partner: Signer, counts: Counts
) -> None:
    login(client, manager())
    review_url = upload(client, signed_zip(sample_files(), partner)).headers["Location"]
    page = text_of(client.get(review_url))
    assert "not trusted yet" in page and 'name="trust"' in page
    before = counts()
    response = client.post(review_url, data={})
    assert response.status_code == 422 and "is not trusted here" in text_of(response)
    assert counts() == before and uploads(app)
    assert client.post(review_url, data={"trust": "y"}).status_code == 302
    row = db.session.scalar(sa.select(Publisher).where(Publisher.publisher_id == "partner-academy"))
    assert row is not None and not uploads(app)


def test_older_version_needs_the_force_box(client: FlaskClient, signer: Signer) -> None:
    install(signer, sample_files("1.1.0"))
    db.session.commit()
    login(client, manager())
    review_url = upload(client, signed_zip(sample_files("1.0.0"), signer)).headers["Location"]
    assert 'name="force"' in text_of(client.get(review_url))
    assert client.post(review_url, data={}).status_code == 422
    assert client.post(review_url, data={"force": "y"}).status_code == 302
    assert the_course().version == "1.0.0"


def test_bad_upload_is_refused_with_a_message(
    app: Flask, client: FlaskClient, signer: Signer, counts: Counts
) -> None:
    login(client, manager())
    before = counts()
    data = bytearray(signed_zip(sample_files(), signer))
    data[200] ^= 0xFF
    response = upload(client, bytes(data))
    assert response.status_code == 422 and "The package was refused" in text_of(response)
    response = client.post("/packages/upload", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a package file." in text_of(response)
    assert counts() == before and not uploads(app)


def test_cancel_deletes_the_upload(app: Flask, client: FlaskClient, signer: Signer) -> None:
    login(client, manager())
    review_url = upload(client, signed_zip(sample_files(), signer)).headers["Location"]
    response = client.post(f"{review_url}/cancel")
    assert response.status_code == 302 and not uploads(app)
    assert client.get(review_url).status_code == 404
    assert client.get("/packages/review/not-a-token").status_code == 404


def test_trust_and_revoke_publishers(client: FlaskClient, signer: Signer, partner: Signer) -> None:
    user = manager()
    login(client, user)
    key = json.dumps(partner.publisher.to_dict()).encode()
    response = client.post(
        "/packages/publishers/trust",
        data={"key_file": (io.BytesIO(key), "key.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    row = db.session.scalar(sa.select(Publisher).where(Publisher.publisher_id == "partner-academy"))
    assert row is not None and row.trusted_by_id == user.id
    page = text_of(client.get("/packages/publishers"))
    assert "Partner academy" in page and "this academy" in page
    assert client.post(f"/packages/publishers/{row.id}/revoke").status_code == 302
    assert row.revoked_at is not None
    own = db.session.scalar(sa.select(Publisher).where(Publisher.is_self))
    assert own is not None
    response = client.post(f"/packages/publishers/{own.id}/revoke")
    assert response.status_code == 422 and "cannot be revoked" in text_of(response)
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.actor_id == user.id)
    ).all()
    assert sorted(actions) == ["publisher.revoked", "publisher.trusted"]


def test_bad_key_file_is_refused(client: FlaskClient, signer: Signer) -> None:
    login(client, manager())
    response = client.post(
        "/packages/publishers/trust",
        data={"key_file": (io.BytesIO(b"{}"), "key.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "exactly id, name and public_key" in text_of(response)


def test_own_key_download(client: FlaskClient, signer: Signer) -> None:
    login(client, manager())
    response = client.get("/packages/publishers/self.json")
    assert response.status_code == 200 and response.json == signer.publisher.to_dict()


def test_index_runs_a_bounded_number_of_queries(client: FlaskClient, partner: Signer) -> None:
    trust_publisher(partner.publisher, by=None)
    login(client, manager())
    sizes = []
    for n in range(6):
        uuid = f"0b7c0e9e-3c1e-4d8a-9a57-3a3f0c4d2f{n:02d}"
        install(partner, sample_files(slug=f"course-{n}", uuid=uuid))
        db.session.commit()
        if n in (0, 5):
            with count_queries() as queries:
                assert client.get("/packages/").status_code == 200
            sizes.append(len(queries))
    assert sizes[0] == sizes[1] and sizes[1] <= 8
