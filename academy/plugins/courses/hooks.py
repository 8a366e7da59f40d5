"""Extension point of the lesson and item pages, without signals.

Another plugin (learning, cohorts) registers an *item panel* in its ``setup``:
a function of (course, item) returning a ``Markup`` HTML fragment (e.g. a "Mark as
complete" form or the learner's progress) or None.  The lesson and item
pages render every panel's fragment inside their ``lesson_actions`` block;
a template that extends them may also override that block.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from markupsafe import Markup, escape

from academy.plugins.courses.models import Course, Item

ItemPanel = Callable[[Course, Item], Markup | str | None]
EXTENSION = "courses_item_panels"


def init_app(app: Flask) -> None:
    app.extensions.setdefault(EXTENSION, [])


def register_item_panel(app: Flask, panel: ItemPanel) -> None:
    """Show ``panel``'s fragment on every lesson and item page (plain strings are escaped)."""
    app.extensions.setdefault(EXTENSION, []).append(panel)


def item_panels(course: Course, item: Item) -> list[Markup]:
    """The fragments registered panels give for ``item``, in registration order."""
    fragments = []
    for panel in current_app.extensions.get(EXTENSION, []):
        fragment = panel(course, item)
        if fragment:
            fragments.append(escape(fragment))
    return fragments
