"""Run the application under gunicorn from the ``academy serve`` command."""

from __future__ import annotations

import multiprocessing
from typing import Any

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from academy import create_app

        return create_app()


def options(host: str, port: int, workers: int) -> dict[str, Any]:
    """The gunicorn settings of ``academy serve`` (the benchmarks serve hello-world alike)."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers or multiprocessing.cpu_count() * 2 + 1,
        "accesslog": "-",
        "worker_class": "sync",
        "timeout": 60,
        "graceful_timeout": 20,
    }


def serve(host: str, port: int, workers: int) -> None:
    _Server(options(host, port, workers)).run()
