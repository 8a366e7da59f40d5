""" "My learning": every enrolment of a person, with progress and the next step.

Runs a fixed number of queries whatever the number of enrolments and courses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from academy.extensions import db
from academy.plugins.cohorts.models import CURRENT, Cohort, Enrolment, EnrolmentStatus
from academy.plugins.courses.models import CourseText, Item
from academy.plugins.courses.outline import load_structure
from academy.plugins.courses.queries import CatalogueEntry, describe_courses
from academy.plugins.learning.hooks import enrolment_panels
from academy.plugins.learning.models import Progress
from academy.plugins.learning.state import item_ids_done


@dataclass
class MyEnrolment:
    enrolment: Enrolment
    course: CatalogueEntry
    percent: int
    next_item: Item | None = None
    next_title: str = ""
    panels: list[Markup] = field(default_factory=list)

    @property
    def cohort(self) -> Cohort:
        return self.enrolment.cohort

    @property
    def studying(self) -> bool:
        return self.enrolment.status in (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)


def _next_items(enrolments: list[Enrolment]) -> dict[int, Item]:
    """The first required item each enrolment has not done, from the course structures."""
    _modules, items = load_structure(sorted({e.cohort.course_id for e in enrolments}))
    by_course: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        by_course[item.course_id].append(item)
    done = item_ids_done([e.id for e in enrolments])
    found = {}
    for enrolment in enrolments:
        for item in by_course[enrolment.cohort.course_id]:
            if item.required and item.id not in done[enrolment.id]:
                found[enrolment.id] = item
                break
    return found


def _titles(items: list[Item], languages: dict[int, str], language: str) -> dict[int, str]:
    """Each item's title in ``language``, else in its course's source language: one query."""
    if not items:
        return {}
    query = sa.select(CourseText).where(
        sa.tuple_(CourseText.course_id, CourseText.key).in_([(i.course_id, i.key) for i in items]),
        CourseText.language.in_({language, *languages.values()}),
    )
    rows: dict[tuple[int, str, str], str] = {}
    for row in db.session.scalars(query):
        rows[(row.course_id, row.key, row.language)] = str(row.fields.get("title") or "")
    titles = {}
    for item in items:
        wanted = rows.get((item.course_id, item.key, language))
        titles[item.id] = wanted or rows.get(
            (item.course_id, item.key, languages[item.course_id]), item.key
        )
    return titles


def my_learning(user: Any, language: str) -> list[MyEnrolment]:
    enrolments = list(
        db.session.scalars(
            sa.select(Enrolment)
            .options(joinedload(Enrolment.cohort).joinedload(Cohort.course))
            .where(Enrolment.user_id == user.id, Enrolment.status.in_(CURRENT))
            .order_by(Enrolment.created_at.desc(), Enrolment.id.desc())
        )
    )
    if not enrolments:
        return []
    courses = {c.id: c for c in {e.cohort.course for e in enrolments}}
    described = {
        entry.course.id: entry for entry in describe_courses(list(courses.values()), language)
    }
    progress = {
        row.enrolment_id: row
        for row in db.session.scalars(
            sa.select(Progress).where(Progress.enrolment_id.in_([e.id for e in enrolments]))
        )
    }
    studying = [e for e in enrolments if e.status == EnrolmentStatus.ACTIVE]
    next_items = _next_items(studying) if studying else {}
    sources = {cid: course.source_language for cid, course in courses.items()}
    titles = _titles(list(next_items.values()), sources, language)
    panels = enrolment_panels(user, [e.id for e in enrolments])
    entries = []
    for enrolment in enrolments:
        row = progress.get(enrolment.id)
        following = next_items.get(enrolment.id)
        entries.append(
            MyEnrolment(
                enrolment=enrolment,
                course=described[enrolment.cohort.course_id],
                percent=row.percent if row else 0,
                next_item=following,
                next_title=titles.get(following.id, "") if following else "",
                panels=panels.get(enrolment.id, []),
            )
        )
    return entries
