"""``academy certificates`` (list, revoke, issue), ``academy demo``, and the certificates API."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from academy.core.api.tokens import create_token
from academy.extensions import db
from academy.plugins.certificates.models import Certificate
from academy.plugins.cohorts.models import EnrolmentStatus
from tests.core.admin.admin_support import events
from tests.factories import make_user
from tests.plugins.certificates.factories import enrol, issue, make_manager


def run(runner: FlaskCliRunner, *args: str) -> Any:
    return runner.invoke(args=["certificates", *args])


def test_list_prints_json_and_text(runner: FlaskCliRunner) -> None:
    first = issue(name="Ana Lima")
    second = issue(name="Bruno Costa")
    second.revoked_at, second.revocation_reason = second.issued_at, "Mistake"
    db.session.commit()
    result = run(runner, "list", "--format", "json")
    assert result.exit_code == 0, result.output
    records = {record["code"]: record for record in json.loads(result.output)}
    assert {"code", "status", "holder", "course", "issued_at"} <= set(records[first.code])
    assert records[first.code]["status"] == "valid" and records[first.code]["holder"] == "Ana Lima"
    assert records[first.code]["course"] == "Peer exchanges"
    assert records[second.code]["status"] == "revoked"
    assert records[first.code]["issued_at"].startswith(first.issued_at.date().isoformat())
    text = run(runner, "list")
    assert text.exit_code == 0 and f"{first.code}  valid" in text.output
    only = json.loads(run(runner, "list", "--format", "json", "--status", "revoked").output)
    assert [record["code"] for record in only] == [second.code]


def test_revoke_with_a_reason(runner: FlaskCliRunner) -> None:
    certificate = issue(name="Ana Lima")
    db.session.commit()
    loosely = certificate.code.lower().replace("-", "")
    result = run(runner, "revoke", loosely, "--reason", "Issued in error")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Revoked certificate {certificate.code} of Ana Lima"
    db.session.refresh(certificate)
    assert certificate.revocation_reason == "Issued in error"
    assert events("certificate.revoked")[0].actor_id is None
    again = run(runner, "revoke", certificate.code, "--reason", "Twice")
    assert again.exit_code == 2 and "already revoked" in again.output
    db.session.refresh(certificate)
    assert certificate.revocation_reason == "Issued in error"


def test_revoke_refuses_bad_input_and_changes_nothing(runner: FlaskCliRunner) -> None:
    from academy.plugins.certificates.codes import new_code

    certificate = issue()
    db.session.commit()
    unknown = new_code()
    for args, message in (
        ((unknown, "--reason", "x"), f"no certificate with the code {unknown}"),
        (("NOT-A-CODE", "--reason", "x"), "is not a certificate code"),
        ((certificate.code, "--reason", "   "), "Please give a reason."),
        ((certificate.code,), "Missing option '--reason'"),
    ):
        result = run(runner, "revoke", *args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output
        if result.exception is not None and hasattr(result.exception, "format_message"):
            assert len(result.exception.format_message().splitlines()) == 1
    db.session.refresh(certificate)
    assert certificate.revoked_at is None and events("certificate.revoked") == []


def test_issue_by_hand_from_the_command_line(runner: FlaskCliRunner) -> None:
    enrolment = enrol(make_user(name="Ana Lima"))
    withdrawn = enrol(status=EnrolmentStatus.WITHDRAWN)
    db.session.commit()
    result = run(runner, "issue", str(enrolment.id), "--reason", "Completed on paper")
    assert result.exit_code == 0, result.output
    assert "Issued certificate" in result.output and "Ana Lima" in result.output
    again = run(runner, "issue", str(enrolment.id), "--reason", "Again")
    assert again.exit_code == 2 and "already has a certificate" in again.output
    assert run(runner, "issue", "999999", "--reason", "x").exit_code == 2
    refused = run(runner, "issue", str(withdrawn.id), "--reason", "x")
    assert refused.exit_code == 2 and "holds a place" in refused.output
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Certificate))
    assert count == 1


def test_demo_leaves_an_issued_certificate_and_runs_twice(make_app: Any) -> None:
    fresh: Flask = make_app(migrate=False)
    with fresh.app_context():
        first = fresh.test_cli_runner().invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Demo certificate" in first.output and "/verify/" in first.output
    with fresh.app_context():
        second = fresh.test_cli_runner().invoke(args=["demo"])
        assert second.exit_code == 0, second.output
        listed = json.loads(
            fresh.test_cli_runner().invoke(args=["certificates", "list", "--format", "json"]).output
        )
    assert len(listed) == 1 and listed[0]["status"] == "valid"
    assert listed[0]["holder"] == "Lena Learner"
    assert listed[0]["code"] in first.output and listed[0]["code"] in second.output


# -- API ----------------------------------------------------------------------------------


def bearer(user: Any) -> dict[str, str]:
    _token, secret = create_token(user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def test_api_my_certificates_and_public_verification(client: FlaskClient) -> None:
    certificate = issue(name="Ana Lima")
    holder = db.session.get(Certificate, certificate.id)
    from academy.core.accounts.models import User

    user = db.session.get(User, holder.user_id)
    mine = client.get("/api/v1/me/certificates", headers=bearer(user))
    assert mine.status_code == 200
    (item,) = mine.get_json()["items"]
    assert item["code"] == certificate.code and item["pdf_url"].endswith(".pdf")
    public = client.get(f"/api/v1/certificates/{certificate.code}")
    assert public.status_code == 200
    record = public.get_json()
    assert record["status"] == "valid" and record["holder_name"] == "Ana Lima"
    assert record == client.get(f"/verify/{certificate.code}.json").get_json()
    assert client.get("/api/v1/me/certificates").status_code == 401


def test_api_managers_revoke_and_issue(client: FlaskClient) -> None:
    manager, learner = make_manager(), make_user()
    certificate, enrolment = issue(), enrol()
    db.session.commit()
    url = f"/api/v1/certificates/{certificate.code}/revoke"
    refused = client.post(url, json={"reason": "x"}, headers=bearer(learner))
    assert refused.status_code == 403
    db.session.commit()
    empty = client.post(url, json={"reason": ""}, headers=bearer(manager))
    assert empty.status_code == 422
    db.session.commit()
    done = client.post(url, json={"reason": "Fraud"}, headers=bearer(manager))
    assert done.status_code == 200 and done.get_json()["status"] == "revoked"
    twice = client.post(url, json={"reason": "Again"}, headers=bearer(manager))
    assert twice.status_code == 409
    made = client.post(
        f"/api/v1/enrolments/{enrolment.id}/certificate",
        json={"reason": "Completed on paper"},
        headers=bearer(manager),
    )
    assert made.status_code == 201 and made.get_json()["status"] == "valid"
    listing = client.get("/api/v1/certificates?status=revoked", headers=bearer(manager))
    assert [i["code"] for i in listing.get_json()["items"]] == [certificate.code]
    assert client.get("/api/v1/certificates", headers=bearer(learner)).status_code == 403
