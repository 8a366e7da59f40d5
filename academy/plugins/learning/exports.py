"""Exports of a cohort's learning: progress as CSV, and xAPI 1.0.3 statements as JSON lines.

xAPI statements use the ADL verbs (completed, passed, failed, attempted), actors
identified as accounts on this academy (homePage = the academy's address,
name = the user's id: no email leaves the academy), and activity ids under the
academy's course URLs, so a learning record store can tell activities apart.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from academy.extensions import db
from academy.plugins.cohorts.models import Cohort, Enrolment
from academy.plugins.courses.models import Item
from academy.plugins.courses.outline import Outline
from academy.plugins.learning.dashboard import LearnerRow
from academy.plugins.learning.models import Completion, QuizAttempt

ADL = "http://adl.gov/expapi/verbs/"
VERBS = {
    name: {"id": ADL + name, "display": {"en-US": name}}
    for name in ("completed", "passed", "failed", "attempted")
}
XAPI_VERSION = "1.0.3"
#: A fixed namespace so the same event always gets the same statement id.
STATEMENT_NAMESPACE = uuid.UUID("6f1c1f0e-8a0a-4f55-9a9b-0c3f0ad7c0de")


def progress_csv(outline: Outline, rows: list[LearnerRow]) -> str:
    """One row per learner: name, organisation, status, percent, last activity, per module."""
    out = io.StringIO()
    writer = csv.writer(out)
    modules = outline.modules
    writer.writerow(
        [
            "name",
            "organisation",
            "status",
            "percent",
            "last_activity",
            *[_safe(m.title) for m in modules],
        ]
    )
    for row in rows:
        organisation = row.user.organisation.name if row.user.organisation else ""
        cells = [f"{row.modules[m.module.id][0]}/{row.modules[m.module.id][1]}" for m in modules]
        writer.writerow(
            [
                _safe(row.user.name),
                _safe(organisation),
                row.enrolment.status.value,
                row.percent,
                row.last_activity.isoformat() if row.last_activity else "",
                *cells,
            ]
        )
    return out.getvalue()


def _safe(value: str) -> str:
    """Keep spreadsheet programs from reading a cell as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _actor(user_id: int, base_url: str) -> dict[str, object]:
    return {"objectType": "Agent", "account": {"homePage": base_url, "name": str(user_id)}}


def _activity(base_url: str, slug: str, item: Item) -> dict[str, object]:
    return {
        "objectType": "Activity",
        "id": f"{base_url}/courses/{slug}/items/{item.key}",
        "definition": {"type": f"http://adlnet.gov/expapi/activities/{_kind(item)}"},
    }


def _kind(item: Item) -> str:
    return {"lesson": "lesson", "quiz": "assessment", "assignment": "assessment"}[item.type.value]


def _statement(
    key: str, actor: dict[str, object], verb: str, obj: dict[str, object], when: datetime
) -> dict[str, object]:
    return {
        "id": str(uuid.uuid5(STATEMENT_NAMESPACE, key)),
        "actor": actor,
        "verb": VERBS[verb],
        "object": obj,
        "timestamp": when.isoformat(),
        "version": XAPI_VERSION,
    }


def xapi_statements(cohort: Cohort, base_url: str) -> Iterator[str]:
    """The cohort's learning events as xAPI statements, one JSON document per line."""
    slug = cohort.course.slug
    base = f"{base_url}/learn/cohorts/{cohort.id}"
    completions = db.session.execute(
        sa.select(Completion, Enrolment.user_id, Item)
        .join(Enrolment, Completion.enrolment_id == Enrolment.id)
        .join(Item, Completion.item_id == Item.id)
        .where(Enrolment.cohort_id == cohort.id)
        .order_by(Completion.completed_at, Completion.id)
    )
    for completion, user_id, item in completions:
        yield json.dumps(
            _statement(
                f"{base}/completion/{completion.id}",
                _actor(user_id, base_url),
                "completed",
                _activity(base_url, slug, item),
                completion.completed_at,
            )
        )
    attempts = db.session.scalars(
        sa.select(QuizAttempt)
        .options(joinedload(QuizAttempt.item))
        .join(Enrolment, QuizAttempt.enrolment_id == Enrolment.id)
        .where(Enrolment.cohort_id == cohort.id)
        .order_by(QuizAttempt.created_at, QuizAttempt.id)
    )
    user_of = dict(
        db.session.execute(
            sa.select(Enrolment.id, Enrolment.user_id).where(Enrolment.cohort_id == cohort.id)
        ).all()
    )
    for attempt in attempts:
        actor = _actor(user_of[attempt.enrolment_id], base_url)
        activity = _activity(base_url, slug, attempt.item)
        key = f"{base}/attempt/{attempt.id}"
        yield json.dumps(_statement(key, actor, "attempted", activity, attempt.created_at))
        verb = "passed" if attempt.passed else "failed"
        statement = _statement(f"{key}/{verb}", actor, verb, activity, attempt.created_at)
        statement["result"] = {
            "score": {"scaled": attempt.score / 100, "raw": attempt.score, "min": 0, "max": 100},
            "success": attempt.passed,
        }
        yield json.dumps(statement)
