"""A newcomer's whole way through a course, in English with the keyboard only and in
French with the mouse: sign up, confirm the email from the outbox, join an open cohort,
study every lesson, fail then pass a quiz, hand in the assignment; the moderator accepts
it; the learner downloads the certificate, whose QR code holds the verification URL, and
anyone opens that page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e import pdf_qr
from tests.e2e.conftest import Open
from tests.e2e.course import Item, load
from tests.e2e.server import DemoAcademy
from tests.e2e.visitor import Visitor

pytestmark = pytest.mark.browser

COURSE = load("exchange-methodology")
PASSWORD = "a long browser password"
#: Messages of the flow already in the French catalogue, and their English source.
CONFIRMED = {"en": "Your email address is confirmed.", "fr": "Votre adresse e-mail est confirmée."}
ENROLLED = {"en": "You are enrolled in", "fr": "Vous êtes inscrit dans"}
PASSED = {"en": "Passed: well done.", "fr": "Réussi\u00a0: bravo."}
VALID = {"en": "This certificate is valid.", "fr": "Ce certificat est valide."}


def sign_up(visitor: Visitor, academy: DemoAcademy, email: str, language: str) -> None:
    visitor.goto("/")
    if language != "en":
        visitor.switch_language(language)
    visitor.follow("header a[href$='/account/register']")
    visitor.fill("#name", f"Newcomer {language.upper()}")
    visitor.fill("#email", email)
    visitor.fill("#password", PASSWORD)
    visitor.fill("#password_confirm", PASSWORD)
    visitor.fill("#job_function", "urban planner")
    # The preferred language defaults to the interface's.
    expect(visitor.page.locator("#language")).to_have_value(language)
    visitor.follow("main form button[type=submit]")
    expect(visitor.page.locator(".flashes")).to_contain_text(email)

    visitor.goto(academy.link_in_mail(email, "confirm-email"))
    visitor.follow("main form button[type=submit]")
    expect(visitor.page.locator(".flashes")).to_contain_text(CONFIRMED[language])
    (locale,) = academy.query("SELECT locale FROM core_user WHERE email = ?", email)[0]
    assert locale == language


def join_open_cohort(visitor: Visitor, academy: DemoAcademy, email: str, language: str) -> int:
    """Join the open cohort from the list of cohorts; the enrolment's id."""
    cohort = academy.open_cohort_id
    visitor.follow("header nav a[href$='/cohorts']")
    visitor.follow(f"main a[href$='/cohorts/{cohort}']")
    visitor.follow(f"form[action$='/cohorts/{cohort}/join'] button")
    expect(visitor.page.locator(".flashes")).to_contain_text(ENROLLED[language])
    rows = academy.query(
        "SELECT e.id, e.status FROM cohorts_enrolment e JOIN core_user u ON u.id = e.user_id "
        "WHERE u.email = ? AND e.cohort_id = ?",
        email,
        cohort,
    )
    assert [row[1] for row in rows] == ["active"]
    return int(rows[0][0])  # type: ignore[call-overload]


def answer_quiz(visitor: Visitor, item: Item, *, right: bool) -> None:
    for question in item.questions:
        chosen = question.correct if right else question.wrong()
        if question.multiple:
            visitor.checkboxes(f"q-{question.key}", set(chosen))
        else:
            visitor.radio(f"q-{question.key}", chosen[0])
    visitor.follow(f"form[action$='/items/{item.key}/attempts'] button[type=submit]")


def attempts(academy: DemoAcademy, enrolment: int, key: str) -> list[tuple[object, ...]]:
    return academy.query(
        "SELECT a.number, a.score, a.passed FROM learning_quiz_attempt a "
        "JOIN courses_item i ON i.id = a.item_id WHERE a.enrolment_id = ? AND i.key = ? "
        "ORDER BY a.number",
        enrolment,
        key,
    )


def take_quiz(
    visitor: Visitor, academy: DemoAcademy, enrolment: int, item: Item, fail: bool, language: str
) -> None:
    """Pass the quiz (failing it once first when ``fail``), then go on from the overview."""
    if fail:
        answer_quiz(visitor, item, right=False)
        expect(visitor.page.locator("main h1")).to_have_text(re.compile(r"1\D+0\s?%"))
        visitor.follow(f"main a.button[href$='/items/{item.key}']")  # try again
    answer_quiz(visitor, item, right=True)
    expect(visitor.page.locator("main h1")).to_have_text(re.compile(r"\D100\s?%"))
    expect(visitor.page.locator("main [role=status]")).to_contain_text(PASSED[language])
    expected = [(1, 0, 0), (2, 100, 1)] if fail else [(1, 100, 1)]
    assert attempts(academy, enrolment, item.key) == expected
    visitor.follow(f"main .actions a[href$='/learn/{enrolment}']")  # back to the course
    visitor.follow(f"main a.button[href*='/learn/{enrolment}/items/']")  # continue


