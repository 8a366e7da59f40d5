"""``academy packages ...`` and ``academy publishers ...``.

Each command runs in one transaction and commits once at the end; a refused
package ends the command with one line and exit status 2, changing nothing.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from academy.cli import CliError
from academy.extensions import db
from academy.plugins.packages import publishers, services
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.imscc import service as cartridges
from academy.plugins.packages.imscc.report import cartridge_lines
from academy.plugins.packages.report import report_lines
from academy.plugins.packages.signing import instance_signer

packages_group = click.Group("packages", help="Build, verify, import and export course packages.")
publishers_group = click.Group("publishers", help="Publishers whose course packages are trusted.")


def _read(path: str) -> bytes:
    file = Path(path)
    if file.is_dir():
        raise CliError(f"{path} is a folder: build it first with `academy packages build`")
    limit = current_app.config["PACKAGE_UPLOAD_MAX_BYTES"]
    try:
        with file.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > limit:
        raise CliError(f"{path} is larger than {limit // (1024 * 1024)} MiB")
    return data


def _write(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so a failure leaves nothing."""
    target = Path(path).resolve()
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(target)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from None


def _with_hint(message: str, flag: str | None) -> str:
    """The message, naming the option that allows the import when there is one."""
    if flag not in {"trust", "force"}:
        return message
    return f"{message.rstrip('.')} (use --{flag})."


@packages_group.command("build")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, help="The package file (.zip) to write.")
@with_appcontext
def build_command(directory: Path, output: str) -> None:
    """Validate a package folder and write it zipped and signed by this instance."""
    try:
        data = services.build_package(directory)
        verified = services.verify_package(data)
    except PackageError as exc:
        raise CliError(exc.message) from None
    _write(output, data)
    manifest = verified.package.manifest
    click.echo(
        f"Built {output}: {manifest.slug} {manifest.version}, signed by "
        f"{verified.publisher.id}, sha256 {verified.sha256}"
    )
    for text in verified.package.stale_translations():
        click.echo(f"Warning: stale translation {text.path} (its source file has changed)")


@packages_group.command("verify")
@click.argument("file", type=click.Path(dir_okay=True))
@with_appcontext
def verify_command(file: str) -> None:
    """Check a package's integrity and signature (exit 0 only if both hold)."""
    try:
        verified = services.verify_package(_read(file))
        status = publishers.trust_status(verified.publisher)
    except PackageError as exc:
        raise CliError(exc.message) from None
    manifest = verified.package.manifest
    click.echo(f"OK: {manifest.slug} {manifest.version}, {len(verified.package.files)} files")
    click.echo(
        f"Signed by {verified.publisher.name} ({verified.publisher.id}), publisher {status.label}"
    )


