"""Issuing certificates: once per enrolment on completion, by hand with a reason, revoking."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from academy.core.errors import Conflict, DomainError
from academy.core.signals import course_completed
from academy.core.storage import storage
from academy.extensions import db
from academy.plugins.certificates import codes, documents, services
from academy.plugins.certificates.models import Certificate
from academy.plugins.certificates.queries import completed_without_certificate
from academy.plugins.cohorts.models import EnrolmentStatus
from academy.plugins.learning import progress
from tests.core.admin.admin_support import events
from tests.factories import make_user
from tests.plugins.certificates.factories import complete, enrol, issue, make_manager
from tests.plugins.learning.factories import make_cohort


def certificates() -> list[Certificate]:
    return list(db.session.scalars(sa.select(Certificate).order_by(Certificate.id)))


def test_completing_the_course_issues_its_certificate(app_ctx) -> None:
    enrolment = enrol(make_user(name="Ana Conceição Núñez"))
    complete(enrolment)
    assert enrolment.status == EnrolmentStatus.COMPLETED
    (certificate,) = certificates()
    assert codes.is_valid(certificate.code)
    assert (certificate.enrolment_id, certificate.user_id) == (enrolment.id, enrolment.user_id)
    assert certificate.holder_name == "Ana Conceição Núñez"
    assert (certificate.course_title, certificate.course_version) == ("Peer exchanges", "1.2.0")
    assert (certificate.cohort_name, certificate.language) == ("Spring cohort", "en")
    # live lessons: intro 10 + second 15 + third 20 (optional); the archived lesson is left out
    assert certificate.hours == 0.75
    assert certificate.status_index == certificate.id and certificate.status == "valid"
    assert certificate.credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert certificate.credential["credentialSubject"]["identifier"][0]["identityHash"] == (
        "Ana Conceição Núñez"
    )
    assert certificate.credential_jwt.count(".") == 2 and certificate.key_id
    with storage().open(certificate.pdf_key) as handle:
        assert handle.read(5) == b"%PDF-"
    assert certificate.issue_reason == "" and certificate.issued_by_id is None


def test_two_completion_claims_give_one_certificate(app_ctx) -> None:
    enrolment = enrol()
    complete(enrolment)
    assert progress.claim_completion(enrolment) is False
    course_completed.send(enrolment)  # a duplicate signal changes nothing either
    course_completed.send(enrolment)
    assert len(certificates()) == 1


def test_a_racing_second_issue_gets_the_first_certificate(
    app_ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other request inserted between our check and our insert: the unique
    enrolment refuses ours, in a savepoint, and we answer with theirs."""
    enrolment = enrol()
    first = services.issue(enrolment)
    assert first.created
    looked_up: list[int] = []
    real = services.certificate_of

    def not_yet(enrolment_id: int) -> Certificate | None:
        looked_up.append(enrolment_id)
        return None if len(looked_up) == 1 else real(enrolment_id)

    monkeypatch.setattr(services, "certificate_of", not_yet)
    second = services.issue(enrolment)
    assert not second.created and second.certificate.id == first.certificate.id
    assert len(looked_up) == 2 and len(certificates()) == 1
    assert enrolment.user.name  # the session is still usable after the refused insert


def test_the_certificate_is_in_the_holders_language(app_ctx) -> None:
    certificate = issue(make_user(locale="fr"))
    assert certificate.language == "fr"
    assert certificate.course_title == "Échanges entre pairs"
    assert certificate.credential["credentialSubject"]["achievement"]["inLanguage"] == "fr"


def test_claims_stay_as_issued_after_renames_and_upgrades(app_ctx) -> None:
    certificate = issue(name="Old Name")
    enrolment = certificate_enrolment(certificate)
    enrolment.user.name = "New Name"
    enrolment.cohort.course.version = "2.0.0"
    db.session.flush()
    assert services.issue(enrolment).certificate.holder_name == "Old Name"
    db.session.refresh(certificate)
    assert (certificate.holder_name, certificate.course_version) == ("Old Name", "1.2.0")


def certificate_enrolment(certificate: Certificate) -> Any:
    from academy.plugins.cohorts.models import Enrolment

    return db.session.get(Enrolment, certificate.enrolment_id)


