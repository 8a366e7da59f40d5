"""The cohort pages end to end: a newcomer joins, an approval cohort waits for its
moderator, a selection runs apply -> review -> decision -> enrolment, managers create and
edit cohorts and the expertise list, moderators invite and import; pages stay bounded."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from flask.testing import FlaskClient

from academy.core.accounts.models import Role, User
from academy.extensions import db
from academy.plugins.cohorts import services
from academy.plugins.cohorts.expertise import active_fields
from academy.plugins.cohorts.models import (
    Application,
    Cohort,
    CohortStatus,
    Decision,
    EnrolmentMode,
    EnrolmentStatus,
    ExpertiseField,
    Invitation,
)
from academy.plugins.courses.models import Course
from tests.conftest import login
from tests.factories import make_organisation, make_user
from tests.plugins.cohorts.support import (
    audit_events,
    count_queries,
    make_cohort,
    make_learners,
    outbox,
    text,
)

EN = {"Accept-Language": "en"}


def signed_in(client: FlaskClient, user: User) -> FlaskClient:
    db.session.commit()
    return login(client, user)


def test_a_newcomer_finds_an_open_cohort_and_joins(
    client: FlaskClient, course: Course, learner: User
) -> None:
    cohort = make_cohort(course, name="Spring peer exchange", capacity=3)
    hidden = make_cohort(course, name="Drafted", status=CohortStatus.DRAFT)
    signed_in(client, learner)
    listing = text(client.get("/cohorts", headers=EN))
    assert "Spring peer exchange" in listing and "3 places left of 3" in listing
    assert hidden.name not in listing
    page = text(client.get(f"/cohorts/{cohort.id}", headers=EN))
    assert "Join this cohort" in page
    response = client.post(f"/cohorts/{cohort.id}/join", headers=EN)
    assert response.status_code == 302
    assert services.enrolment_of(learner, cohort).status == EnrolmentStatus.ACTIVE
    page = text(client.get(f"/cohorts/{cohort.id}", headers=EN))
    assert "You are enrolled in Spring peer exchange." in page
    assert "Leave the cohort" in page
    again = client.post(f"/cohorts/{cohort.id}/join", headers=EN)
    assert again.status_code == 409 and "already in this cohort" in text(again)


def test_a_full_cohort_offers_the_waiting_list(client: FlaskClient, course: Course) -> None:
    cohort = make_cohort(course, capacity=1)
    holder, newcomer = make_learners(2)
    services.enrol(holder, cohort, by=holder)
    signed_in(client, newcomer)
    assert "Join the waiting list" in text(client.get(f"/cohorts/{cohort.id}", headers=EN))
    client.post(f"/cohorts/{cohort.id}/join")
    page = text(client.get("/cohorts", headers=EN))
    assert "On the waiting list" in page and "number 1 in line" in page


def test_a_learner_withdraws_with_a_reason(
    client: FlaskClient, course: Course, learner: User
) -> None:
    cohort = make_cohort(course)
    services.enrol(learner, cohort, by=learner)
    signed_in(client, learner)
    response = client.post(f"/cohorts/{cohort.id}/withdraw", data={"reason": "New job"})
    assert response.status_code == 302
    enrolment = services.enrolment_of(learner, cohort)
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
    assert enrolment.events[-1].reason == "New job"


def test_an_approval_cohort_waits_for_the_moderator(
    client: FlaskClient, course: Course, moderator: User, learner: User
) -> None:
    cohort = make_cohort(course, mode=EnrolmentMode.APPROVAL, moderators=[moderator])
    other = make_user(name="Other Applicant")
    services.enrol(other, cohort, by=other)
    signed_in(client, learner)
    client.post(f"/cohorts/{cohort.id}/join")
    mine = services.enrolment_of(learner, cohort)
    assert mine.status == EnrolmentStatus.APPLIED
    assert "A moderator will answer your request" in text(client.get(f"/cohorts/{cohort.id}"))

    signed_in(client, moderator)
    page = text(client.get(f"/cohorts/{cohort.id}/enrolments", headers=EN))
    assert "Lena Learner" in page and "Accept" in page
    assert client.post(f"/cohorts/{cohort.id}/enrolments/{mine.id}/approve").status_code == 302
    assert mine.status == EnrolmentStatus.ACTIVE
    refused = client.post(f"/cohorts/{cohort.id}/enrolments/{mine.id}/approve", headers=EN)
    assert refused.status_code == 409 and "already answered" in text(refused)

    theirs = services.enrolment_of(other, cohort)
    decline_url = f"/cohorts/{cohort.id}/enrolments/{theirs.id}/decline"
    assert client.get(decline_url).status_code == 200
    assert client.post(decline_url, data={"reason": ""}).status_code == 422
    assert theirs.status == EnrolmentStatus.APPLIED
    assert client.post(decline_url, data={"reason": "Not eligible"}).status_code == 302
    assert theirs.status == EnrolmentStatus.DECLINED
    assert outbox("cohorts-approved", to=learner.email)
    assert outbox("cohorts-declined", to=other.email)
    history = text(client.get(f"/cohorts/{cohort.id}/enrolments/{theirs.id}", headers=EN))
    assert "Not eligible" in history and "Mónica Moderator" in history


def test_moderator_removes_someone_with_a_reason(
    client: FlaskClient, course: Course, moderator: User, learner: User
) -> None:
    cohort = make_cohort(course, moderators=[moderator])
    enrolment = services.enrol(learner, cohort, by=learner)
    signed_in(client, moderator)
    url = f"/cohorts/{cohort.id}/enrolments/{enrolment.id}/remove"
    assert client.post(url, data={"reason": " "}).status_code == 422
    assert client.post(url, data={"reason": "Duplicate account"}).status_code == 302
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
    assert outbox("cohorts-removed", to=learner.email)


def test_selection_end_to_end(client: FlaskClient, course: Course, moderator: User) -> None:
    lisboa, porto = make_organisation("Lisboa"), make_organisation("Porto")
    reviewer = make_user(name="Rui Reviewer", roles=[Role.REVIEWER], organisation=lisboa)
    cohort = make_cohort(course, mode=EnrolmentMode.SELECTION, capacity=1, reviewers=[reviewer])
    candidate = make_user(name="Carla Candidate", organisation=porto)
    signed_in(client, candidate)
    form = text(client.get(f"/cohorts/{cohort.id}/apply", headers=EN))
    assert "Water management" in form and "never a condition" in form
    fields = [f.id for f in active_fields() if f.name in {"Water management", "Urban planning"}]
    incomplete = client.post(f"/cohorts/{cohort.id}/apply", data={"motivation": "Yes"})
    assert incomplete.status_code == 422
    response = client.post(
        f"/cohorts/{cohort.id}/apply",
        data={
            "motivation": "I lead the sanitation team.",
            "expertise": [str(i) for i in fields],
            "organisation": str(porto.id),
            "international_experience": "",
        },
    )
    assert response.status_code == 302
    application = db.session.scalar(sa.select(Application))
    assert application.enrolment.status == EnrolmentStatus.APPLIED

    signed_in(client, reviewer)
    listing = text(client.get(f"/cohorts/{cohort.id}/applications", headers=EN))
    assert "Carla Candidate" in listing and "To do" in listing
    url = f"/cohorts/{cohort.id}/applications/{application.id}"
    assert "I lead the sanitation team." in text(client.get(url, headers=EN))
    bad = client.post(url, data={"score_technical-quality": "9"})
    assert bad.status_code == 422
    scores = {"score_technical-quality": "4", "score_international-experience": "0"}
    assert client.post(url, data=scores | {"comment": "Solid"}).status_code == 302
    decision = {"decision": Decision.SELECTED.value, "reason": "Best water expertise"}
    assert client.post(f"{url}/decision", data={"decision": "selected"}).status_code == 422
    assert client.post(f"{url}/decision", data=decision).status_code == 302
    assert application.enrolment.status == EnrolmentStatus.ACTIVE
    assert outbox("cohorts-selected", to=candidate.email)
    assert audit_events("application.decided")

    report = text(client.get(f"/cohorts/{cohort.id}/selection-report", headers=EN))
    assert "Carla Candidate" in report and "Best water expertise" in report
    assert '<th scope="col">' in report and "4.00" in report
    response = client.get(f"/cohorts/{cohort.id}/selection-report.csv", headers=EN)
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][1] == "Carla Candidate" and "Selected" in rows[1]

    signed_in(client, candidate)
    page = text(client.get(f"/cohorts/{cohort.id}", headers=EN))
    assert '<span class="badge">Enrolled</span>' in page


def test_manager_creates_and_edits_a_cohort(
    client: FlaskClient, course: Course, manager: User, moderator: User
) -> None:
    reviewer = make_user(roles=[Role.REVIEWER])
    signed_in(client, manager)
    assert client.get("/cohorts/new").status_code == 200
    data = {
        "course": str(course.id),
        "name": "Autumn exchange",
        "language": "fr",
        "mode": "selection",
        "status": "open",
        "capacity": "12",
        "starts_on": "2027-03-01",
        "ends_on": "2027-02-01",
        "moderators": [str(moderator.id)],
        "reviewers": [str(reviewer.id)],
        "criteria": "",
    }
    wrong = client.post("/cohorts/new", data=data, headers=EN)
    assert wrong.status_code == 422 and "cannot end before it starts" in text(wrong)
    assert client.post("/cohorts/new", data=data | {"ends_on": "2027-06-30"}).status_code == 302
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.name == "Autumn exchange"))
    assert cohort.language == "fr" and cohort.capacity == 12
    assert cohort.moderators == [moderator] and cohort.reviewers == [reviewer]
    assert [c["key"] for c in cohort.criteria] == ["technical-quality", "international-experience"]
    edit = text(client.get(f"/cohorts/{cohort.id}/edit"))
    assert "Technical quality of the application | 2" in edit
    changed = data | {
        "ends_on": "2027-06-30",
        "capacity": "",
        "status": "running",
        "criteria": "Technical quality of the application | 3\nLocal impact | 1",
    }
    assert client.post(f"/cohorts/{cohort.id}/edit", data=changed).status_code == 302
    assert cohort.capacity is None and cohort.status == CohortStatus.RUNNING
    assert [c["weight"] for c in cohort.criteria] == [3, 1]
    assert audit_events("cohort.created") and audit_events("cohort.updated")
    assert "Autumn exchange" in text(client.get("/cohorts/manage"))


def test_manager_maintains_the_expertise_list(client: FlaskClient, manager: User) -> None:
    from academy.plugins.cohorts.expertise import ensure_default_fields

    ensure_default_fields()
    signed_in(client, manager)
    page = text(client.get("/cohorts/expertise", headers=EN))
    assert "Food security" in page and "Ecotourism" in page
    assert client.post("/cohorts/expertise", data={"name": "Public transport"}).status_code == 302
    duplicate = client.post("/cohorts/expertise", data={"name": "public transport"})
    assert duplicate.status_code == 422
    field = db.session.scalar(sa.select(ExpertiseField).where(ExpertiseField.name == "Ecotourism"))
    assert client.post(f"/cohorts/expertise/{field.id}/archive").status_code == 302
    assert field.archived_at is not None and field not in active_fields()
    assert client.post(f"/cohorts/expertise/{field.id}/unarchive").status_code == 302
    assert field.archived_at is None
    assert audit_events("expertise.created") and audit_events("expertise.archived")


def test_moderator_invites_and_a_person_redeems(
    client: FlaskClient, course: Course, moderator: User, learner: User
) -> None:
    cohort = make_cohort(course, mode=EnrolmentMode.INVITATION, moderators=[moderator])
    signed_in(client, moderator)
    url = f"/cohorts/{cohort.id}/invitations"
    assert client.post(url, data={"max_uses": "0"}).status_code == 422
    assert client.post(url, data={"max_uses": "2", "expires_on": ""}).status_code == 302
    emails = {"emails": "a@example.org, b@example.org\nnot-an-email"}
    assert client.post(f"{url}/email", data=emails).status_code == 422
    emails = {"emails": "a@example.org; b@example.org"}
    assert client.post(f"{url}/email", data=emails).status_code == 302
    assert len(outbox("cohorts-invitation")) == 2
    code = db.session.scalar(sa.select(Invitation).where(Invitation.email.is_(None)))
    assert code.code in text(client.get(url))

    signed_in(client, learner)
    page = text(client.get(f"/cohorts/invitations/{code.code}", headers=EN))
    assert "Accept the invitation" in page
    assert client.post(f"/cohorts/invitations/{code.code}").status_code == 302
    assert services.enrolment_of(learner, cohort).status == EnrolmentStatus.ACTIVE
    assert client.get("/cohorts/invitations/no-such-code").status_code == 404

    signed_in(client, moderator)
    revoke = f"/cohorts/{cohort.id}/invitations/{code.id}/revoke"
    assert client.post(revoke).status_code == 302
    assert code.revoked_at is not None


def test_moderator_imports_a_csv_file(client: FlaskClient, course: Course, moderator: User) -> None:
    cohort = make_cohort(course, moderators=[moderator])
    signed_in(client, moderator)
    url = f"/cohorts/{cohort.id}/import"
    assert client.get(url).status_code == 200
    data = b"email,name\nnew@example.org,New Person\nbroken,Broken\n"
    response = client.post(
        url, data={"file": (io.BytesIO(data), "people.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    page = text(response)
    assert "new@example.org" in page and "Account created" in page and "Not imported" in page
    assert "2 rows read" in page and "1 row not imported" in page
    refused = client.post(
        url,
        data={"file": (io.BytesIO(b"name\nx\n"), "bad.csv")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422


def test_the_enrolments_page_runs_a_bounded_number_of_queries(
    client: FlaskClient, course: Course, moderator: User
) -> None:
    small, large = (
        make_cohort(course, moderators=[moderator]),
        make_cohort(course, moderators=[moderator]),
    )
    for person in make_learners(3, organisation=make_organisation()):
        services.enrol(person, small, by=person)
    for person in make_learners(30, organisation=make_organisation()):
        services.enrol(person, large, by=person)
    signed_in(client, moderator)
    sizes = []
    for cohort in (small, large):
        with count_queries() as statements:
            assert client.get(f"/cohorts/{cohort.id}/enrolments").status_code == 200
        sizes.append(len(statements))
    assert sizes[0] == sizes[1]
    with count_queries() as statements:
        assert client.get("/cohorts").status_code == 200
    assert len(statements) < 20


def test_a_closed_cohort_offers_no_join_button(
    client: FlaskClient, course: Course, moderator: User
) -> None:
    cohort = make_cohort(course, status=CohortStatus.FINISHED, moderators=[moderator])
    signed_in(client, moderator)
    page = text(client.get(f"/cohorts/{cohort.id}", headers=EN))
    assert "This cohort is not taking enrolments." in page and "Join this cohort" not in page
