"""``python -m bench``: run every benchmark, print a table, write bench/results/*.json."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

from bench import dashboard

RESULTS = Path(__file__).parent / "results"


def main() -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    results = dashboard.run()
    RESULTS.mkdir(exist_ok=True)
    document = {"machine": machine, "results": results}
    (RESULTS / "dashboard.json").write_text(json.dumps(document, indent=2) + "\n")
    print(f"{'scenario':40} {'500 learners':>14} {'5,000 learners':>16} {'ratio':>7} target")
    for result in results:
        s = result["seconds"]
        print(
            f"{result['scenario']:40} {s['500']:>13.3f}s {s['5000']:>15.3f}s "
            f"{result['ratio_10x_learners']:>7} {result['target']}"
        )
    print(f"machine: {machine}")


if __name__ == "__main__":
    main()
