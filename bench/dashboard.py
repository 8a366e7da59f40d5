"""The moderator dashboard's cost as the cohort grows (target: 10x learners <= 5x time).

The CSV export reads every learner, so it grows linearly (names sorted: n log n).

Builds a fresh SQLite instance, one course of 60 lessons and cohorts of 500 and
5,000 learners, then times the dashboard page through the app (best of a few runs).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from flask_migrate import upgrade

from academy import create_app
from academy.core.accounts.models import Role
from academy.core.accounts.services import create_user
from academy.extensions import db
from bench.generate import make_cohort, make_course

SIZES = (500, 5000)
RUNS = 3


def _time_page(client: Any, url: str) -> float:
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return min(timings)


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "ACADEMY_INSTANCE_PATH": folder,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite'}",
                "SECRET_KEY": "bench",
                "ACADEMY_PRODUCTION": False,
                "RATELIMIT_ENABLED": False,
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            }
        )
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory, revision="heads")
            moderator = create_user(
                "mod@bench.example.org",
                "Moderator",
                "bench-password-1",
                roles=[Role.MODERATOR],
                confirmed=True,
            )
            course = make_course("bench", modules=6, lessons_per_module=10)
            cohorts = {n: make_cohort(course, n, moderator, seed=n) for n in SIZES}
            db.session.commit()
            urls = {n: f"/learn/cohorts/{c.id}/dashboard" for n, c in cohorts.items()}
            login_id = moderator.login_id
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = login_id, True
        pages = {n: _time_page(client, url) for n, url in urls.items()}
        exports = {
            n: _time_page(client, url.replace("dashboard", "progress.csv"))
            for n, url in urls.items()
        }
    return [
        _result("moderator dashboard page, 60 lessons", pages, 5.0),
        _result("progress CSV export (every learner)", exports, 12.0),
    ]


def _result(scenario: str, seconds: dict[int, float], target: float) -> dict[str, Any]:
    small, large = SIZES
    ratio = seconds[large] / seconds[small]
    return {
        "scenario": scenario,
        "seconds": {str(n): round(s, 4) for n, s in seconds.items()},
        "ratio_10x_learners": round(ratio, 2),
        "target": f"<= {target}",
        "ok": ratio <= target,
        "runs": f"best of {RUNS}",
    }
