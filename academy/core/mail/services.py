"""Queue emails in the outbox and deliver them, with retries.

``queue`` adds a message inside the caller's transaction, so an email exists
exactly when the change that caused it is committed.  ``deliver_pending``
claims due messages one by one (safe with several workers), sends them over
SMTP when ``MAIL_SERVER`` is set or writes them to the log otherwise, and
backs off exponentially after a failure.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale

from academy.core.accounts.models import User
from academy.core.db import utcnow
from academy.core.mail.models import OutboxMessage
from academy.extensions import db

log = logging.getLogger("academy.mail")
CLAIM_SECONDS = 120


def queue(recipient: str, subject: str, body: str, *, kind: str = "") -> OutboxMessage:
    message = OutboxMessage(recipient=recipient, subject=subject[:255], body=body, kind=kind)
    db.session.add(message)
    db.session.flush()
    return message


def queue_template(user: User, kind: str, subject: Any, **context: Any) -> OutboxMessage:
    """Render ``templates/mail/<kind>.txt`` in the user's language and queue it."""
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(f"mail/{kind}.txt", user=user, **context)
        return queue(user.email, str(subject), body, kind=kind)


def _claim(message_id: int) -> bool:
    now = utcnow()
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    )
    db.session.commit()
    return result.rowcount == 1  # type: ignore[attr-defined]


def _send(message: OutboxMessage) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        log.info("email to %s: %s\n%s", message.recipient, message.subject, message.body)
        return
    email = EmailMessage()
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def due_ids(limit: int = 50) -> list[int]:
    now = utcnow()
    query = (
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed.is_(False),
            sa.or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def deliver_pending(limit: int = 50) -> tuple[int, int]:
    """Send due messages; commits per message.  Returns (sent, failed) counts."""
    sent = failed = 0
    for message_id in due_ids(limit):
        if not _claim(message_id):
            continue
        message = db.session.get(OutboxMessage, message_id)
        if message is None:
            continue
        message.attempts += 1
        try:
            _send(message)
        except (OSError, smtplib.SMTPException) as exc:
            failed += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.next_attempt_at = utcnow() + timedelta(minutes=2**message.attempts)
            message.failed = message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
            log.warning("email %s to %s failed: %s", message.id, message.recipient, exc)
        else:
            sent += 1
            message.sent_at = utcnow()
        message.claimed_until = None
        db.session.commit()
    return sent, failed
