"""The staff's journeys, keyboard only: a reviewer scores and decides an application a
learner sent (in French), a manager imports a course package after its dry-run diff,
and a moderator hides a post a learner reported."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Open
from tests.e2e.server import NEW_LESSON, NEW_LESSON_TITLE, POSTER, UPGRADE_VERSION, DemoAcademy

pytestmark = pytest.mark.browser

LEARNER = "learner@demo.example.org"
REVIEWER = "reviewer@demo.example.org"
MODERATOR = "moderator@demo.example.org"
MANAGER = "manager@demo.example.org"


def test_reviewer_scores_and_decides_an_application_in_french(
    open_browser: Open, academy: DemoAcademy
) -> None:
    cohort = academy.cohort_id("exchange-methodology", "selection")

    applicant = open_browser("applicant", keyboard=True)
    applicant.sign_in(LEARNER)
    applicant.goto(f"/cohorts/{cohort}")
    applicant.follow(f"main a.button[href$='/cohorts/{cohort}/apply']")
    applicant.fill("#motivation", "I run the waste service of a town of 40,000 people.")
    field = applicant.page.locator("input[name=expertise]").first.get_attribute("value")
    applicant.checkboxes("expertise", {str(field)})
    applicant.fill("#international_experience", "A study visit to Lindvik in 2024.")
    applicant.follow(f"form[action$='/cohorts/{cohort}/apply'] button[type=submit]")
    (application,) = academy.query(
        "SELECT a.id FROM cohorts_application a JOIN cohorts_enrolment e "
        "ON e.id = a.enrolment_id JOIN core_user u ON u.id = e.user_id "
        "WHERE u.email = ? AND e.cohort_id = ?",
        LEARNER,
        cohort,
    )[0]

    reviewer = open_browser("reviewer", keyboard=True)
    reviewer.goto("/")
    reviewer.switch_language("fr")
    reviewer.sign_in(REVIEWER)
    expect(reviewer.page.locator("html")).to_have_attribute("lang", "fr")
    reviewer.follow("header nav a[href$='/cohorts/mine']")
    reviewer.follow(f"main a[href$='/cohorts/{cohort}/applications']")
    reviewer.follow(f"main a[href$='/cohorts/{cohort}/applications/{application}']")
    expect(reviewer.page.locator("main")).to_contain_text("Lindvik")
    scores = reviewer.page.locator(f"form[action$='/applications/{application}'] input[id^=score_]")
    keys = [str(scores.nth(i).get_attribute("id")) for i in range(scores.count())]
    assert keys, "the review form has no score"
    for key in keys:
        reviewer.fill(f"#{key}", "4")
    reviewer.fill("#comment", "Solide expérience de terrain.")
    reviewer.follow(f"form[action$='/applications/{application}'] button[type=submit]")
    assert reviewer.path.endswith(f"/cohorts/{cohort}/applications")
    expect(reviewer.page.locator(".flashes")).to_contain_text("Votre évaluation a été enregistrée.")

    reviewer.follow(f"main a[href$='/cohorts/{cohort}/applications/{application}']")
    reviewer.radio("decision", "selected")
    reviewer.fill("#reason", "Expérience pertinente pour l'échange.")
    reviewer.follow(f"form[action$='/applications/{application}/decision'] button[type=submit]")
    expect(reviewer.page.locator(".flashes")).to_contain_text(
        "Décision enregistrée pour Lena Learner"
    )

    (scores_json, comment) = academy.query(
        "SELECT r.scores, r.comment FROM cohorts_review r JOIN core_user u ON u.id = r.reviewer_id "
        "WHERE r.application_id = ? AND u.email = ?",
        application,
        REVIEWER,
    )[0]
    scores_given = json.loads(str(scores_json))
    assert sorted(scores_given) == sorted(key.removeprefix("score_") for key in keys)
    assert set(scores_given.values()) == {4}
    assert comment == "Solide expérience de terrain."
    (decision, status) = academy.query(
        "SELECT a.decision, e.status FROM cohorts_application a JOIN cohorts_enrolment e "
        "ON e.id = a.enrolment_id WHERE a.id = ?",
        application,
    )[0]
    assert (decision, status) == ("selected", "active")


def course_version(academy: DemoAcademy, slug: str) -> str:
    return str(academy.query("SELECT version FROM courses_course WHERE slug = ?", slug)[0][0])


def test_manager_imports_an_upgrade_after_its_dry_run(
    open_browser: Open, academy: DemoAcademy
) -> None:
    manager = open_browser("manager", keyboard=True)
    manager.sign_in(MANAGER)
    manager.follow("header nav a[href$='/packages/']")
    manager.attach("#package", academy.package)
    manager.follow("form[action$='/packages/upload'] button[type=submit]")

    # The dry run: what would change, and nothing changed yet.
    main = manager.page.locator("main")
    expect(main).to_contain_text(f"1.0.0 → {UPGRADE_VERSION}")
    expect(main).to_contain_text(NEW_LESSON_TITLE)
    expect(main).to_contain_text("Disagreement, safety and moderation decisions")
    assert course_version(academy, "online-moderation") == "1.0.0"

    manager.follow("form[action*='/packages/review/'] button[type=submit]")
    assert course_version(academy, "online-moderation") == UPGRADE_VERSION
    keys = {
        row[0]
        for row in academy.query(
            "SELECT i.key FROM courses_item i JOIN courses_course c ON c.id = i.course_id "
            "WHERE c.slug = 'online-moderation'"
        )
    }
    assert NEW_LESSON in keys


def test_moderator_hides_a_reported_post(open_browser: Open, academy: DemoAcademy) -> None:
    cohort = academy.cohort_id("online-moderation", "open")
    email, _name, password = POSTER
    title = "Fees in Lindvik"
    body = "Anyone who disagrees with me about fees is an idiot."

    poster = open_browser("poster", keyboard=True)
    poster.sign_in(email, password)
    poster.goto(f"/cohorts/{cohort}")
    poster.follow(f"form[action$='/cohorts/{cohort}/join'] button")
    poster.follow("header nav a[href$='/discussions/']")
    poster.follow(f"main a[href$='/discussions/cohorts/{cohort}']")
    poster.fill("#title", title)
    poster.fill("#body", body)
    poster.follow(f"form[action$='/discussions/cohorts/{cohort}/threads'] button[type=submit]")
    (post, thread) = academy.query(
        "SELECT p.id, p.thread_id FROM discussions_post p JOIN core_user u ON u.id = p.author_id "
        "WHERE u.email = ? ORDER BY p.id DESC LIMIT 1",
        email,
    )[0]

    reporter = open_browser("reporter", keyboard=True)
    reporter.sign_in(LEARNER)
    reporter.follow("header nav a[href$='/discussions/']")
    reporter.follow(f"main a[href$='/discussions/cohorts/{cohort}']")
    reporter.follow(f"main a[href$='/discussions/threads/{thread}']")
    expect(reporter.page.locator("main")).to_contain_text(body)
    reporter.follow(f"main a[href$='/discussions/posts/{post}/report']")
    reporter.fill("#reason", "A personal insult.")
    reporter.follow(f"form[action$='/discussions/posts/{post}/report'] button[type=submit]")

    moderator = open_browser("moderator", keyboard=True)
    moderator.sign_in(MODERATOR)
    moderator.follow("header nav a[href$='/discussions/']")
    moderator.follow(f"main a[href$='/discussions/cohorts/{cohort}']")
    moderator.follow(f"main a[href$='/discussions/cohorts/{cohort}/moderation']")
    expect(moderator.page.locator("main")).to_contain_text("A personal insult.")
    moderator.fill(f"#reason-hide-{post}", "Please criticise ideas, not people.")
    moderator.follow(f"form:has(#reason-hide-{post}) button[type=submit]")
    (status,) = academy.query("SELECT status FROM discussions_post WHERE id = ?", post)[0]
    assert status == "hidden"

    reporter.goto(f"/discussions/threads/{thread}")
    expect(reporter.page.locator("main")).not_to_contain_text(body)
    poster.goto(f"/discussions/threads/{thread}")
    expect(poster.page.locator("main")).to_contain_text("Please criticise ideas, not people.")
