"""Selection: apply, review (never one's own organisation), decide, and the report."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask

from academy.core.accounts.models import Organisation, Role, User
from academy.core.errors import Conflict, DomainError, Forbidden
from academy.plugins.cohorts import criteria, report, selection, services
from academy.plugins.cohorts.expertise import active_fields
from academy.plugins.cohorts.models import (
    Application,
    Cohort,
    Decision,
    EnrolmentMode,
    EnrolmentStatus,
)
from academy.plugins.courses.models import Course
from tests.factories import make_organisation, make_user
from tests.plugins.cohorts.support import audit_events, history, make_cohort, outbox

S = EnrolmentStatus
TQ, IE = criteria.TECHNICAL_QUALITY, criteria.INTERNATIONAL_EXPERIENCE


@pytest.fixture
def lisboa(app: Flask) -> Organisation:
    return make_organisation("Lisboa")


@pytest.fixture
def porto(app: Flask) -> Organisation:
    return make_organisation("Porto")


@pytest.fixture
def reviewer(app: Flask, lisboa: Organisation) -> User:
    return make_user(name="Rui Reviewer", roles=[Role.REVIEWER], organisation=lisboa)


@pytest.fixture
def other_reviewer(app: Flask, porto: Organisation) -> User:
    return make_user(name="Rosa Reviewer", roles=[Role.REVIEWER], organisation=porto)


@pytest.fixture
def cohort(app_ctx: Flask, course: Course, reviewer: User, other_reviewer: User) -> Cohort:
    return make_cohort(
        course, mode=EnrolmentMode.SELECTION, capacity=1, reviewers=[reviewer, other_reviewer]
    )


def applicant(organisation: Organisation | None, name: str = "Applicant") -> User:
    return make_user(name=name, organisation=organisation)


def apply(user: User, cohort: Cohort, experience: str = "") -> Application:
    return selection.apply(
        user,
        cohort,
        motivation="I run the water utility of my town.",
        expertise=active_fields()[:2],
        organisation=user.organisation,
        international_experience=experience,
    )


def test_selection_cohorts_get_the_default_criteria(cohort: Cohort) -> None:
    assert [c["key"] for c in cohort.criteria] == [TQ, IE]


def test_applying_needs_motivation_and_expertise_but_not_experience(
    cohort: Cohort, lisboa: Organisation
) -> None:
    person = applicant(lisboa)
    with pytest.raises(DomainError) as missing:
        selection.apply(
            person, cohort, motivation=" ", expertise=active_fields(), organisation=None
        )
    assert missing.value.field == "motivation"
    with pytest.raises(DomainError) as no_field:
        selection.apply(person, cohort, motivation="Yes", expertise=[], organisation=None)
    assert no_field.value.field == "expertise"
    application = apply(person, cohort, experience="")
    assert application.enrolment.status == S.APPLIED
    assert application.organisation_id == lisboa.id
    assert len(application.expertise) == 2
    with pytest.raises(Conflict):
        apply(person, cohort)


def test_reviewers_never_see_their_own_organisation(
    cohort: Cohort, reviewer: User, other_reviewer: User, lisboa: Organisation, porto: Organisation
) -> None:
    from_lisboa, from_porto = apply(applicant(lisboa), cohort), apply(applicant(porto), cohort)
    independent = apply(applicant(None), cohort)
    seen_by_rui = selection.visible_applications(cohort, hidden_from=reviewer)
    seen_by_rosa = selection.visible_applications(cohort, hidden_from=other_reviewer)
    assert seen_by_rui == [from_porto, independent]
    assert seen_by_rosa == [from_lisboa, independent]
    with pytest.raises(Forbidden):
        selection.review(from_lisboa, reviewer=reviewer, scores={TQ: 5, IE: 5})
    with pytest.raises(Forbidden):
        selection.decide(from_lisboa, decision=Decision.SELECTED, reason="Ours", by=reviewer)


def test_an_applicant_who_moved_to_the_reviewers_organisation_is_hidden(
    cohort: Cohort, reviewer: User, lisboa: Organisation, porto: Organisation
) -> None:
    person = applicant(porto)
    apply(person, cohort)
    person.organisation = lisboa
    assert selection.visible_applications(cohort, hidden_from=reviewer) == []


def test_scores_cover_every_criterion_from_0_to_5(cohort: Cohort, reviewer: User) -> None:
    application = apply(applicant(None), cohort)
    with pytest.raises(DomainError) as missing:
        selection.review(application, reviewer=reviewer, scores={TQ: 4})
    assert missing.value.field == IE
    with pytest.raises(DomainError):
        selection.review(application, reviewer=reviewer, scores={TQ: 6, IE: 0})
    first = selection.review(application, reviewer=reviewer, scores={TQ: 4, IE: 0}, comment="Ok")
    again = selection.review(application, reviewer=reviewer, scores={TQ: 5, IE: 1})
    assert first is again and again.scores == {TQ: 5, IE: 1}
    assert len(application.reviews) == 1
    assert len(audit_events("application.reviewed")) == 2


def test_weighted_score(cohort: Cohort, reviewer: User, other_reviewer: User) -> None:
    application = apply(applicant(None), cohort)
    selection.review(application, reviewer=reviewer, scores={TQ: 4, IE: 0})
    selection.review(application, reviewer=other_reviewer, scores={TQ: 5, IE: 3})
    row = report.report_row(cohort, application)
    assert row.means == {TQ: 4.5, IE: 1.5}
    assert row.score == pytest.approx((4.5 * 2 + 1.5) / 3)
    assert row.reviews == 2


def test_selected_applicants_are_enrolled_or_wait(
    cohort: Cohort, reviewer: User, porto: Organisation
) -> None:
    first, second = (
        apply(applicant(porto, "First"), cohort),
        apply(applicant(None, "Second"), cohort),
    )
    selection.decide(
        first, decision=Decision.SELECTED, reason="Strong water expertise", by=reviewer
    )
    selection.decide(second, decision=Decision.SELECTED, reason="Good too", by=reviewer)
    assert first.enrolment.status == S.ACTIVE
    assert second.enrolment.status == S.WAITING  # one place only
    assert first.decision == Decision.SELECTED and first.decided_by_id == reviewer.id
    assert first.decision_reason == "Strong water expertise"
    assert history(first.enrolment)[-1] == ("applied", "active", reviewer.id, services.SELECTED)
    mails = outbox("cohorts-selected")
    assert [m.recipient for m in mails] == [first.enrolment.user.email, second.enrolment.user.email]
    assert "waiting list" in mails[1].body and "waiting list" not in mails[0].body
    (event, _second) = audit_events("application.decided")
    assert event.details == {
        "cohort": cohort.id,
        "decision": "selected",
        "reason": "Strong water expertise",
    }
    with pytest.raises(Conflict):
        selection.decide(first, decision=Decision.DECLINED_APPLICATION, reason="No", by=reviewer)
    with pytest.raises(Conflict):
        selection.review(first, reviewer=reviewer, scores={TQ: 1, IE: 1})


def test_declined_applicants_are_told_politely(cohort: Cohort, reviewer: User) -> None:
    application = apply(applicant(None), cohort)
    with pytest.raises(DomainError) as no_reason:
        selection.decide(
            application, decision=Decision.DECLINED_APPLICATION, reason=" ", by=reviewer
        )
    assert no_reason.value.field == "reason"
    selection.decide(
        application,
        decision=Decision.DECLINED_APPLICATION,
        reason="Too little practice",
        by=reviewer,
    )
    assert application.enrolment.status == S.DECLINED
    assert history(application.enrolment)[-1] == (
        "applied",
        "declined",
        reviewer.id,
        "Too little practice",
    )
    (mail,) = outbox("cohorts-not-selected")
    assert "Thank you" in mail.body and "Too little practice" not in mail.body
    with pytest.raises(DomainError, match="declined"):
        apply(application.enrolment.user, cohort)


def test_reserve_then_selected(cohort: Cohort, reviewer: User) -> None:
    application = apply(applicant(None), cohort)
    selection.decide(application, decision=Decision.RESERVE, reason="If a place frees", by=reviewer)
    assert application.enrolment.status == S.APPLIED
    assert outbox("cohorts-reserve")
    selection.decide(application, decision=Decision.SELECTED, reason="A place freed", by=reviewer)
    assert application.enrolment.status == S.ACTIVE


def test_a_withdrawn_application_cannot_be_decided(cohort: Cohort, reviewer: User) -> None:
    application = apply(applicant(None), cohort)
    services.withdraw(application.enrolment, by=application.enrolment.user)
    with pytest.raises(DomainError, match="withdrawn"):
        selection.decide(application, decision=Decision.SELECTED, reason="Yes", by=reviewer)
    again = apply(application.enrolment.user, cohort, experience="Two missions in Cabo Verde")
    assert again.id == application.id and again.enrolment.status == S.APPLIED
    assert again.international_experience == "Two missions in Cabo Verde"


def test_report_sorts_by_score_and_neutralises_formulas(
    cohort: Cohort, reviewer: User, other_reviewer: User, lisboa: Organisation
) -> None:
    low = apply(applicant(None, '=HYPERLINK("x")'), cohort)
    high = apply(applicant(None, "High"), cohort)
    unscored = apply(applicant(lisboa, "Unscored"), cohort)
    selection.review(low, reviewer=other_reviewer, scores={TQ: 1, IE: 1})
    selection.review(high, reviewer=other_reviewer, scores={TQ: 5, IE: 2})
    selection.decide(high, decision=Decision.SELECTED, reason="Best", by=other_reviewer)
    rows = report.selection_report(cohort, viewer=other_reviewer)
    assert [r.application for r in rows] == [high, low, unscored]
    table = list(csv.reader(io.StringIO(report.report_csv(cohort, rows))))
    header = table[0]
    assert header[:3] == ["Application", "Applicant", "Email"]
    assert "Technical quality of the application" in header
    assert table[1][1] == "High" and table[1][-4] == "Selected" and table[1][-3] == "Best"
    assert table[2][1].startswith("'=")  # never run as a formula
    assert [r.application for r in report.selection_report(cohort, viewer=reviewer)] == [high, low]


def test_criteria_text_round_trip() -> None:
    parsed = criteria.parse_criteria("Technical quality of the application | 2\nLocal impact\n")
    assert parsed == [
        {"key": TQ, "label": "Technical quality of the application", "weight": 2},
        {"key": "local-impact", "label": "Local impact", "weight": 1},
    ]
    assert criteria.parse_criteria(criteria.criteria_text(parsed)) == parsed
    with pytest.raises(DomainError):
        criteria.parse_criteria("Impact | heavy")
