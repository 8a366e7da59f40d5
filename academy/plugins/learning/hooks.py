"""Extension points of the learner's pages, for other plugins (certificates, discussions).

A *my-learning panel* is a function of (user, enrolment ids) returning a dict
enrolment id -> HTML fragment shown with that enrolment (e.g. its certificate);
a *dashboard panel* is a function of (user) returning an HTML fragment shown at
the top of "My learning" (e.g. announcements).  Each must run a bounded number
of queries whatever the number of enrolments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import Flask, current_app
from markupsafe import Markup, escape

EnrolmentPanel = Callable[[Any, Sequence[int]], dict[int, Markup | str]]
DashboardPanel = Callable[[Any], Markup | str | None]
ENROLMENT_PANELS = "learning_enrolment_panels"
DASHBOARD_PANELS = "learning_dashboard_panels"


def register_enrolment_panel(app: Flask, panel: EnrolmentPanel) -> None:
    app.extensions.setdefault(ENROLMENT_PANELS, []).append(panel)


def register_dashboard_panel(app: Flask, panel: DashboardPanel) -> None:
    app.extensions.setdefault(DASHBOARD_PANELS, []).append(panel)


def enrolment_panels(user: Any, enrolment_ids: Sequence[int]) -> dict[int, list[Markup]]:
    found: dict[int, list[Markup]] = {eid: [] for eid in enrolment_ids}
    for panel in current_app.extensions.get(ENROLMENT_PANELS, []):
        for enrolment_id, fragment in panel(user, enrolment_ids).items():
            if fragment and enrolment_id in found:
                found[enrolment_id].append(escape(fragment))
    return found


def dashboard_panels(user: Any) -> list[Markup]:
    fragments = (panel(user) for panel in current_app.extensions.get(DASHBOARD_PANELS, []))
    return [escape(fragment) for fragment in fragments if fragment]
