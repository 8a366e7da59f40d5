"""Data generator for benchmarks: a course of M modules x L lessons and cohorts of N learners
with random progress, inserted in bulk so that large cohorts take seconds to build."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from academy.core.accounts.models import User
from academy.core.db import utcnow
from academy.extensions import db
from academy.plugins.cohorts.models import (
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentMode,
    EnrolmentStatus,
)
from academy.plugins.courses.models import Course, CourseText, Item, ItemType, Module, TextScope
from academy.plugins.learning.models import Completion, Progress


@dataclass
class Generated:
    course: Course
    cohort: Cohort
    moderator: User


def make_course(slug: str, modules: int, lessons_per_module: int) -> Course:
    course = Course(slug=slug, version="1.0.0", source_language="en")
    db.session.add(course)
    db.session.flush()
    db.session.add(
        CourseText(
            course_id=course.id,
            scope=TextScope.COURSE,
            key="",
            language="en",
            fields={"title": f"Course {slug}", "summary": "", "body": ""},
        )
    )
    for m in range(modules):
        module = Module(course_id=course.id, key=f"m{m}", position=m)
        db.session.add(module)
        db.session.flush()
        db.session.add(
            CourseText(
                course_id=course.id,
                scope=TextScope.MODULE,
                key=module.key,
                language="en",
                fields={"title": f"Module {m}", "body": ""},
            )
        )
        for n in range(lessons_per_module):
            key = f"m{m}-l{n}"
            db.session.add(
                Item(
                    course_id=course.id,
                    module_id=module.id,
                    key=key,
                    type=ItemType.LESSON,
                    position=n,
                    minutes=10,
                )
            )
            db.session.add(
                CourseText(
                    course_id=course.id,
                    scope=TextScope.LESSON,
                    key=key,
                    language="en",
                    fields={"title": f"Lesson {key}", "body": "x"},
                )
            )
    db.session.flush()
    return course


def make_cohort(course: Course, learners: int, moderator: User, seed: int = 1) -> Cohort:
    """A running cohort with ``learners`` enrolled learners at random points of the course."""
    rng = random.Random(seed)
    today = date.today()
    cohort = Cohort(
        course=course,
        name=f"Bench {learners}",
        language="en",
        status=CohortStatus.RUNNING,
        mode=EnrolmentMode.OPEN,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=30),
    )
    cohort.moderators = [moderator]
    db.session.add(cohort)
    db.session.flush()
    now = utcnow()
    stamp = f"{cohort.id}-{rng.random():.6f}"
    users = [
        {
            "email": f"b{stamp}-{i}@bench.example.org",
            "name": f"Learner {i:05d}",
            "login_id": f"{stamp}-{i}",
            "job_function": "",
            "active": True,
            "created_at": now,
        }
        for i in range(learners)
    ]
    db.session.execute(sa.insert(User), users)
    user_ids = db.session.scalars(
        sa.select(User.id).where(User.email.like(f"b{stamp}-%")).order_by(User.id)
    ).all()
    db.session.execute(
        sa.insert(Enrolment),
        [
            {
                "cohort_id": cohort.id,
                "user_id": uid,
                "status": EnrolmentStatus.ACTIVE,
                "created_at": now,
                "updated_at": now,
            }
            for uid in user_ids
        ],
    )
    enrolment_ids = db.session.scalars(
        sa.select(Enrolment.id).where(Enrolment.cohort_id == cohort.id)
    ).all()
    items = db.session.scalars(
        sa.select(Item.id)
        .where(Item.course_id == course.id)
        .order_by(Item.module_id, Item.position)
    ).all()
    completions, progress = [], []
    for eid in enrolment_ids:
        done = rng.randint(0, len(items))
        completions.extend(
            {"enrolment_id": eid, "item_id": iid, "completed_at": now} for iid in items[:done]
        )
        progress.append(
            {
                "enrolment_id": eid,
                "percent": done * 100 // len(items),
                "required_done": done,
                "required_total": len(items),
                "last_activity_at": now - timedelta(days=rng.randint(0, 40)),
            }
        )
    db.session.execute(sa.insert(Completion), completions)
    db.session.execute(sa.insert(Progress), progress)
    db.session.flush()
    return cohort
