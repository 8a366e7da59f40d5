"""The ``academy`` command line: init, demo, users, tokens, outbox, and its error contract.

Most tests invoke the commands in-process; a few run the real console script
in a subprocess to prove the contract people script against: a bad input ends
with exactly one ``Error:`` line on stderr, exit status 2, and changes nothing.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from academy.core.accounts import services as accounts
from academy.core.accounts.models import Role, User
from academy.core.api.models import ApiToken
from academy.core.cli import DEMO_PASSWORD, DEMO_USERS
from academy.core.keys import key_dir
from academy.core.mail.models import OutboxMessage
from academy.core.mail.services import queue
from academy.extensions import db
from tests.factories import PASSWORD, make_user

ACADEMY = Path(sys.executable).with_name("academy")
NEW_PASSWORD = "a-long-enough-password"


def user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0


def create_user_args(email: str, *extra: str) -> list[str]:
    return ["users", "create", email, "--name", "Nuno Nunes", "--password-stdin", *extra]


# -- users create -------------------------------------------------------------------------


def test_users_create(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=create_user_args("Nuno@Example.org", "--role", "moderator", "--role", "learner"),
        input=NEW_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created user" in result.output
    user = accounts.authenticate("nuno@example.org", NEW_PASSWORD)
    assert user.name == "Nuno Nunes"
    assert user.roles == {Role.MODERATOR, Role.LEARNER}
    assert user.email_confirmed_at is not None


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-email", NEW_PASSWORD, "valid email"),
        ("nuno@example.org", "short", "at least"),
        ("nuno@example.org", "", "at least"),
    ],
)
def test_users_create_refuses_bad_input(
    runner: FlaskCliRunner, email: str, password: str, message: str
) -> None:
    before = user_count()
    result = runner.invoke(args=create_user_args(email, "--role", "learner"), input=password + "\n")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and message in lines[0]
    assert user_count() == before


def test_users_create_refuses_unknown_role(runner: FlaskCliRunner) -> None:
    before = user_count()
    result = runner.invoke(
        args=create_user_args("nuno@example.org", "--role", "emperor"), input=NEW_PASSWORD + "\n"
    )
    assert result.exit_code == 2
    assert "Error:" in result.stderr and "emperor" in result.stderr
    assert user_count() == before


def test_users_create_refuses_a_duplicate(runner: FlaskCliRunner) -> None:
    existing = make_user("taken@example.org")
    password_hash = existing.password_hash
    db.session.commit()
    before = user_count()
    result = runner.invoke(
        args=create_user_args("TAKEN@example.org", "--role", "admin"), input=NEW_PASSWORD + "\n"
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "already exists" in result.stderr
    assert user_count() == before
    again = accounts.user_by_email("taken@example.org")
    assert again is not None and again.roles == {Role.LEARNER}
    assert again.password_hash == password_hash


# -- tokens create ------------------------------------------------------------------------


def test_tokens_create_prints_a_working_token(runner: FlaskCliRunner, client: FlaskClient) -> None:
    user = make_user("api@example.org")
    user_id = user.id
    db.session.commit()
    result = runner.invoke(args=["tokens", "create", "API@example.org", "--name", "nightly"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("acd_") and " " not in secret
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.get_json()["id"] == user_id
    (token,) = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user_id))
    assert token.name == "nightly"


@pytest.mark.parametrize("email", ["nobody@example.org", "not-an-email", "inactive@example.org"])
def test_tokens_create_refuses_unknown_or_inactive_users(
    runner: FlaskCliRunner, email: str
) -> None:
    make_user("inactive@example.org").active = False
    db.session.commit()
    result = runner.invoke(args=["tokens", "create", email])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error:") and result.stderr.count("\n") == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


# -- outbox -------------------------------------------------------------------------------


def test_outbox_status_and_send(runner: FlaskCliRunner) -> None:
    for number in range(2):
        queue(f"r{number}@example.org", "Hello", "Body", kind="test")
    db.session.commit()
    status = runner.invoke(args=["outbox", "status"])
    assert status.exit_code == 0
    assert status.output.startswith("waiting 2,")
    sent = runner.invoke(args=["outbox", "send"])
    assert sent.exit_code == 0
    assert sent.output.strip() == "sent 2, failed 0"
    assert runner.invoke(args=["outbox", "status"]).output.startswith("waiting 0, sent 2,")
    waiting = sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    assert list(db.session.scalars(waiting)) == []


# -- init and demo on a fresh instance ----------------------------------------------------


@pytest.fixture
def fresh(make_app: Any) -> Flask:
    return make_app(migrate=False)


def invoke(application: Flask, *args: str) -> Any:
    """Run a command on ``application`` (its context first: the shared app's is active)."""
    with application.app_context():
        return application.test_cli_runner().invoke(args=list(args))


def table_names(application: Flask) -> set[str]:
    with application.app_context():
        return set(sa.inspect(db.engine).get_table_names())


def test_init_is_idempotent(fresh: Flask) -> None:
    first = invoke(fresh, "init")
    assert first.exit_code == 0, first.output
    assert "Created signing key" in first.output
    kid = first.output.split("Created signing key ")[1].split()[0]
    tables = table_names(fresh)
    assert {"core_user", "core_api_token", "alembic_version"} <= tables
    keys = sorted(key_dir(fresh.instance_path).glob("*.pem"))
    second = invoke(fresh, "init")
    assert second.exit_code == 0, second.output
    assert f"Kept signing key {kid}" in second.output
    assert "Created" not in second.output
    assert table_names(fresh) == tables
    assert sorted(key_dir(fresh.instance_path).glob("*.pem")) == keys


def test_init_creates_a_private_key_readable_by_its_owner_only(fresh: Flask) -> None:
    assert invoke(fresh, "init").exit_code == 0
    (key_file,) = key_dir(fresh.instance_path).glob("*.pem")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_dir(fresh.instance_path).stat().st_mode) & 0o077 == 0


