"""Core CLI commands: init, demo, serve, users, tokens, outbox.

Each command runs in one transaction: it calls services, then commits once at
the end; any error rolls back and exits non-zero with one line.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from academy.cli import CliError
from academy.core.accounts import services as accounts
from academy.core.accounts.models import Role, User
from academy.core.api.models import ApiToken
from academy.core.api.tokens import create_token, revoke_token
from academy.core.errors import DomainError
from academy.core.keys import ensure_key
from academy.core.mail.services import deliver_pending
from academy.core.signals import demo_requested, instance_initialised
from academy.extensions import db

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for the demo academy only
DEMO_USERS = [
    ("admin@demo.example.org", "Ada Admin", Role.ADMIN),
    ("manager@demo.example.org", "Manon Manager", Role.MANAGER),
    ("reviewer@demo.example.org", "Rui Reviewer", Role.REVIEWER),
    ("moderator@demo.example.org", "Mónica Moderator", Role.MODERATOR),
    ("learner@demo.example.org", "Lena Learner", Role.LEARNER),
]


def run_init(app: Flask, *, load_courses: bool) -> list[str]:
    """Schema to head, signing key, built-in data.  Idempotent."""
    upgrade(directory=app.extensions["migrate"].directory, revision="heads")
    db.session.remove()
    key, created = ensure_key(app.instance_path)
    lines = [f"Database ready: {db.engine.url.render_as_string(hide_password=True)}"]
    lines.append(f"{'Created' if created else 'Kept'} signing key {key.kid}")
    for _receiver, result in instance_initialised.send(app, load_courses=load_courses):
        lines.extend(result or [])
    db.session.commit()
    return lines


@click.command("init")
@click.option("--no-courses", is_flag=True, help="Leave the built-in course packages out.")
@with_appcontext
def init_command(no_courses: bool) -> None:
    """Create or upgrade the schema, the signing key and the built-in courses."""
    for line in run_init(current_app, load_courses=not no_courses):
        click.echo(line)


def _demo_user(email: str, name: str, role: Role) -> User:
    user = accounts.user_by_email(email)
    if user is None:
        user = accounts.create_user(
            email, name, DEMO_PASSWORD, roles={role, Role.LEARNER}, confirmed=True, locale=None
        )
    return user


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Init, then demo users for every role and demo data from the plugins."""
    for line in run_init(current_app, load_courses=True):
        click.echo(line)
    try:
        users = {role.value: _demo_user(email, name, role) for email, name, role in DEMO_USERS}
    except DomainError as exc:
        raise CliError(exc.message) from None
    db.session.flush()
    extra: list[str] = []
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for _receiver, result in demo_requested.send(app, users=users):
        extra.extend(result or [])
    db.session.commit()
    click.echo("")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, _name, role in DEMO_USERS:
        click.echo(f"  {role.value:<10} {email}")
    for line in extra:
        click.echo(line)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=0,
    type=click.IntRange(0, 64),
    help="Worker processes (default: 2 x cores + 1).",
)
@with_appcontext
def serve_command(host: str, port: int, workers: int) -> None:
    """Serve the academy with gunicorn (production-grade, several workers)."""
    from academy.core.serve import serve

    serve(host, port, workers or current_app.config["SERVE_WORKERS"])


users_group = click.Group("users", help="Manage user accounts.")


@users_group.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="A global role (repeatable).",
)
@click.option(
    "--password-stdin", is_flag=True, required=True, help="Read the password from standard input."
)
@with_appcontext
def users_create(email: str, name: str, roles: tuple[str, ...], password_stdin: bool) -> None:
    """Create a confirmed account."""
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = accounts.create_user(
            email, name, password, roles={Role(r) for r in roles}, confirmed=True
        )
    except DomainError as exc:
        raise CliError(exc.message) from None
    db.session.commit()
    click.echo(f"Created user {user.id} <{user.email}> with roles {', '.join(sorted(roles))}")


