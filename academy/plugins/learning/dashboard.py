"""The moderator's view of a cohort: progress grid, who is behind, most missed quiz
questions, assignments waiting for review.

A fixed number of queries whatever the cohort's size; the work in Python grows
linearly with the learners (measured by bench/dashboard.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from academy.core.accounts.models import User
from academy.core.db import utcnow
from academy.extensions import db
from academy.plugins.cohorts.models import PLACE_HOLDING, Cohort, Enrolment
from academy.plugins.courses.models import Item, ItemType
from academy.plugins.courses.outline import Outline, load_outline
from academy.plugins.learning.models import (
    Completion,
    Progress,
    QuizAttempt,
    Submission,
    SubmissionStatus,
)
from academy.plugins.learning.quiz import shown_questions

PACE_MARGIN = 20  # percentage points below the expected pace before a learner is "behind"


@dataclass
class LearnerRow:
    enrolment: Enrolment
    user: User
    percent: int
    last_activity: datetime | None
    #: module id -> (required items done, required items)
    modules: dict[int, tuple[int, int]] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    @property
    def behind(self) -> bool:
        return bool(self.reasons)


@dataclass
class MissedQuestion:
    item: Item
    question_key: str
    wrong: int
    answered: int


@dataclass
class Dashboard:
    cohort: Cohort
    outline: Outline
    rows: list[LearnerRow]
    expected_percent: int | None
    missed: list[MissedQuestion]
    waiting: list[Submission]

    @property
    def behind(self) -> list[LearnerRow]:
        return [row for row in self.rows if row.behind]

    def histogram(self) -> list[int]:
        """Learners per tenth of progress (0-9 %, …, 90-99 %, 100 %): 11 buckets."""
        buckets = [0] * 11
        for row in self.rows:
            buckets[min(row.percent // 10, 10)] += 1
        return buckets


def expected_percent(cohort: Cohort, today: date) -> int | None:
    """The progress the cohort's dates imply today (None without both dates)."""
    if cohort.starts_on is None or cohort.ends_on is None or cohort.ends_on <= cohort.starts_on:
        return None
    elapsed = (today - cohort.starts_on).days / (cohort.ends_on - cohort.starts_on).days
    return max(0, min(100, round(elapsed * 100)))


def _module_counts(cohort: Cohort, required: dict[int, int]) -> dict[int, Counter[int]]:
    """enrolment id -> module id -> required items done: one grouped query."""
    query = (
        sa.select(Completion.enrolment_id, Item.module_id, sa.func.count())
        .join(Item, Completion.item_id == Item.id)
        .join(Enrolment, Completion.enrolment_id == Enrolment.id)
        .where(Enrolment.cohort_id == cohort.id, Item.id.in_(required))
        .group_by(Completion.enrolment_id, Item.module_id)
    )
    counts: dict[int, Counter[int]] = defaultdict(Counter)
    for enrolment_id, module_id, count in db.session.execute(query):
        counts[enrolment_id][module_id] = count
    return counts


def _rows(
    cohort: Cohort, outline: Outline, inactive_days: int, expected: int | None
) -> list[LearnerRow]:
    required = {e.item.id: e.item.module_id for e in outline.items if e.item.required}
    per_module: Counter[int] = Counter(required.values())
    enrolments = db.session.execute(
        sa.select(Enrolment, Progress)
        .options(joinedload(Enrolment.user))
        .outerjoin(Progress, Progress.enrolment_id == Enrolment.id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(PLACE_HOLDING))
    ).all()
    counts = _module_counts(cohort, required)
    cutoff = utcnow() - timedelta(days=inactive_days)
    rows = []
    for enrolment, row in enrolments:
        percent = row.percent if row else 0
        last = row.last_activity_at if row else None
        learner = LearnerRow(enrolment, enrolment.user, percent, last)
        done = counts.get(enrolment.id, Counter())
        learner.modules = {
            m.module.id: (done[m.module.id], per_module[m.module.id]) for m in outline.modules
        }
        if percent < 100:
            if (last or enrolment.created_at) < cutoff:
                learner.reasons.append("inactive")
            if expected is not None and percent < expected - PACE_MARGIN:
                learner.reasons.append("pace")
        rows.append(learner)
    rows.sort(key=lambda r: (r.user.name.casefold(), r.enrolment.id))
    return rows


def _missed(cohort: Cohort, outline: Outline, limit: int = 5) -> list[MissedQuestion]:
    """The quiz questions most often answered wrongly in the cohort's attempts."""
    quizzes = {e.item.id: e.item for e in outline.items if e.type == ItemType.QUIZ}
    if not quizzes:
        return []
    query = (
        sa.select(QuizAttempt.item_id, QuizAttempt.results)
        .join(Enrolment, QuizAttempt.enrolment_id == Enrolment.id)
        .where(Enrolment.cohort_id == cohort.id, QuizAttempt.item_id.in_(quizzes))
    )
    wrong: Counter[tuple[int, str]] = Counter()
    answered: Counter[tuple[int, str]] = Counter()
    for item_id, results in db.session.execute(query):
        for key, right in (results or {}).items():
            answered[(item_id, key)] += 1
            if not right:
                wrong[(item_id, key)] += 1
    return [
        MissedQuestion(quizzes[item_id], key, count, answered[(item_id, key)])
        for (item_id, key), count in wrong.most_common(limit)
    ]


def waiting_submissions(cohort: Cohort) -> list[Submission]:
    """Assignments handed in and not reviewed yet, oldest first."""
    query = (
        sa.select(Submission)
        .join(Enrolment, Submission.enrolment_id == Enrolment.id)
        .options(joinedload(Submission.enrolment).joinedload(Enrolment.user))
        .where(Enrolment.cohort_id == cohort.id, Submission.status == SubmissionStatus.SUBMITTED)
        .order_by(Submission.created_at, Submission.id)
    )
    return list(db.session.scalars(query))


def load_dashboard(cohort: Cohort, language: str, *, inactive_days: int, today: date) -> Dashboard:
    outline = load_outline(cohort.course, language)
    expected = expected_percent(cohort, today)
    return Dashboard(
        cohort=cohort,
        outline=outline,
        rows=_rows(cohort, outline, inactive_days, expected),
        expected_percent=expected,
        missed=_missed(cohort, outline),
        waiting=waiting_submissions(cohort),
    )


def question_texts(dashboard: Dashboard, language: str) -> dict[tuple[int, str], str]:
    """The text of each most-missed question (one query per quiz concerned, at most 5)."""
    texts: dict[tuple[int, str], str] = {}
    for item in {m.item.id: m.item for m in dashboard.missed}.values():
        shown, _language, _fields = shown_questions(dashboard.cohort.course, item, language)
        texts.update({(item.id, q.key): q.text for q in shown})
    return texts
