"""Emails of the cohorts plugin, queued in the core outbox in the person's language.

Bodies are the text templates ``cohorts/mail/<name>.txt``; the outbox message
kind is ``cohorts-<name>``.  Links are absolute, built on ACADEMY_BASE_URL.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale, format_date

from academy.core.accounts.models import User
from academy.core.mail.models import OutboxMessage
from academy.core.mail.services import queue
from academy.core.urls import public_url
from academy.plugins.cohorts.models import Cohort


def cohort_link(cohort: Cohort) -> str:
    return public_url("cohorts.cohort", cohort_id=cohort.id)


def send(user: User, name: str, subject: Any, *, cohort: Cohort, **context: Any) -> OutboxMessage:
    """Render ``cohorts/mail/<name>.txt`` for ``user`` and queue it."""
    academy = str(current_app.config["ACADEMY_NAME"])
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(
            f"cohorts/mail/{name}.txt",
            user=user,
            cohort=cohort,
            academy=academy,
            format_date=format_date,
            link=context.pop("link", None) or cohort_link(cohort),
            **context,
        )
        return queue(user.email, str(subject), body, kind=f"cohorts-{name}")


def send_to_address(
    email: str, locale: str | None, name: str, subject: Any, *, cohort: Cohort, **context: Any
) -> OutboxMessage:
    """Like :func:`send`, for an address that may have no account yet."""
    academy = str(current_app.config["ACADEMY_NAME"])
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(
            f"cohorts/mail/{name}.txt",
            cohort=cohort,
            academy=academy,
            format_date=format_date,
            **context,
        )
        return queue(email, str(subject), body, kind=f"cohorts-{name}")
