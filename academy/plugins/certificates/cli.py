"""``academy certificates``: list, revoke and issue certificates.

Each command runs in one transaction and commits once at its end; bad input
ends it with one line on stderr and exit status 2, changing nothing.
"""

from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import with_appcontext

from academy.cli import CliError
from academy.core.errors import DomainError
from academy.extensions import db
from academy.plugins.certificates import codes, services
from academy.plugins.certificates.models import Certificate
from academy.plugins.certificates.queries import search_query
from academy.plugins.cohorts.models import Enrolment

certificates_group = click.Group("certificates", help="Certificates issued by this academy.")


def certificate_record(certificate: Certificate) -> dict[str, Any]:
    """What ``certificates list --format json`` prints for one certificate."""
    return {
        "code": certificate.code,
        "status": certificate.status,
        "holder": certificate.holder_name,
        "course": certificate.course_title,
        "course_slug": certificate.course_slug,
        "course_version": certificate.course_version,
        "cohort": certificate.cohort_name,
        "issued_at": certificate.issued_at.isoformat(),
        "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        "revocation_reason": certificate.revocation_reason or None,
    }


def _text_line(record: dict[str, Any]) -> str:
    return (
        f"{record['code']}  {record['status']:<7}  {record['issued_at'][:10]}  "
        f"{record['holder']}  —  {record['course']} {record['course_version']}"
    )


@certificates_group.command("list")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print the list.",
)
@click.option(
    "--status",
    type=click.Choice(["all", "valid", "revoked"]),
    default="all",
    show_default=True,
    help="Which certificates to list.",
)
@with_appcontext
def list_command(output: str, status: str) -> None:
    """List certificates, newest first."""
    query = search_query("", "" if status == "all" else status)
    records = [certificate_record(c) for c in db.session.scalars(query)]
    if output == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    for record in records:
        click.echo(_text_line(record))


def _certificate(text: str) -> Certificate:
    code = codes.parse(text)
    if code is None:
        raise CliError(f"{text!r} is not a certificate code (like 7KQ2-M9XD-4TRB)")
    certificate = services.by_code(code)
    if certificate is None:
        raise CliError(f"no certificate with the code {code}")
    return certificate


@certificates_group.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Why; shown to anyone who verifies it.")
@with_appcontext
def revoke_command(code: str, reason: str) -> None:
    """Revoke the certificate CODE; its verification and status list then say so."""
    certificate = _certificate(code)
    if certificate.revoked_at is not None:
        raise CliError(
            f"certificate {certificate.code} was already revoked on "
            f"{certificate.revoked_at:%Y-%m-%d}"
        )
    try:
        services.revoke(certificate, reason, by=None)
    except DomainError as exc:
        raise CliError(exc.message) from None
    db.session.commit()
    click.echo(f"Revoked certificate {certificate.code} of {certificate.holder_name}")


@certificates_group.command("issue")
@click.argument("enrolment_id", type=int)
@click.option("--reason", required=True, help="Why it is issued by hand (audit log).")
@with_appcontext
def issue_command(enrolment_id: int, reason: str) -> None:
    """Issue the certificate of enrolment ENROLMENT_ID by hand."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise CliError(f"no enrolment with the id {enrolment_id}")
    try:
        certificate = services.issue_by_hand(enrolment, reason, by=None)
    except DomainError as exc:
        raise CliError(exc.message) from None
    db.session.commit()
    click.echo(f"Issued certificate {certificate.code} to {certificate.holder_name}")
