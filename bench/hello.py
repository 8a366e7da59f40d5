"""A bare Flask hello-world under the same gunicorn settings as ``academy serve``: the
yardstick the load benchmark divides by.  Run: python -m bench.hello HOST PORT WORKERS"""

from __future__ import annotations

import sys
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from academy.core.serve import options

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, world!"


class _Hello(BaseApplication):
    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return app


if __name__ == "__main__":
    host, port, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    _Hello(options(host, port, workers)).run()
