"""Invitations: codes with a use limit and an expiry, and personal invitations by email."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from academy.core.accounts.models import User
from academy.core.db import utcnow
from academy.core.errors import Conflict, DomainError
from academy.plugins.cohorts import invitations, services
from academy.plugins.cohorts.models import Cohort, EnrolmentMode, EnrolmentStatus
from academy.plugins.courses.models import Course
from tests.factories import make_user
from tests.plugins.cohorts.support import audit_events, history, make_cohort, make_learners, outbox


@pytest.fixture
def cohort(app_ctx: Flask, course: Course, moderator: User) -> Cohort:
    return make_cohort(course, mode=EnrolmentMode.INVITATION, capacity=2, moderators=[moderator])


def test_a_code_admits_up_to_its_use_limit(cohort: Cohort, moderator: User) -> None:
    code = invitations.create_code(cohort, max_uses=3, expires_at=None, by=moderator)
    first, second, third, fourth = make_learners(4)
    joined = [invitations.redeem(code, person) for person in (first, second, third)]
    assert [e.status for e in joined] == [
        EnrolmentStatus.ACTIVE,
        EnrolmentStatus.ACTIVE,
        EnrolmentStatus.WAITING,
    ]
    assert history(joined[0]) == [(None, "active", first.id, services.INVITED)]
    assert code.uses == 3
    with pytest.raises(DomainError, match="used as often"):
        invitations.redeem(code, fourth)
    assert services.enrolment_of(fourth, cohort) is None
    assert audit_events("invitation.created")


def test_using_a_code_twice_does_not_count_twice(cohort: Cohort, moderator: User) -> None:
    code = invitations.create_code(cohort, max_uses=5, expires_at=None, by=moderator)
    person = make_user()
    invitations.redeem(code, person)
    with pytest.raises(Conflict):
        invitations.redeem(code, person)
    assert code.uses == 1


def test_expired_and_withdrawn_codes_do_not_work(cohort: Cohort, moderator: User) -> None:
    with pytest.raises(DomainError, match="future"):
        invitations.create_code(
            cohort, max_uses=1, expires_at=utcnow() - timedelta(hours=1), by=moderator
        )
    soon = invitations.create_code(
        cohort, max_uses=5, expires_at=utcnow() + timedelta(hours=1), by=moderator
    )
    soon.expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(DomainError, match="expired"):
        invitations.redeem(soon, make_user())
    withdrawn = invitations.create_code(cohort, max_uses=5, expires_at=None, by=moderator)
    assert invitations.revoke(withdrawn, by=moderator)
    assert not invitations.revoke(withdrawn, by=moderator)
    with pytest.raises(DomainError, match="withdrawn"):
        invitations.redeem(withdrawn, make_user())


def test_an_emailed_list_invites_each_address_once(cohort: Cohort, moderator: User) -> None:
    member = make_user("member@example.org")
    services.admit(member, cohort, by=moderator)
    emails = ["Ana@Example.org", "bo@example.org", "ana@example.org", "member@example.org", ""]
    result = invitations.invite_emails(cohort, emails, expires_at=None, by=moderator)
    assert result.sent == ["ana@example.org", "bo@example.org"]
    assert result.already_in == ["member@example.org"]
    mails = outbox("cohorts-invitation")
    assert [m.recipient for m in mails] == ["ana@example.org", "bo@example.org"]
    assert "/cohorts/invitations/" in mails[0].body and "/account/register" in mails[0].body
    again = invitations.invite_emails(cohort, emails, expires_at=None, by=moderator)
    assert again.sent == [] and again.already_invited == ["ana@example.org", "bo@example.org"]
    assert len(outbox("cohorts-invitation")) == 2


def test_an_emailed_invitation_is_for_its_address_only(cohort: Cohort, moderator: User) -> None:
    invitations.invite_emails(cohort, ["bo@example.org"], expires_at=None, by=moderator)
    (invitation,) = [i for i in invitations.invitations_of(cohort) if i.email]
    with pytest.raises(DomainError, match="another email address"):
        invitations.redeem(invitation, make_user("eve@example.org"))
    bo = make_user("bo@example.org")
    assert invitations.redeem(invitation, bo).status == EnrolmentStatus.ACTIVE
    assert invitations.invitation_problem(invitation, bo) is not None  # used up


def test_bad_addresses_are_refused(cohort: Cohort, moderator: User) -> None:
    with pytest.raises(DomainError, match="not a valid email"):
        invitations.invite_emails(cohort, ["ok@example.org", "nope"], expires_at=None, by=moderator)
    with pytest.raises(DomainError, match="at least one"):
        invitations.invite_emails(cohort, [" "], expires_at=None, by=moderator)
    assert not outbox("cohorts-invitation")
