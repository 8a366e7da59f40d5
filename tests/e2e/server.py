"""A real Academy for the browser journeys, separate from the rest of the test suite.

It has its own instance folder and SQLite database (never ``TEST_DATABASE_URL``),
is prepared with the documented commands (``academy demo``, then ``academy cohorts
create`` for an open cohort of the course that has an assignment, ``academy users
create`` for a second learner, ``academy packages build`` for a newer version of a
course) and served by ``academy serve`` (gunicorn) on a free port of 127.0.0.1.
:meth:`DemoAcademy.stop` ends the server; it also ends if pytest dies.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo-password-2026"  # printed by `academy demo`
#: A second learner for the discussion journey, made with `academy users create`.
POSTER = ("paul.poster@example.org", "Paul Poster", "a long poster password")
OPEN_EXCHANGE_COHORT = "Exchange methodology — open cohort for browser tests"
UPGRADE_VERSION = "1.1.0"
NEW_LESSON = "closing-reflection"
NEW_LESSON_TITLE = "A closing reflection for moderators"
START_TIMEOUT = 60.0
PR_SET_PDEATHSIG = 1
_SEPARATOR = "\n=== next academy command ===\n"
#: Runs ``academy`` commands (JSON: [[argv, stdin], ...]) in one interpreter, which saves
#: the start-up of one process per command; an error ends it with a non-zero status.
_RUN_COMMANDS = f"""
import io, json, sys
from academy.cli import cli
for argv, stdin in json.loads(sys.argv[1]):
    sys.stdin = io.StringIO(stdin)
    print({_SEPARATOR!r}, end="", flush=True)
    cli.main(args=argv, prog_name="academy", standalone_mode=False)
"""
Command = tuple[tuple[str, ...], str]  # (arguments of `academy`, standard input)


def _academy_command() -> str:
    """The ``academy`` console script of the running interpreter's environment."""
    beside = Path(sys.executable).with_name("academy")
    found = str(beside) if beside.exists() else shutil.which("academy")
    if not found:
        raise RuntimeError("the `academy` command is not installed (pip install -e .)")
    return found


def _stop_with_parent() -> None:
    """In the server's process: receive SIGTERM if pytest dies without stopping it (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(instance: Path, base_url: str) -> dict[str, str]:
    """The machine's environment without any Academy or database setting, plus ours."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ACADEMY_") and "DATABASE_URL" not in key
    }
    env.update(
        {
            "ACADEMY_INSTANCE_PATH": str(instance),
            "DATABASE_URL": f"sqlite:///{instance / 'academy.sqlite'}",
            "SECRET_KEY": "browser-tests-secret",
            "ACADEMY_BASE_URL": base_url,
            "ACADEMY_PRODUCTION": "false",
            # Journeys sign in many times a minute from one address.
            "ACADEMY_RATELIMIT_ENABLED": "false",
            # Mail stays in the outbox, where the journeys read it.
            "ACADEMY_MAIL_SEND_AFTER_REQUEST": "false",
            "ACADEMY_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "PYTHONWARNINGS": "ignore",
            # gunicorn's control socket goes there: one per test server, not ~/.gunicorn.
            "XDG_RUNTIME_DIR": str(instance),
        }
    )
    return env