def test_criteria_come_from_the_course(app_ctx) -> None:
    cohort = make_cohort()
    course = cohort.course
    assert documents.criteria_text(course, "en") == (
        "Complete the 2 required lessons. Pass the required quiz. "
        "Have the required assignment accepted."
    )
    course.requires_signoff = True
    assert documents.criteria_text(course, "en").endswith(
        "A moderator of the cohort signs off the completion."
    )
    certificate = issue(cohort=cohort)
    criteria = certificate.credential["credentialSubject"]["achievement"]["criteria"]
    assert criteria["narrative"].startswith("Complete the 2 required lessons.")


def test_a_manager_issues_by_hand_with_a_reason(app_ctx) -> None:
    manager, enrolment = make_manager(), enrol()
    with pytest.raises(DomainError, match="give a reason"):
        services.issue_by_hand(enrolment, "  ", by=manager)
    certificate = services.issue_by_hand(enrolment, "Completed on paper in 2025", by=manager)
    assert certificate.issue_reason == "Completed on paper in 2025"
    assert certificate.issued_by_id == manager.id and certificate.by_hand
    (event,) = events("certificate.issued_by_hand")
    assert event.actor_id == manager.id and event.details["reason"] == certificate.issue_reason
    assert event.target_label.startswith(certificate.code)
    with pytest.raises(Conflict, match="already has a certificate"):
        services.issue_by_hand(enrolment, "again", by=manager)


def test_no_certificate_by_hand_without_a_place(app_ctx) -> None:
    enrolment = enrol(status=EnrolmentStatus.WITHDRAWN)
    with pytest.raises(DomainError, match="holds a place"):
        services.issue_by_hand(enrolment, "reason", by=make_manager())
    assert certificates() == []


def test_revoking_needs_a_reason_and_happens_once(app_ctx) -> None:
    manager, certificate = make_manager(), issue()
    with pytest.raises(DomainError, match="give a reason"):
        services.revoke(certificate, "", by=manager)
    assert certificate.revoked_at is None
    services.revoke(certificate, "Issued by mistake", by=manager)
    assert certificate.status == "revoked" and certificate.revoked_by_id == manager.id
    (event,) = events("certificate.revoked")
    assert event.details == {"reason": "Issued by mistake"}
    with pytest.raises(Conflict, match="already revoked"):
        services.revoke(certificate, "twice", by=manager)


def test_a_failure_to_issue_keeps_the_completion(app_ctx, monkeypatch) -> None:
    """Without a font (say) the learner still completes; managers see who lacks a certificate."""

    def broken(_claims: Any) -> bytes:
        raise RuntimeError("no font")

    monkeypatch.setattr(documents, "render_pdf", broken)
    enrolment = enrol()
    complete(enrolment)
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert certificates() == []
    assert completed_without_certificate() == [enrolment]
    monkeypatch.undo()
    services.issue_by_hand(enrolment, "The font was missing", by=make_manager())
    assert completed_without_certificate() == []


def test_codes_are_found_however_they_are_typed(app_ctx) -> None:
    certificate = issue()
    loose = certificate.code.lower().replace("-", " ").replace("0", "o")
    assert services.by_code(loose) is certificate
    assert services.by_code("not a code") is None
    wrong = certificate.code[:-1] + ("0" if certificate.code[-1] != "0" else "1")
    assert services.by_code(wrong) is None


def test_nothing_is_issued_while_the_plugin_is_off(app, app_ctx, monkeypatch) -> None:
    monkeypatch.delitem(app.extensions["academy_plugins"], "certificates")
    enrolment = enrol()
    complete(enrolment)
    assert enrolment.status == EnrolmentStatus.COMPLETED and certificates() == []


def test_export_my_data_lists_my_certificates(app_ctx) -> None:
    from academy.core.accounts import privacy

    user = make_user(name="Ana Lima")
    certificate = issue(user)
    issue()  # someone else's
    data = privacy.export_data(user)
    (exported,) = data["issued_certificates"]
    assert exported["code"] == certificate.code and exported["holder_name"] == "Ana Lima"
    assert exported["status"] == "valid"
    assert exported["verification_url"].endswith(f"/verify/{certificate.code}")
