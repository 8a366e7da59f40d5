"""Requests per second of Academy's pages under gunicorn, beside a bare Flask hello-world
served with the same settings in the same run (target: course and verification pages at
>= 50 % of hello-world).

A bounded client on this machine only (127.0.0.1): THREADS keep-alive connections for
SECONDS per page, then it stops.  The academy is a fresh `academy demo` instance on
SQLite, and on PostgreSQL when BENCH_DATABASE_URL names a database it may empty.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

THREADS = 8
SECONDS = 4.0
WORKERS = 4
ROOT = Path(__file__).resolve().parents[1]
ACADEMY = [sys.executable, "-c", "import sys; from academy.cli import main; main(sys.argv[1:])"]


@dataclass
class Target:
    name: str
    path: str
    method: str = "GET"
    headers: dict[str, str] | None = None
    body: bytes | None = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answers on port {port}")


def hammer(port: int, target: Target) -> tuple[float, int]:
    """(requests per second, errors) for one target."""
    done, errors = [0] * THREADS, [0] * THREADS
    stop = time.monotonic() + SECONDS

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            connection.request(
                target.method, target.path, body=target.body, headers=target.headers or {}
            )
            response = connection.getresponse()
            response.read()
            if response.status >= 400:
                errors[index] += 1
            done[index] += 1
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started), sum(errors)


def _env(instance: str, database: str | None) -> dict[str, str]:
    env = os.environ | {
        "ACADEMY_INSTANCE_PATH": instance,
        "ACADEMY_PRODUCTION": "false",
        "ACADEMY_RATELIMIT_ENABLED": "false",
        "SECRET_KEY": "benchmark-secret",
    }
    env.pop("DATABASE_URL", None)
    if database:
        env["DATABASE_URL"] = database
    return env


def _academy(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [*ACADEMY, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return done.stdout


def _fixtures(env: dict[str, str]) -> dict[str, Any]:
    """Session cookies, an API token and ids of the demo data, read through the app."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.fixtures"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    found["token"] = _academy(env, "tokens", "create", "learner@demo.example.org").split()[-1]
    return found


def targets(f: dict[str, Any]) -> list[Target]:
    learner = {"Cookie": f"{f['cookie']}={f['learner']}"}
    moderator = {"Cookie": f"{f['cookie']}={f['moderator']}"}
    api = {"Authorization": f"Bearer {f['token']}", "Content-Type": "application/json"}
    return [
        Target("learner's course page", f"/learn/{f['enrolment']}", headers=learner),
        Target("lesson page", f"/learn/{f['enrolment']}/items/{f['lesson_key']}", headers=learner),
        Target("verification page", f"/verify/{f['code']}"),
        Target("moderator dashboard", "/learn/cohorts/1/dashboard", headers=moderator),
        Target(
            "lesson completion (write)",
            f"/api/v1/lessons/{f['lesson_id']}/complete",
            method="POST",
            headers=api,
            body=b"{}",
        ),
    ]


def _serve(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(port)
    return server


def run(label: str, database: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as instance:
        env = _env(instance, database)
        _academy(env, "demo")
        fixtures = _fixtures(env)
        results: dict[str, Any] = {}
        hello_port, academy_port = free_port(), free_port()
        hello = _serve(
            [sys.executable, "-m", "bench.hello", "127.0.0.1", str(hello_port), str(WORKERS)],
            env,
            hello_port,
        )
        try:
            baseline, _ = hammer(hello_port, Target("hello", "/"))
        finally:
            hello.terminate()
            hello.wait(timeout=30)
        server = _serve(
            [
                *ACADEMY,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(academy_port),
                "--workers",
                str(WORKERS),
            ],
            env,
            academy_port,
        )
        try:
            for target in targets(fixtures):
                rps, errors = hammer(academy_port, target)
                results[target.name] = {
                    "rps": round(rps, 1),
                    "ratio": round(rps / baseline, 2),
                    "errors": errors,
                }
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {"database": label, "hello_world_rps": round(baseline, 1), "pages": results}
