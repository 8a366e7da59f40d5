"""``python -m bench``: run every benchmark, print tables, write bench/results/*.json.

The load benchmark runs on SQLite, then on PostgreSQL when BENCH_DATABASE_URL is set
or a local server answers (it creates and empties the database ``academy_bench``).
"""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

from bench import dashboard, load

RESULTS = Path(__file__).parent / "results"
LOCAL_PG = "postgresql://postgres@127.0.0.1:5432/"


def _postgres() -> str | None:
    """A PostgreSQL database the benchmark may empty, or None."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    try:
        import psycopg

        with psycopg.connect(LOCAL_PG + "postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute("DROP DATABASE IF EXISTS academy_bench")
            conn.execute("CREATE DATABASE academy_bench")
    except Exception:
        return None
    return LOCAL_PG + "academy_bench"


def _write(name: str, document: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(document, indent=2) + "\n")


def main() -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    results = dashboard.run()
    _write("dashboard", {"machine": machine, "results": results})
    print(f"{'scenario':40} {'500 learners':>14} {'5,000 learners':>16} {'ratio':>7} target")
    for result in results:
        s = result["seconds"]
        print(
            f"{result['scenario']:40} {s['500']:>13.3f}s {s['5000']:>15.3f}s "
            f"{result['ratio_10x_learners']:>7} {result['target']}"
        )
    runs = [load.run("SQLite", None)]
    database = _postgres()
    if database:
        runs.append(load.run("PostgreSQL", database))
    _write(
        "load",
        {
            "machine": machine,
            "threads": load.THREADS,
            "seconds": load.SECONDS,
            "workers": load.WORKERS,
            "runs": runs,
        },
    )
    for run in runs:
        print(f"\n{run['database']}: hello-world {run['hello_world_rps']} requests/s")
        print(f"{'page':32} {'requests/s':>11} {'x hello':>8} {'errors':>7}")
        for page, figures in run["pages"].items():
            print(f"{page:32} {figures['rps']:>11} {figures['ratio']:>8} {figures['errors']:>7}")
    print(f"\nmachine: {machine}")


if __name__ == "__main__":
    main()