def study_course(
    visitor: Visitor, academy: DemoAcademy, enrolment: int, language: str, upload: Path
) -> int:
    """Every item in order, from the course's overview; the assignment's submission id."""
    visitor.follow(f"main a.button[href$='/learn/{enrolment}']")
    expect(visitor.page.locator("main h1")).to_have_text(COURSE.course_title(language))
    visitor.follow(f"main a.button[href*='/learn/{enrolment}/items/']")
    first_quiz = True
    for item in COURSE.items:
        assert visitor.path.endswith(f"/items/{item.key}"), visitor.page.url
        expect(visitor.page.locator("main h1")).to_have_text(COURSE.title(item, language))
        if item.type == "lesson":
            visitor.follow(f"form[action$='/items/{item.key}/complete'] button")
        elif item.type == "quiz":
            take_quiz(visitor, academy, enrolment, item, fail=first_quiz, language=language)
            first_quiz = False
        else:
            visitor.fill("#text", "My exchange plan: a study visit to a peer municipality.")
            visitor.attach("#file", upload)
            visitor.follow(f"form[action$='/items/{item.key}/submissions'] button[type=submit]")
    rows = academy.query(
        "SELECT id, status, file_name FROM learning_submission WHERE enrolment_id = ?", enrolment
    )
    assert [row[1:] for row in rows] == [("submitted", upload.name)]
    (done, total) = academy.query(
        "SELECT required_done, required_total FROM learning_progress WHERE enrolment_id = ?",
        enrolment,
    )[0]
    assert done == total - 1  # all but the assignment, which waits for its review
    return int(rows[0][0])  # type: ignore[call-overload]


def accept_assignment(visitor: Visitor, academy: DemoAcademy, submission: int) -> None:
    cohort = academy.open_cohort_id
    visitor.sign_in("moderator@demo.example.org")
    visitor.follow("header nav a[href$='/cohorts/mine']")
    visitor.follow(f"main a[href$='/cohorts/{cohort}']")
    visitor.follow(f"main a[href$='/learn/cohorts/{cohort}/dashboard']")
    visitor.follow(f"main a[href$='/learn/submissions/{submission}/review']")
    visitor.radio("decision", "accept")
    visitor.fill("#feedback", "A clear and realistic plan. Well done.")
    visitor.follow("main form:has(#feedback) button[type=submit]")
    assert visitor.path.endswith(f"/learn/cohorts/{cohort}/dashboard")


def download_certificate(visitor: Visitor, academy: DemoAcademy, enrolment: int) -> str:
    """Download the PDF from "My certificates"; the verification URL its QR code holds."""
    rows = academy.query(
        "SELECT code FROM certificates_certificate WHERE enrolment_id = ?", enrolment
    )
    assert len(rows) == 1, "completing the course issued no certificate"
    code = str(rows[0][0])
    visitor.follow("header nav a[href$='/certificates/']")
    pdf = visitor.open_file(f"main a[href$='/certificates/{code}.pdf']")
    assert pdf.startswith(b"%PDF-")
    verify_url = f"{academy.url}/verify/{code}"
    assert pdf_qr.encodes(pdf, verify_url), "the QR code is not the verification URL"
    return verify_url


@pytest.mark.parametrize(
    ("language", "keyboard"),
    [("en", True), ("fr", False)],
    ids=["english-keyboard-only", "french-mouse"],
)
def test_newcomer_completes_a_course(
    open_browser: Open, academy: DemoAcademy, tmp_path: Path, language: str, keyboard: bool
) -> None:
    email = f"newcomer-{language}@example.org"
    upload = tmp_path / "exchange-plan.txt"
    upload.write_text("Study visit to a peer municipality: goals, dates, follow-up.\n")

    learner = open_browser("learner", keyboard=keyboard)
    sign_up(learner, academy, email, language)
    learner.sign_in(email, PASSWORD)
    enrolment = join_open_cohort(learner, academy, email, language)
    submission = study_course(learner, academy, enrolment, language, upload)

    moderator = open_browser("moderator", keyboard=keyboard)
    if language != "en":
        moderator.goto("/")
        moderator.switch_language(language)
    accept_assignment(moderator, academy, submission)

    (status, completed) = academy.query(
        "SELECT e.status, p.completed_at FROM cohorts_enrolment e "
        "JOIN learning_progress p ON p.enrolment_id = e.id WHERE e.id = ?",
        enrolment,
    )[0]
    assert (status, completed is not None) == ("completed", True)
    assert academy.mail_to(email, "assignment-reviewed")
    learner.goto(f"/learn/{enrolment}")
    expect(learner.page.locator("main progress")).to_have_attribute("value", "100")

    verify_url = download_certificate(learner, academy, enrolment)
    # Anyone, without an account, in the language their browser asks for.
    verifier = open_browser("verifier", keyboard=keyboard, locale=f"{language}-FR")
    verifier.goto(verify_url)
    expect(verifier.page.locator("html")).to_have_attribute("lang", language)
    expect(verifier.page.locator("main [role=status]")).to_contain_text(VALID[language])
    expect(verifier.page.locator("main dl")).to_contain_text(f"Newcomer {language.upper()}")
