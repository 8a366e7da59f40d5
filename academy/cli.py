"""The ``academy`` console script: a Flask CLI group over ``create_app``.

Errors end the command with one line on stderr and a non-zero status; the
command's transaction is rolled back, so a failed command changes nothing.
"""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup

from academy import create_app


class CliError(click.ClickException):
    """Bad input or a refused action: exit status 2, one line, nothing changed."""

    exit_code = 2


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_version_option=False)
def cli() -> None:
    """Manage an Academy instance."""


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="academy", standalone_mode=False)
    except click.ClickException as exc:
        click.echo(f"Error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except ValueError as exc:  # e.g. a malformed environment setting
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