@packages_group.command("import")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option("--trust", is_flag=True, help="Trust the package's publisher if it is unknown.")
@click.option("--force", is_flag=True, help="Import even the installed or an older version.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@with_appcontext
def import_command(file: str, dry_run: bool, trust: bool, force: bool, fmt: str) -> None:
    """Import (install or upgrade) a course package, or a Common Cartridge (.imscc)."""
    data = _read(file)
    if cartridges.is_cartridge(data, file):
        _import_cartridge(data, dry_run=dry_run, fmt=fmt)
        return
    try:
        report = services.import_package(data, dry_run=dry_run, trust=trust, force=force)
    except PackageError as exc:
        raise CliError(_with_hint(exc.message, exc.field)) from None
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        for line in report_lines(report):
            click.echo(line)
    if dry_run:
        # a dry run wrote nothing; the command ends without committing
        if report.blockers:
            raise CliError(_with_hint(report.blockers[0].message, report.blockers[0].flag))
        if fmt == "text":
            click.echo("Dry run: nothing was changed.")
        return
    db.session.commit()
    if fmt == "text":
        click.echo(f"Imported {report.slug} {report.version}.")


def _import_cartridge(data: bytes, *, dry_run: bool, fmt: str) -> None:
    """Import a Common Cartridge; the report lists what was not imported."""
    try:
        report = cartridges.import_cartridge(data, dry_run=dry_run)
    except PackageError as exc:
        raise CliError(exc.message) from None
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        for line in cartridge_lines(report):
            click.echo(line)
    if dry_run:
        if fmt == "text":
            click.echo("Dry run: nothing was changed.")
        return
    db.session.commit()
    if fmt == "text":
        click.echo(f"Imported {report.slug} {report.version} from a Common Cartridge.")


@packages_group.command("export")
@click.argument("course")
@click.option("-o", "--output", required=True, help="The file to write (.zip or .imscc).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["academy", "imscc"]),
    default="academy",
    help="A signed course package, or an IMS Common Cartridge.",
)
@click.option(
    "--cc-version",
    type=click.Choice(sorted(cartridges.EXPORT_VERSIONS)),
    default="1.1",
    help="The Common Cartridge version (with --format imscc).",
)
@with_appcontext
def export_command(course: str, output: str, fmt: str, cc_version: str) -> None:
    """Export a course (by slug or id) as a package signed by this instance, or a cartridge."""
    if fmt == "imscc":
        _export_cartridge(course, output, cc_version)
        return
    try:
        data = services.export_course(services.course_by_reference(course))
        verified = services.verify_package(data)
    except PackageError as exc:
        raise CliError(exc.message) from None
    _write(output, data)
    manifest = verified.package.manifest
    derived = f", derived from {len(manifest.provenance)} earlier publisher(s)"
    click.echo(
        f"Exported {manifest.slug} {manifest.version} to {output}"
        f"{derived if manifest.provenance else ''}"
    )


def _export_cartridge(reference: str, output: str, cc_version: str) -> None:
    try:
        course = services.course_by_reference(reference)
        data = cartridges.export_cartridge(course, cc_version=cc_version)
    except PackageError as exc:
        raise CliError(exc.message) from None
    _write(output, data)
    click.echo(f"Exported {course.slug} to {output} (Common Cartridge {cc_version})")


@publishers_group.command("trust")
@click.argument("keyfile", type=click.Path(dir_okay=False))
@with_appcontext
def trust_command(keyfile: str) -> None:
    """Trust the publisher in a key file (JSON: id, name, public_key)."""
    try:
        key = publishers.parse_key_file(_read(keyfile))
        row = publishers.trust_publisher(key, by=None)
    except PackageError as exc:
        raise CliError(exc.message) from None
    db.session.commit()
    click.echo(f"Trusted publisher {row.name} ({row.publisher_id})")


@publishers_group.command("revoke")
@click.argument("publisher_id")
@with_appcontext
def revoke_command(publisher_id: str) -> None:
    """Stop trusting a publisher."""
    row = publishers.publisher_by_id(publisher_id)
    if row is None:
        raise CliError(f"no publisher {publisher_id!r}")
    try:
        publishers.revoke_publisher(row, by=None)
    except PackageError as exc:
        raise CliError(exc.message) from None
    db.session.commit()
    click.echo(f"Revoked publisher {row.name} ({row.publisher_id})")


@publishers_group.command("export")
@click.option("-o", "--output", required=True, help="The key file (.json) to write.")
@with_appcontext
def export_key_command(output: str) -> None:
    """Write this instance's publisher key file, for partners to trust."""
    try:
        signer = instance_signer(current_app)
    except PackageError as exc:
        raise CliError(exc.message) from None
    publishers.ensure_self_publisher(signer)
    db.session.commit()
    _write(output, publishers.key_file(signer.publisher))
    click.echo(f"Wrote the key of {signer.publisher.name} ({signer.publisher.id}) to {output}")


@publishers_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@with_appcontext
def list_command(fmt: str) -> None:
    """List known publishers and whether they are trusted."""
    rows = publishers.list_publishers()
    entries = [
        {
            "id": row.publisher_id,
            "name": row.name,
            "public_key": row.public_key,
            "self": row.is_self,
            "revoked": row.revoked_at is not None,
        }
        for row in rows
    ]
    if fmt == "json":
        click.echo(json.dumps(entries, indent=2, ensure_ascii=False))
        return
    for entry in entries:
        state = "revoked" if entry["revoked"] else ("this academy" if entry["self"] else "trusted")
        click.echo(f"{entry['id']}  {entry['name']}  [{state}]  {entry['public_key']}")
