"""The panel on lesson pages: links to this lesson's board in each of my cohorts."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from academy.extensions import db
from academy.plugins.cohorts.models import Cohort
from academy.plugins.courses.models import Course, Item, ItemType
from academy.plugins.discussions.access import in_participating_cohort


def lesson_panel(course: Course, item: Item) -> Markup | None:
    """For a signed-in participant: this lesson's discussion in each of their cohorts."""
    if item.type != ItemType.LESSON or not current_user.is_authenticated:
        return None
    query = (
        sa.select(Cohort)
        .where(Cohort.course_id == course.id, in_participating_cohort(Cohort.id, current_user.id))
        .order_by(Cohort.name, Cohort.id)
    )
    cohorts = list(db.session.scalars(query))
    if not cohorts:
        return None
    html = render_template("discussions/_lesson_panel.html", cohorts=cohorts, lesson=item)
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template
