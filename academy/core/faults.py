"""Fault injection for the "nothing is lost" tests.

``crash_point(name)`` ends the process at once (``os._exit``: no clean-up, no commit,
no rollback) when the environment variable ``ACADEMY_CRASH_AT`` names that point.
Tests run a command in a subprocess with it set, then check that the database holds
nothing half-done.  Unset (always, in production) it costs one dictionary lookup.
"""

from __future__ import annotations

import os

CRASH_EXIT_STATUS = 70


def crash_point(name: str) -> None:
    if os.environ.get("ACADEMY_CRASH_AT") == name:
        os._exit(CRASH_EXIT_STATUS)
