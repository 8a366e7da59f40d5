"""``academy discussions``: the email digest of unread notifications, for cron."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from academy.extensions import db
from academy.plugins.discussions.mailing import queue_digests

discussions_group = click.Group("discussions", help="Cohort discussions.")


@discussions_group.command("digest")
@with_appcontext
def digest() -> None:
    """Queue one email per person with unread notifications since their last digest.

    Only people who asked for a digest get one; each notification goes out once.
    Run it from cron (e.g. daily); the outbox delivers the emails.
    """
    queued = queue_digests()
    db.session.commit()
    click.echo(f"Queued {queued} digest email(s).")
