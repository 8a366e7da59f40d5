"""The selection report: every application with its scores and the decision.

Rows are sorted by weighted score (best first, unscored last).  The viewer's
own organisation's applications are left out, as on the other selection pages.
The CSV neutralises cells a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from academy.core.accounts.models import User
from academy.plugins.cohorts.criteria import criterion_label, weighted_score
from academy.plugins.cohorts.expertise import field_label
from academy.plugins.cohorts.models import Application, Cohort
from academy.plugins.cohorts.selection import visible_applications

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ReportRow:
    application: Application
    reviews: int
    means: dict[str, float]
    score: float | None

    @property
    def applicant(self) -> User:
        return self.application.enrolment.user


def score_means(application: Application) -> dict[str, float]:
    """Each criterion's mean score over the application's reviews."""
    totals: dict[str, list[int]] = defaultdict(list)
    for review in application.reviews:
        for key, value in review.scores.items():
            totals[key].append(int(value))
    return {key: sum(values) / len(values) for key, values in totals.items()}


def report_row(cohort: Cohort, application: Application) -> ReportRow:
    means = score_means(application)
    return ReportRow(
        application, len(application.reviews), means, weighted_score(cohort.criteria, means)
    )


def selection_report(cohort: Cohort, *, viewer: User) -> list[ReportRow]:
    rows = [report_row(cohort, a) for a in visible_applications(cohort, hidden_from=viewer)]
    return sorted(rows, key=lambda r: (r.score is None, -(r.score or 0), r.application.id))


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _csv_line(cohort: Cohort, row: ReportRow) -> list[str]:
    application, applicant = row.application, row.applicant
    organisation = application.organisation
    return [
        str(application.id),
        applicant.name,
        applicant.email,
        organisation.name if organisation else "",
        organisation.country if organisation else "",
        "; ".join(field_label(field) for field in application.expertise),
        application.international_experience,
        application.motivation,
        str(row.reviews),
        *[_number(row.means.get(c["key"])) for c in cohort.criteria],
        _number(row.score),
        application.decision.label if application.decision else "",
        application.decision_reason,
        application.decided_at.date().isoformat() if application.decided_at else "",
        application.enrolment.status.label,
    ]


def report_csv(cohort: Cohort, rows: list[ReportRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Application"),
            _("Applicant"),
            _("Email"),
            _("Organisation"),
            _("Country"),
            _("Fields of expertise"),
            _("International experience"),
            _("Motivation"),
            _("Reviews"),
            *[criterion_label(c) for c in cohort.criteria],
            _("Weighted score (0-5)"),
            _("Decision"),
            _("Reason"),
            _("Decided on"),
            _("Enrolment"),
        ]
    )
    for row in rows:
        writer.writerow([_cell(value) for value in _csv_line(cohort, row)])
    return buffer.getvalue()
