"""``academy cohorts``: create and list cohorts.

Each command runs in one transaction and commits once at its end; bad input
ends it with one line on stderr and exit status 2, changing nothing.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import click
from flask.cli import with_appcontext

from academy.cli import CliError
from academy.core.accounts.models import User
from academy.core.accounts.services import user_by_email
from academy.core.errors import DomainError
from academy.extensions import db
from academy.plugins.cohorts import editing, queries
from academy.plugins.cohorts.models import Cohort, CohortStatus, EnrolmentMode
from academy.plugins.courses.queries import get_course_by_slug

cohorts_group = click.Group("cohorts", help="Cohorts of courses on this instance.")
DATE = click.DateTime(formats=["%Y-%m-%d"])
FORMAT = click.Choice(["text", "json"])


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def _people(emails: tuple[str, ...]) -> list[User]:
    people = []
    for email in emails:
        user = user_by_email(email)
        if user is None:
            raise CliError(f"no user with the email {email!r}")
        people.append(user)
    return people


def cohort_record(cohort: Cohort, taken: int) -> dict[str, Any]:
    """What ``cohorts list --format json`` prints for one cohort."""
    return {
        "id": cohort.id,
        "name": cohort.name,
        "course": cohort.course.slug,
        "language": cohort.language,
        "mode": cohort.mode.value,
        "status": cohort.status.value,
        "capacity": cohort.capacity,
        "places_taken": taken,
        "starts_on": cohort.starts_on.isoformat() if cohort.starts_on else None,
        "ends_on": cohort.ends_on.isoformat() if cohort.ends_on else None,
    }


@cohorts_group.command("create")
@click.argument("course")
@click.option("--name", required=True, help="The cohort's name.")
@click.option("--capacity", type=click.IntRange(min=1), help="Places (default: no limit).")
@click.option(
    "--mode",
    type=click.Choice([m.value for m in EnrolmentMode]),
    default=EnrolmentMode.OPEN.value,
    show_default=True,
    help="How people join.",
)
@click.option(
    "--status",
    type=click.Choice([s.value for s in CohortStatus]),
    default=CohortStatus.OPEN.value,
    show_default=True,
    help="Open takes enrolments at once; draft hides the cohort.",
)
@click.option("--language", help="The cohort's language (default: the course's).")
@click.option("--starts", type=DATE, help="First day, YYYY-MM-DD.")
@click.option("--ends", type=DATE, help="Last day, YYYY-MM-DD.")
@click.option("--description", default="", help="Shown on the cohort's page.")
@click.option("--moderator", "moderators", multiple=True, help="A moderator's email (repeatable).")
@click.option("--reviewer", "reviewers", multiple=True, help="A reviewer's email (repeatable).")
@click.option("--format", "output", type=FORMAT, default="text", show_default=True)
@with_appcontext
def create_command(
    course: str,
    name: str,
    capacity: int | None,
    mode: str,
    status: str,
    language: str | None,
    starts: datetime | None,
    ends: datetime | None,
    description: str,
    moderators: tuple[str, ...],
    reviewers: tuple[str, ...],
    output: str,
) -> None:
    """Create a cohort of COURSE (a course's slug)."""
    found = get_course_by_slug(course)
    if found is None:
        raise CliError(f"no course with the slug {course!r}")
    details = editing.CohortDetails(
        name=name,
        language=language or found.source_language,
        mode=EnrolmentMode(mode),
        status=CohortStatus(status),
        capacity=capacity,
        starts_on=_day(starts),
        ends_on=_day(ends),
        description=description,
    )
    staff = {"moderators": _people(moderators), "reviewers": _people(reviewers)}
    try:
        cohort = editing.create_cohort(found, details, by=None)
        editing.set_staff(cohort, **staff, by=None)
    except DomainError as exc:
        raise CliError(exc.message) from None
    db.session.commit()
    if output == "json":
        click.echo(json.dumps({"id": cohort.id}))
    else:
        click.echo(f"Created cohort {cohort.id} “{cohort.name}” of {found.slug} ({mode}, {status})")


@cohorts_group.command("list")
@click.option("--format", "output", type=FORMAT, default="text", show_default=True)
@with_appcontext
def list_command(output: str) -> None:
    """List every cohort, newest first, with its places taken."""
    cohorts = list(db.session.scalars(queries.all_cohorts_query()))
    taken = queries.taken_counts([c.id for c in cohorts])
    records = [cohort_record(c, taken.get(c.id, 0)) for c in cohorts]
    if output == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    for r in records:
        places = f"{r['places_taken']}/{r['capacity'] or '∞'}"
        click.echo(f"{r['id']}  {r['course']}  {r['mode']}  {r['status']}  {places}  {r['name']}")