tokens_group = click.Group("tokens", help="Manage API tokens.")


@tokens_group.command("create")
@click.argument("email")
@click.option("--name", default="cli", help="A label to tell the token apart.")
@with_appcontext
def tokens_create(email: str, name: str) -> None:
    """Create an API token and print it alone on the last line."""
    user = accounts.user_by_email(email)
    if user is None or not user.is_active:
        raise CliError(f"no active user with the email {email!r}")
    _token, secret = create_token(user, name=name)
    db.session.commit()
    click.echo(f"API token for {user.email} (shown once):")
    click.echo(secret)


def _token_by_reference(reference: str) -> ApiToken:
    """The token with this id, or the one token whose prefix this is."""
    if reference.isdigit():
        token = db.session.get(ApiToken, int(reference))
        if token is None:
            raise CliError(f"no API token with the id {reference}")
        return token
    if len(reference) < 6:
        raise CliError("give the token's id or at least its first 6 characters")
    query = sa.select(ApiToken).where(ApiToken.prefix.startswith(reference[:12], autoescape=True))
    matches = list(db.session.scalars(query.limit(2)))
    if not matches:
        raise CliError(f"no API token starting with {reference!r}")
    if len(matches) > 1:
        raise CliError(f"several API tokens start with {reference!r}: give the id instead")
    return matches[0]


@tokens_group.command("revoke")
@click.argument("reference", metavar="PREFIX_OR_ID")
@with_appcontext
def tokens_revoke(reference: str) -> None:
    """Revoke an API token, named by its id or its first characters."""
    token = _token_by_reference(reference.strip())
    if token.revoked_at is not None:
        click.echo(f"API token {token.id} ({token.prefix}) was already revoked")
        return
    revoke_token(token)
    db.session.commit()
    click.echo(f"Revoked API token {token.id} ({token.prefix}) of {token.user.email}")


outbox_group = click.Group("outbox", help="Outgoing email.")


@outbox_group.command("send")
@with_appcontext
def outbox_send() -> None:
    """Deliver due emails from the outbox (run it from cron every minute)."""
    sent, failed = deliver_pending(limit=500)
    click.echo(f"sent {sent}, failed {failed}")


@outbox_group.command("status")
@with_appcontext
def outbox_status() -> None:
    """Count messages waiting, sent and given up on."""
    from academy.core.mail.models import OutboxMessage as M

    def count(*where: sa.ColumnElement[bool]) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(M).where(*where)) or 0

    click.echo(
        f"waiting {count(M.sent_at.is_(None), M.failed.is_(False))}, "
        f"sent {count(M.sent_at.is_not(None))}, failed {count(M.failed.is_(True))}"
    )


@click.command("backup")
@click.option("-o", "--output", required=True, help="The backup file (.zip) to write.")
@with_appcontext
def backup_command(output: str) -> None:
    """Write a consistent snapshot of the database and the instance's files."""
    from academy.core.backup import write_backup

    data = write_backup(current_app._get_current_object())  # type: ignore[attr-defined]
    target = Path(output)
    try:
        tmp = target.with_name(f".tmp-{target.name}")
        tmp.write_bytes(data)
        tmp.chmod(0o600)
        tmp.replace(target)
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"Backup written to {output} ({len(data)} bytes)")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file: Path) -> None:
    """Restore a backup into this instance, whose database must be empty."""
    from academy.core.backup import BackupError, restore_backup

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {file}: {exc.strerror}") from None
    try:
        restored = restore_backup(current_app._get_current_object(), data)  # type: ignore[attr-defined]
    except BackupError as exc:
        raise CliError(str(exc)) from None
    rows = sum(count for name, count in restored.items() if name != "files")
    click.echo(f"Restored {rows} rows and {restored['files']} files from {file}")


def register_cli(app: Flask) -> None:
    for command in (
        init_command,
        demo_command,
        serve_command,
        users_group,
        tokens_group,
        outbox_group,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(command)