@dataclass
class DemoAcademy:
    """A served demo academy: its address, folders and the data the journeys use."""

    url: str
    instance: Path
    env: dict[str, str]
    open_cohort_id: int = 0
    package: Path = field(default_factory=Path)
    process: subprocess.Popen[bytes] | None = None
    log: IO[bytes] | None = None

    @property
    def database(self) -> Path:
        return self.instance / "academy.sqlite"

    @property
    def log_path(self) -> Path:
        return self.instance / "server.log"

    def run(self, *commands: Command) -> list[str]:
        """Run ``academy`` commands in one interpreter, in order; the output of each."""
        plan = [[list(argv), stdin] for argv, stdin in commands]
        done = subprocess.run(
            [sys.executable, "-c", _RUN_COMMANDS, json.dumps(plan)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"academy commands failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout.split(_SEPARATOR)[1:]

    def query(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        """Rows of a read-only query on the instance's database."""
        uri = f"file:{self.database}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=15)) as conn:
            return list(conn.execute(sql, params).fetchall())

    def cohort_id(self, course: str, mode: str) -> int:
        """The id of the first cohort of ``course`` (a slug) with enrolment ``mode``."""
        rows = self.query(
            "SELECT c.id FROM cohorts_cohort c JOIN courses_course k ON k.id = c.course_id "
            "WHERE k.slug = ? AND c.mode = ? ORDER BY c.id LIMIT 1",
            course,
            mode,
        )
        assert rows, f"no {mode} cohort of {course}"
        return int(rows[0][0])  # type: ignore[call-overload]

    def mail_to(self, recipient: str, kind: str) -> str:
        """The newest email of ``kind`` sent to ``recipient`` (from the outbox table)."""
        rows = self.query(
            "SELECT body FROM core_outbox_message WHERE recipient = ? AND kind = ? "
            "ORDER BY id DESC LIMIT 1",
            recipient,
            kind,
        )
        assert rows, f"no {kind!r} email to {recipient} in the outbox"
        return str(rows[0][0])

    def link_in_mail(self, recipient: str, kind: str) -> str:
        """The first link to this academy in the newest email of ``kind``."""
        body = self.mail_to(recipient, kind)
        found = re.search(re.escape(self.url) + r"/\S+", body)
        assert found, f"no link to {self.url} in the {kind!r} email:\n{body}"
        return found.group(0)

    def start(self) -> None:
        port = int(self.url.rsplit(":", 1)[1])
        self.log = self.log_path.open("ab")
        command = [_academy_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
        self.process = subprocess.Popen(
            [*command, "--workers", "3"],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_stop_with_parent,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"academy serve exited early; see {self.log_path}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer,  # noqa: S310
            ):
                if answer.status == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"academy serve did not answer within {START_TIMEOUT:.0f} s")

    def stop(self) -> None:
        """End gunicorn (master and workers) and close the log."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGINT)  # quick shutdown: nothing to finish
                try:
                    self.process.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    # The workers are gone by now; gunicorn's master can spend seconds
                    # closing its control socket.
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(timeout=10)
            self.process = None
        if self.log is not None:
            self.log.close()
            self.log = None


def _upgraded_package_source(target: Path) -> Path:
    """online-moderation with a newer version, one lesson changed and one lesson added."""
    source = target / "online-moderation"
    shutil.copytree(ROOT / "courses" / "online-moderation", source)
    manifest = source / "course.toml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace('version = "1.0.0"', f'version = "{UPGRADE_VERSION}"', 1)
    # Appended after the last module's items, the new table joins that module.
    text += (
        f'\n  [[modules.items]]\n  type = "lesson"\n  id = "{NEW_LESSON}"\n'
        "  minutes = 10\n  required = false\n"
    )
    manifest.write_text(text, encoding="utf-8")
    lesson = source / "en" / "lessons" / f"{NEW_LESSON}.md"
    lesson.write_text(
        f'+++\ntitle = "{NEW_LESSON_TITLE}"\n+++\n\nWhat will you do differently next time?\n',
        encoding="utf-8",
    )
    changed = source / "en" / "lessons" / "safe-discussions.md"
    with changed.open("a", encoding="utf-8") as file:
        file.write("\nA closing paragraph added in version 1.1.0.\n")
    return source


def _catalogues() -> list[tuple[Path, Path]]:
    return [
        (po, po.with_suffix(".mo"))
        for po in sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po"))
    ]


def _compile_stale_catalogues() -> None:
    """What `make compile-translations` does, for a run of pytest without make: compile
    each catalogue newer than its .mo file, replacing the file atomically (a server of
    another test run may be reading it)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po, mo in _catalogues():
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as file:
            catalogue = read_po(file, locale=po.parents[1].name)
        partial = mo.with_name(f".{mo.name}.{os.getpid()}")
        with partial.open("wb") as file:
            write_mo(file, catalogue)
        partial.replace(mo)


def prepare(folder: Path) -> DemoAcademy:
    """Create the instance with the demo data and the journeys' extras; not yet served."""
    _compile_stale_catalogues()
    instance = folder / "instance"
    instance.mkdir()
    url = f"http://127.0.0.1:{_free_port()}"
    academy = DemoAcademy(url=url, instance=instance, env=_environment(instance, url))
    academy.package = folder / f"online-moderation-{UPGRADE_VERSION}.zip"
    email, name, password = POSTER
    outputs = academy.run(
        (("demo",), ""),
        (
            (
                *("cohorts", "create", "exchange-methodology", "--name", OPEN_EXCHANGE_COHORT),
                *("--mode", "open", "--moderator", "moderator@demo.example.org"),
                *("--description", "An open cohort of the exchange-methodology course."),
                *("--format", "json"),
            ),
            "",
        ),
        (
            ("users", "create", email, "--name", name, "--role", "learner", "--password-stdin"),
            password + "\n",
        ),
        (
            (
                "packages",
                "build",
                str(_upgraded_package_source(folder)),
                "-o",
                str(academy.package),
            ),
            "",
        ),
    )
    academy.open_cohort_id = int(json.loads(outputs[1])["id"])
    return academy
