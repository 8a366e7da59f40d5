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
    #: The learners of the page shown, by name.
    rows: list[LearnerRow]
    total: int
    page: int
    pages: int
    expected_percent: int | None
    behind: list[LearnerRow]
    behind_total: int
    #: Learners per tenth of progress (0-9 %, ..., 90-99 %, 100 %): 11 buckets.
    histogram: list[int]
    missed: list[MissedQuestion]
    waiting: list[Submission]


@dataclass(frozen=True)
class Scope:
    """Which learners a query of the dashboard looks at, and how "behind" is judged."""

    cohort: Cohort
    cutoff: datetime
    expected: int | None

    def learners(self) -> sa.Select[Enrolment, Progress]:
        query = (
            sa.select(Enrolment, Progress)
            .options(joinedload(Enrolment.user))
            .join(User, Enrolment.user_id == User.id)
            .outerjoin(Progress, Progress.enrolment_id == Enrolment.id)
            .where(Enrolment.cohort_id == self.cohort.id, Enrolment.status.in_(PLACE_HOLDING))
        )
        return query

    def behind_condition(self) -> sa.ColumnElement[bool]:
        percent = sa.func.coalesce(Progress.percent, 0)
        last = sa.func.coalesce(Progress.last_activity_at, Enrolment.created_at)
        late = last < self.cutoff
        if self.expected is not None:
            late = sa.or_(late, percent < self.expected - PACE_MARGIN)
        return sa.and_(percent < 100, late)


def expected_percent(cohort: Cohort, today: date) -> int | None:
    """The progress the cohort's dates imply today (None without both dates)."""
    if cohort.starts_on is None or cohort.ends_on is None or cohort.ends_on <= cohort.starts_on:
        return None
    elapsed = (today - cohort.starts_on).days / (cohort.ends_on - cohort.starts_on).days
    return max(0, min(100, round(elapsed * 100)))


def _module_counts(
    cohort: Cohort, required: dict[int, int], enrolment_ids: list[int] | None
) -> dict[int, Counter[int]]:
    """enrolment id -> module id -> required items done (for the given enrolments, or all
    of the cohort's with None): one grouped query."""
    query = (
        sa.select(Completion.enrolment_id, Item.module_id, sa.func.count())
        .join(Item, Completion.item_id == Item.id)
        .where(Item.id.in_(required))
        .group_by(Completion.enrolment_id, Item.module_id)
    )
    if enrolment_ids is None:
        cohort_ids = sa.select(Enrolment.id).where(Enrolment.cohort_id == cohort.id)
        query = query.where(Completion.enrolment_id.in_(cohort_ids))
    else:
        query = query.where(Completion.enrolment_id.in_(enrolment_ids))
    counts: dict[int, Counter[int]] = defaultdict(Counter)
    for enrolment_id, module_id, count in db.session.execute(query):
        counts[enrolment_id][module_id] = count
    return counts


def _rows(
    scope: Scope, outline: Outline, query: sa.Select[Enrolment, Progress], *, everyone: bool = False
) -> list[LearnerRow]:
    """Learner rows (with module counts and reasons) for the enrolments ``query`` selects."""
    required = {e.item.id: e.item.module_id for e in outline.items if e.item.required}
    per_module: Counter[int] = Counter(required.values())
    found = db.session.execute(query).unique().all()
    ids = None if everyone else [enrolment.id for enrolment, _ in found]
    counts = _module_counts(scope.cohort, required, ids)
    rows = []
    for enrolment, row in found:
        percent = row.percent if row else 0
        last = row.last_activity_at if row else None
        learner = LearnerRow(enrolment, enrolment.user, percent, last)
        done = counts.get(enrolment.id, Counter())
        learner.modules = {
            m.module.id: (done[m.module.id], per_module[m.module.id]) for m in outline.modules
        }
        if percent < 100:
            if (last or enrolment.created_at) < scope.cutoff:
                learner.reasons.append("inactive")
            if scope.expected is not None and percent < scope.expected - PACE_MARGIN:
                learner.reasons.append("pace")
        rows.append(learner)
    return rows


def _count(query: sa.Select[Enrolment, Progress]) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def _histogram(scope: Scope) -> list[int]:
    bucket = sa.func.coalesce(Progress.percent, 0) / 10
    query = (
        sa.select(bucket, sa.func.count())
        .select_from(Enrolment)
        .outerjoin(Progress, Progress.enrolment_id == Enrolment.id)
        .where(Enrolment.cohort_id == scope.cohort.id, Enrolment.status.in_(PLACE_HOLDING))
        .group_by(bucket)
    )
    buckets = [0] * 11
    for value, count in db.session.execute(query):
        buckets[min(int(value), 10)] += count
    return buckets


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


def _scope(cohort: Cohort, inactive_days: int, today: date) -> Scope:
    return Scope(cohort, utcnow() - timedelta(days=inactive_days), expected_percent(cohort, today))


def load_dashboard(
    cohort: Cohort,
    language: str,
    *,
    inactive_days: int,
    today: date,
    page: int = 1,
    per_page: int = 100,
    behind_limit: int = 50,
) -> Dashboard:
    """The dashboard with one page of the progress grid; totals computed in the database."""
    outline = load_outline(cohort.course, language)
    scope = _scope(cohort, inactive_days, today)
    by_name = scope.learners().order_by(User.name, Enrolment.id)
    total = _count(scope.learners())
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    behind_query = by_name.where(scope.behind_condition())
    return Dashboard(
        cohort=cohort,
        outline=outline,
        rows=_rows(scope, outline, by_name.limit(per_page).offset((page - 1) * per_page)),
        total=total,
        page=page,
        pages=pages,
        expected_percent=scope.expected,
        behind=_rows(scope, outline, behind_query.limit(behind_limit)),
        behind_total=_count(behind_query),
        histogram=_histogram(scope),
        missed=_missed(cohort, outline),
        waiting=waiting_submissions(cohort),
    )


def all_rows(
    cohort: Cohort, language: str, *, inactive_days: int, today: date
) -> tuple[Outline, list[LearnerRow]]:
    """Every learner's row, for exports and the API (grows with the cohort, as it must)."""
    outline = load_outline(cohort.course, language)
    scope = _scope(cohort, inactive_days, today)
    query = scope.learners().order_by(User.name, Enrolment.id)
    return outline, _rows(scope, outline, query, everyone=True)


def question_texts(dashboard: Dashboard, language: str) -> dict[tuple[int, str], str]:
    """The text of each most-missed question (one query per quiz concerned, at most 5)."""
    texts: dict[tuple[int, str], str] = {}
    for item in {m.item.id: m.item for m in dashboard.missed}.values():
        shown, _language, _fields = shown_questions(dashboard.cohort.course, item, language)
        texts.update({(item.id, q.key): q.text for q in shown})
    return texts