def test_demo_creates_every_role_and_runs_twice(fresh: Flask) -> None:
    first = invoke(fresh, "demo")
    assert first.exit_code == 0, first.output
    for email, _name, role in DEMO_USERS:
        assert email in first.output and role.value in first.output
    assert DEMO_PASSWORD in first.output
    with fresh.app_context():
        count = user_count()
        for email, _name, role in DEMO_USERS:
            assert role in accounts.authenticate(email, DEMO_PASSWORD).roles
        assert {role for _e, _n, role in DEMO_USERS} == set(Role)
    second = invoke(fresh, "demo")
    assert second.exit_code == 0, second.output
    with fresh.app_context():
        assert user_count() == count


# -- the real console script --------------------------------------------------------------


def academy(instance: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    """Run ``academy ARGS`` on the instance folder, as an operator would."""
    if not ACADEMY.exists():
        pytest.skip(f"the console script is not installed next to {sys.executable}")
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ACADEMY_", "FLASK_")) and k not in {"DATABASE_URL", "SECRET_KEY"}
    }
    clean |= {
        "ACADEMY_INSTANCE_PATH": str(instance),
        "DATABASE_URL": f"sqlite:///{instance / 'academy.sqlite'}",
        **env,
    }
    return subprocess.run(
        [str(ACADEMY), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=clean,
        cwd=instance,
        timeout=120,
        check=False,
    )


def rows(instance: Path, table: str) -> int:
    with sqlite3.connect(instance / "academy.sqlite") as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608


def assert_one_error_line(result: subprocess.CompletedProcess, text: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and text in lines[0]


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An instance initialised by the real script, with one user."""
    folder = tmp_path_factory.mktemp("script-instance")
    first = academy(folder, "init")
    assert first.returncode == 0, first.stderr
    assert "Created signing key" in first.stdout
    second = academy(folder, "init")
    assert second.returncode == 0, second.stderr
    assert "Kept signing key" in second.stdout and "Created" not in second.stdout
    created = academy(
        folder, *create_user_args("ines@example.org", "--role", "admin"), stdin=PASSWORD + "\n"
    )
    assert created.returncode == 0, created.stderr
    return folder


@pytest.mark.parametrize(
    ("args", "stdin", "text"),
    [
        (create_user_args("not-an-email", "--role", "learner"), PASSWORD, "valid email"),
        (create_user_args("new@example.org", "--role", "emperor"), PASSWORD, "emperor"),
        (create_user_args("INES@example.org", "--role", "learner"), PASSWORD, "already exists"),
        (["tokens", "create", "nobody@example.org"], "", "nobody@example.org"),
    ],
)
def test_script_reports_one_error_line_and_changes_nothing(
    instance: Path, args: list[str], stdin: str, text: str
) -> None:
    result = academy(instance, *args, stdin=stdin + "\n")
    assert_one_error_line(result, text)
    assert rows(instance, "core_user") == 1
    assert rows(instance, "core_api_token") == 0


def test_script_reports_a_malformed_setting(instance: Path) -> None:
    result = academy(instance, "outbox", "status", ACADEMY_PRODUCTION="perhaps")
    assert_one_error_line(result, "ACADEMY_PRODUCTION")


def test_script_creates_a_token(instance: Path) -> None:
    result = academy(instance, "tokens", "create", "ines@example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("acd_")
    assert rows(instance, "core_api_token") == 1
    revoked = academy(instance, "tokens", "revoke", result.stdout.strip().splitlines()[-1][:12])
    assert revoked.returncode == 0, revoked.stderr
