"""The outbox: queueing, delivery over SMTP or the log, retries and claims."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask

from academy.core.db import utcnow
from academy.core.mail import services
from academy.core.mail.models import OutboxMessage
from academy.core.mail.services import deliver_pending, due_ids, queue
from academy.extensions import db


class FakeSMTP:
    """Records what would have been sent."""

    instances: list[FakeSMTP] = []

    def __init__(self, host: str, port: int, timeout: float = 0) -> None:
        self.host, self.port = host, port
        self.sent: list[EmailMessage] = []
        self.calls: list[str] = []
        FakeSMTP.instances.append(self)

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.calls.append("quit")

    def starttls(self) -> None:
        self.calls.append("starttls")

    def login(self, user: str, password: str) -> None:
        self.calls.append(f"login {user}")

    def send_message(self, message: EmailMessage) -> None:
        self.sent.append(message)


class RefusingSMTP(FakeSMTP):
    def __init__(self, host: str, port: int, timeout: float = 0) -> None:
        raise OSError("Connection refused")


@pytest.fixture
def smtp_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A configured MAIL_SERVER; returns monkeypatch to choose the SMTP class."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    monkeypatch.setitem(app.config, "MAIL_PORT", 2525)
    FakeSMTP.instances = []
    return monkeypatch


def reload(message: OutboxMessage) -> OutboxMessage:
    db.session.expire_all()
    fresh = db.session.get(OutboxMessage, message.id)
    assert fresh is not None
    return fresh


def test_queue_stores_the_message() -> None:
    message = queue("ana@example.org", "S" * 300, "Hello Ana", kind="welcome")
    stored = reload(message)
    assert (stored.recipient, stored.body, stored.kind) == (
        "ana@example.org",
        "Hello Ana",
        "welcome",
    )
    assert len(stored.subject) == 255
    assert stored.sent_at is None and stored.attempts == 0 and not stored.failed
    assert stored.id in due_ids()


def test_without_mail_server_messages_go_to_the_log(
    app: Flask, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Alembic's logging set-up (migrations/env.py) disables loggers that exist already.
    monkeypatch.setattr(services.log, "disabled", False)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    message = queue("ana@example.org", "Logged subject", "Logged body")
    with caplog.at_level(logging.INFO, logger="academy.mail"):
        assert deliver_pending() == (1, 0)
    stored = reload(message)
    assert stored.sent_at is not None and stored.attempts == 1
    assert stored.claimed_until is None
    assert any("Logged subject" in record.getMessage() for record in caplog.records)
    assert stored.id not in due_ids()


def test_smtp_delivery(app: Flask, smtp_server: pytest.MonkeyPatch) -> None:
    smtp_server.setattr(smtplib, "SMTP", FakeSMTP)
    smtp_server.setitem(app.config, "MAIL_USERNAME", "academy")
    message = queue("ana@example.org", "Over SMTP", "Body text")
    assert deliver_pending() == (1, 0)
    (server,) = FakeSMTP.instances
    assert (server.host, server.port) == ("smtp.example.org", 2525)
    assert server.calls == ["starttls", "login academy", "quit"]
    (email,) = server.sent
    assert email["To"] == "ana@example.org" and email["Subject"] == "Over SMTP"
    assert email["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert email.get_content().strip() == "Body text"
    assert reload(message).sent_at is not None


def test_ssl_uses_smtp_ssl(app: Flask, smtp_server: pytest.MonkeyPatch) -> None:
    smtp_server.setattr(smtplib, "SMTP", RefusingSMTP)
    smtp_server.setattr(smtplib, "SMTP_SSL", FakeSMTP)
    smtp_server.setitem(app.config, "MAIL_USE_SSL", True)
    queue("ana@example.org", "Over SSL", "Body")
    assert deliver_pending() == (1, 0)
    assert "starttls" not in FakeSMTP.instances[0].calls


def test_failed_connection_is_retried_later(smtp_server: pytest.MonkeyPatch) -> None:
    smtp_server.setattr(smtplib, "SMTP", RefusingSMTP)
    message = queue("ana@example.org", "Will fail", "Body")
    before = utcnow()
    assert deliver_pending() == (0, 1)
    stored = reload(message)
    assert stored.sent_at is None and not stored.failed
    assert stored.attempts == 1
    assert "OSError" in stored.last_error and "Connection refused" in stored.last_error
    assert stored.next_attempt_at is not None and stored.next_attempt_at > before
    assert stored.claimed_until is None
    # Not due yet: a second run leaves it alone.
    assert deliver_pending() == (0, 0)
    assert reload(message).attempts == 1


def test_backoff_grows(smtp_server: pytest.MonkeyPatch) -> None:
    smtp_server.setattr(smtplib, "SMTP", RefusingSMTP)
    message = queue("ana@example.org", "Will fail", "Body")
    delays = []
    for _ in range(3):
        start = utcnow()
        deliver_pending()
        stored = reload(message)
        delays.append(stored.next_attempt_at - start)
        stored.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert delays[0] < delays[1] < delays[2]


def test_smtp_errors_are_retried_too(smtp_server: pytest.MonkeyPatch) -> None:
    class RefusedRecipient(FakeSMTP):
        def send_message(self, message: EmailMessage) -> None:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})

    smtp_server.setattr(smtplib, "SMTP", RefusedRecipient)
    message = queue("nobody@example.org", "Refused", "Body")
    assert deliver_pending() == (0, 1)
    assert "SMTPRecipientsRefused" in reload(message).last_error


def test_gives_up_after_the_last_attempt(app: Flask, smtp_server: pytest.MonkeyPatch) -> None:
    smtp_server.setattr(smtplib, "SMTP", RefusingSMTP)
    message = queue("ana@example.org", "Never arrives", "Body")
    message.attempts = app.config["MAIL_MAX_ATTEMPTS"] - 1
    db.session.flush()
    assert deliver_pending() == (0, 1)
    stored = reload(message)
    assert stored.failed and stored.sent_at is None
    assert stored.attempts == app.config["MAIL_MAX_ATTEMPTS"]
    stored.next_attempt_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert stored.id not in due_ids()
    assert deliver_pending() == (0, 0)


def test_a_claimed_message_is_not_sent_twice(smtp_server: pytest.MonkeyPatch) -> None:
    smtp_server.setattr(smtplib, "SMTP", FakeSMTP)
    claimed = queue("ana@example.org", "Claimed elsewhere", "Body")
    claimed.claimed_until = utcnow() + timedelta(minutes=1)
    free = queue("rui@example.org", "Free", "Body")
    db.session.flush()
    assert deliver_pending() == (1, 0)
    assert [email["To"] for server in FakeSMTP.instances for email in server.sent] == [
        "rui@example.org"
    ]
    assert reload(claimed).sent_at is None and reload(claimed).attempts == 0
    assert reload(free).sent_at is not None


def test_an_expired_claim_is_taken_over(smtp_server: pytest.MonkeyPatch) -> None:
    smtp_server.setattr(smtplib, "SMTP", FakeSMTP)
    message = queue("ana@example.org", "Worker died", "Body")
    message.claimed_until = utcnow() - timedelta(seconds=1)
    db.session.flush()
    assert deliver_pending() == (1, 0)
    assert reload(message).sent_at is not None


def test_claim_is_refused_for_a_sent_message(app: Flask) -> None:
    message = queue("ana@example.org", "Already sent", "Body")
    message.sent_at = utcnow()
    db.session.flush()
    assert services._claim(message.id) is False


def test_claim_is_granted_once(app: Flask) -> None:
    message = queue("ana@example.org", "Race", "Body")
    db.session.flush()
    assert services._claim(message.id) is True
    assert services._claim(message.id) is False


def test_limit_and_order(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    messages: list[Any] = [queue(f"u{n}@example.org", f"Message {n}", "Body") for n in range(4)]
    assert deliver_pending(limit=3) == (3, 0)
    assert [reload(m).sent_at is not None for m in messages] == [True, True, True, False]
