"""Certificate pages: public verification, my certificates, the PDF, managers' pages; rights,
rate limits and query counts."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from academy.extensions import db
from academy.plugins.certificates.models import Certificate
from tests.conftest import login
from tests.core.admin.admin_support import count_queries, events, redirects_to_login
from tests.factories import make_user
from tests.plugins.certificates.factories import (
    complete,
    enrol,
    issue,
    make_cohort,
    make_manager,
    make_moderator,
)


def test_anyone_verifies_a_certificate_and_sees_every_claim(client: FlaskClient) -> None:
    holder = make_user("ana@example.org", name="Ana Conceição Núñez")
    certificate = issue(holder)
    page = client.get(f"/verify/{certificate.code}")
    assert page.status_code == 200
    for claim in (
        "This certificate is valid.",
        "Ana Conceição Núñez",
        "Peer exchanges",
        "1.2.0",
        "Spring cohort",
        "0.75 hours",
        certificate.code,
        "/certificates/status/revocation",
        f"/certificates/{certificate.code}/credential.jwt",
        f"/certificates/{certificate.code}/credential.json",
    ):
        assert claim in page.text, claim
    assert "ana@example.org" not in page.text


def test_the_json_has_every_claim_and_the_status_but_no_private_data(client: FlaskClient) -> None:
    holder = make_user("ana@example.org", name="Ana Lima")
    certificate = issue(holder)
    response = client.get(f"/verify/{certificate.code}.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    record = response.get_json()
    assert record["status"] == "valid" and record["revoked_at"] is None
    assert record["holder_name"] == "Ana Lima" and record["code"] == certificate.code
    assert record["course"] == {
        "title": "Peer exchanges",
        "slug": certificate.course_slug,
        "version": "1.2.0",
    }
    assert record["cohort"]["name"] == "Spring cohort"
    assert record["hours"] == 0.75 and record["issuer"]["name"]
    text = response.get_data(as_text=True)
    assert "ana@example.org" not in text and '"user_id"' not in text
    assert '"enrolment_id"' not in text and "issue_reason" not in text


def test_codes_typed_loosely_lead_to_the_certificate(client: FlaskClient) -> None:
    certificate = issue()
    db.session.commit()  # keep it when a refused look-up (4xx) rolls back
    typed = " " + certificate.code.lower().replace("-", " ") + " "
    found = client.get("/verify", query_string={"code": typed})
    assert found.status_code == 302 and found.location.endswith(f"/verify/{certificate.code}")
    moved = client.get(f"/verify/{certificate.code.lower().replace('-', '')}")
    assert moved.status_code == 301 and moved.location.endswith(f"/verify/{certificate.code}")
    form = client.get("/verify")
    assert form.status_code == 200 and "Certificate code" in form.text
    bad = client.get("/verify", query_string={"code": "ABCD-EFGH"})
    assert bad.status_code == 422 and "not a valid certificate code" in bad.text
    typo = certificate.code[:-1] + ("0" if certificate.code[-1] != "0" else "1")
    assert client.get("/verify", query_string={"code": typo}).status_code == 422


def test_an_unknown_code_is_not_found(client: FlaskClient) -> None:
    from academy.plugins.certificates.codes import new_code

    code = new_code()
    page = client.get(f"/verify/{code}")
    assert page.status_code == 404 and "No certificate" in page.text and code in page.text
    data = client.get(f"/verify/{code}.json")
    assert data.status_code == 404 and data.mimetype == "application/problem+json"
    assert client.get(f"/certificates/{code}/credential.json").status_code == 404
    assert client.get(f"/verify/{code}.json.json").status_code == 404


def test_verification_is_rate_limited(app: Flask, client: FlaskClient, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "CERTIFICATES_RATELIMIT_VERIFY", "3 per minute")
    certificate = issue()
    db.session.commit()
    paths = [f"/verify/{certificate.code}", f"/verify/{certificate.code}.json", "/verify"]
    assert [client.get(path).status_code for path in paths] == [200, 200, 200]
    limited = client.get(f"/verify/{certificate.code}")
    assert limited.status_code == 429
    api = client.get(f"/api/v1/certificates/{certificate.code}")
    assert api.status_code == 429 and api.mimetype == "application/problem+json"


def test_only_the_holder_and_managers_get_the_pdf(client: FlaskClient) -> None:
    moderator = make_moderator()
    certificate = issue(cohort=make_cohort(moderators=[moderator]))
    holder = db.session.get(Certificate, certificate.id)
    db.session.commit()
    path = f"/certificates/{certificate.code}.pdf"
    assert redirects_to_login(client.get(path))
    for user in (make_user(), moderator):
        db.session.commit()
        login(client, user)
        assert client.get(path).status_code == 403
    from academy.core.accounts.models import User

    for user in (db.session.get(User, holder.user_id), make_manager()):
        db.session.commit()
        login(client, user)
        with client.get(path) as response:
            assert response.status_code == 200 and response.mimetype == "application/pdf"
            assert response.get_data().startswith(b"%PDF-")
            assert "private" in response.headers["Cache-Control"]


def test_my_certificates_and_my_learning_show_the_download(client: FlaskClient) -> None:
    enrolment = enrol()
    complete(enrolment)
    certificate = db.session.scalar(sa.select(Certificate))
    login(client, enrolment.user)
    mine = client.get("/certificates/")
    assert mine.status_code == 200 and certificate.code in mine.text
    assert f"/certificates/{certificate.code}.pdf" in mine.text
    learning = client.get("/learn/")
    assert "Download your certificate" in learning.text
    assert f"/certificates/{certificate.code}.pdf" in learning.text


def test_managers_search_revoke_and_issue_by_hand(client: FlaskClient) -> None:
    manager = make_manager()
    first = issue(name="Zoé Martins")
    issue(name="Bruno Costa")
    waiting = enrol()
    db.session.commit()
    login(client, manager)
    listing = client.get("/certificates/manage", query_string={"q": "zoé"})
    assert listing.status_code == 200 and "Zoé Martins" in listing.text
    assert "Bruno Costa" not in listing.text
    refused = client.post(f"/certificates/manage/{first.code}/revoke", data={"reason": ""})
    assert refused.status_code == 422 and first.revoked_at is None
    done = client.post(f"/certificates/manage/{first.code}/revoke", data={"reason": "Fraud"})
    assert done.status_code == 302
    db.session.refresh(first)
    assert first.status == "revoked" and first.revocation_reason == "Fraud"
    assert events("certificate.revoked")[0].actor_id == manager.id
    revoked = client.get("/certificates/manage", query_string={"status": "revoked"})
    assert "Zoé Martins" in revoked.text and "Bruno Costa" not in revoked.text
    form = client.get("/certificates/manage/issue", query_string={"enrolment_id": waiting.id})
    assert form.status_code == 200 and waiting.user.name in form.text
    issued = client.post(
        "/certificates/manage/issue",
        data={"enrolment_id": waiting.id, "reason": "Completed on paper"},
    )
    assert issued.status_code == 302
    made = db.session.scalar(sa.select(Certificate).where(Certificate.enrolment_id == waiting.id))
    assert made.issue_reason == "Completed on paper" and made.issued_by_id == manager.id
    again = client.post(
        "/certificates/manage/issue", data={"enrolment_id": waiting.id, "reason": "Again"}
    )
    assert again.status_code == 409 and "already has a certificate" in again.text
    unknown = client.post(
        "/certificates/manage/issue", data={"enrolment_id": 999999, "reason": "x"}
    )
    assert unknown.status_code == 422 and "no enrolment with this number" in unknown.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/certificates/manage"),
        ("get", "/certificates/manage/issue"),
        ("get", "/certificates/manage/{code}"),
        ("post", "/certificates/manage/{code}/revoke"),
        ("post", "/certificates/manage/issue"),
    ],
)
def test_only_managers_revoke_and_issue(client: FlaskClient, method: str, path: str) -> None:
    certificate = issue()
    moderator = make_moderator()
    db.session.commit()
    url = path.format(code=certificate.code)
    data: dict[str, Any] = {"reason": "no", "enrolment_id": certificate.enrolment_id}
    assert redirects_to_login(getattr(client, method)(url, data=data))
    for user in (make_user(), moderator):
        db.session.commit()
        login(client, user)
        assert getattr(client, method)(url, data=data).status_code == 403
    db.session.refresh(certificate)
    assert certificate.revoked_at is None


def selects(statements: list[str]) -> int:
    """The statements that read (savepoints and the session's user load aside)."""
    return sum(1 for statement in statements if statement.lstrip().upper().startswith("SELECT"))


def test_query_counts_stay_bounded(client: FlaskClient) -> None:
    user = make_user()
    certificates = [issue(user) for _ in range(2)]
    code = certificates[0].code
    db.session.commit()
    with count_queries() as verify:
        assert client.get(f"/verify/{code}").status_code == 200
    assert selects(verify) == 1
    with count_queries() as verify_json:
        assert client.get(f"/verify/{code}.json").status_code == 200
    assert selects(verify_json) == 1
    login(client, user)
    with count_queries() as few:
        assert client.get("/certificates/").status_code == 200
    with count_queries() as learning_few:
        assert client.get("/learn/").status_code == 200
    certificates += [issue(user) for _ in range(4)]
    codes = [c.code for c in certificates]
    db.session.commit()
    with count_queries() as many:
        page = client.get("/certificates/")
    assert all(code in page.text for code in codes)
    assert selects(many) == selects(few) <= 3
    with count_queries() as learning_many:
        page = client.get("/learn/")
    assert page.text.count("Download your certificate") == len(codes)
    assert selects(learning_many) == selects(learning_few)


def test_public_documents(client: FlaskClient) -> None:
    issue()
    issuer = client.get("/issuer")
    assert issuer.status_code == 200 and issuer.mimetype == "application/ld+json"
    profile = issuer.get_json(force=True)
    assert profile["id"].endswith("/issuer") and profile["verificationMethod"]
    jwks = client.get("/.well-known/jwks.json").get_json()
    assert [k["kty"] for k in jwks["keys"]] == ["OKP"] * len(jwks["keys"])
    status = client.get("/certificates/status/revocation").get_json(force=True)
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
