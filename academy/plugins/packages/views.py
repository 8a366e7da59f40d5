"""Package pages for managers: upload, review the dry run, confirm; history; publishers.

Between the upload and the confirmation the package waits in the instance's
storage under a random id (``packages/uploads/<id>.zip``); it is deleted when
the import is confirmed or cancelled.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from academy.core.permissions import require
from academy.core.storage import storage
from academy.extensions import db
from academy.plugins.courses.models import Course, CourseOrigin, CourseText, TextScope
from academy.plugins.packages import publishers, services
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.forms import ActionForm, ConfirmForm, KeyFileForm, UploadForm
from academy.plugins.packages.imscc import service as cartridges
from academy.plugins.packages.imscc.report import CartridgeReport
from academy.plugins.packages.models import PackageImport, Publisher
from academy.plugins.packages.permissions import can_manage_packages
from academy.plugins.packages.report import ImportReport, change_sections
from academy.plugins.packages.signing import instance_signer

bp = Blueprint("packages", __name__, url_prefix="/packages", template_folder="templates")

UPLOADS = "packages/uploads/"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")
ORIGIN_LABELS = {
    CourseOrigin.BUILTIN: _l("built in"),
    CourseOrigin.IMPORTED: _l("imported"),
    CourseOrigin.LOCAL: _l("made here"),
}
RECENT_IMPORTS = 20


def _course_titles(courses: list[Course]) -> dict[int, str]:
    """Each course's title in its source language, in one query."""
    query = sa.select(CourseText).where(
        CourseText.scope == TextScope.COURSE,
        CourseText.course_id.in_([c.id for c in courses]),
    )
    languages = {c.id: c.source_language for c in courses}
    return {
        t.course_id: str(t.fields.get("title", ""))
        for t in db.session.scalars(query)
        if languages.get(t.course_id) == t.language
    }


def _render_index(form: UploadForm, error: str | None = None) -> Any:
    courses = list(db.session.scalars(sa.select(Course).order_by(Course.slug)))
    imports = db.session.scalars(
        sa.select(PackageImport).order_by(PackageImport.id.desc()).limit(RECENT_IMPORTS)
    )
    return render_template(
        "packages/index.html",
        form=form,
        error=error,
        courses=courses,
        titles=_course_titles(courses),
        imports=list(imports),
        origin_labels=ORIGIN_LABELS,
    )


@bp.get("/")
@require(can_manage_packages)
def index() -> Any:
    return _render_index(UploadForm())


@bp.post("/upload")
@require(can_manage_packages)
def upload() -> Any:
    form = UploadForm()
    if not form.validate_on_submit():
        return _render_index(form), 422
    data = form.package.data.read()
    try:
        if cartridges.is_cartridge(data, form.package.data.filename or ""):
            cartridges.import_cartridge(data, dry_run=True)
        else:
            services.import_package(data, dry_run=True)
    except PackageError as exc:
        return _render_index(form, exc.message), 422
    token = secrets.token_urlsafe(16)
    storage().put(f"{UPLOADS}{token}.zip", data)
    return redirect(url_for("packages.review", token=token))


def _upload(token: str) -> bytes:
    key = f"{UPLOADS}{token}.zip"
    if not TOKEN.match(token) or not storage().exists(key):
        abort(404)
    with storage().open(key) as handle:
        return handle.read()


def _render_cartridge_review(token: str, data: bytes, error: str | None = None) -> Any:
    report: CartridgeReport | None = None
    try:
        report = cartridges.import_cartridge(data, dry_run=True)
    except PackageError as exc:
        error = error or exc.message
    return render_template(
        "packages/cartridge_review.html",
        token=token,
        report=report,
        sections=change_sections(report.changes) if report else [],
        form=ConfirmForm(),
        cancel_form=ActionForm(),
        error=error,
    )


def _render_review(token: str, form: ConfirmForm, error: str | None = None) -> Any:
    data = _upload(token)
    if cartridges.is_cartridge(data):
        return _render_cartridge_review(token, data, error)
    report: ImportReport | None = None
    try:
        report = services.import_package(data, dry_run=True)
    except PackageError as exc:
        error = error or exc.message
    return render_template(
        "packages/review.html",
        token=token,
        report=report,
        sections=change_sections(report.changes) if report else [],
        form=form,
        cancel_form=ActionForm(),
        error=error,
        needs={b.flag for b in report.blockers} if report else set(),
    )


@bp.get("/review/<token>")
@require(can_manage_packages)
def review(token: str) -> Any:
    return _render_review(token, ConfirmForm())


@bp.post("/review/<token>")
@require(can_manage_packages)
def confirm(token: str) -> Any:
    form = ConfirmForm()
    data = _upload(token)
    if not form.validate_on_submit():
        return _render_review(token, form), 422
    if cartridges.is_cartridge(data):
        return _confirm_cartridge(token, data, form)
    try:
        report = services.import_package(
            data, by=current_user, trust=form.trust.data, force=form.force.data
        )
    except PackageError as exc:
        return _render_review(token, form, exc.message), 422
    storage().delete(f"{UPLOADS}{token}.zip")
    flash(_("Imported %(slug)s %(version)s.", slug=report.slug, version=report.version), "success")
    return redirect(url_for("packages.course", course_id=report.course_id))


def _confirm_cartridge(token: str, data: bytes, form: ConfirmForm) -> Any:
    try:
        report = cartridges.import_cartridge(data, by=current_user)
    except PackageError as exc:
        return _render_review(token, form, exc.message), 422
    storage().delete(f"{UPLOADS}{token}.zip")
    flash(_("Imported %(slug)s from a Common Cartridge.", slug=report.slug), "success")
    return redirect(url_for("packages.course", course_id=report.course_id))


@bp.post("/review/<token>/cancel")
@require(can_manage_packages)
def cancel(token: str) -> Response:
    form = ActionForm()
    _upload(token)
    if not form.validate_on_submit():
        abort(400)
    storage().delete(f"{UPLOADS}{token}.zip")
    flash(_("The import was cancelled; nothing was changed."), "info")
    return redirect(url_for("packages.index"))


@bp.get("/courses/<int:course_id>")
@require(can_manage_packages)
def course(course_id: int) -> Any:
    row = db.get_or_404(Course, course_id)
    return render_template(
        "packages/course.html",
        course=row,
        title=_course_titles([row]).get(row.id, row.slug),
        history=services.import_history(row),
        origin_labels=ORIGIN_LABELS,
    )


@bp.get("/courses/<int:course_id>/cartridge-<any('1.1', '1.3'):version>.imscc")
@require(can_manage_packages)
def export_cartridge(course_id: int, version: str) -> Any:
    """The course as an IMS Common Cartridge, for Moodle, Canvas and other platforms."""
    row = db.get_or_404(Course, course_id)
    try:
        data = cartridges.export_cartridge(row, cc_version=version)
    except PackageError as exc:
        flash(exc.message, "error")
        return redirect(url_for("packages.course", course_id=row.id))
    response = Response(data, mimetype="application/zip")
    name = f"{row.slug}-cc{version.replace('.', '')}.imscc"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _render_publishers(form: KeyFileForm, error: str | None = None) -> Any:
    return render_template(
        "packages/publishers.html",
        form=form,
        error=error,
        publishers=publishers.list_publishers(),
        action_form=ActionForm(),
    )


@bp.get("/publishers")
@require(can_manage_packages)
def publishers_page() -> Any:
    return _render_publishers(KeyFileForm())


@bp.post("/publishers/trust")
@require(can_manage_packages)
def trust() -> Any:
    form = KeyFileForm()
    if not form.validate_on_submit():
        return _render_publishers(form), 422
    try:
        key = publishers.parse_key_file(form.key_file.data.read(publishers.KEY_FILE_LIMIT + 1))
        row = publishers.trust_publisher(key, by=current_user)
    except PackageError as exc:
        return _render_publishers(form, exc.message), 422
    flash(_("%(name)s is now a trusted publisher.", name=row.name), "success")
    return redirect(url_for("packages.publishers_page"))


@bp.post("/publishers/<int:publisher_id>/revoke")
@require(can_manage_packages)
def revoke(publisher_id: int) -> Any:
    row = db.get_or_404(Publisher, publisher_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        publishers.revoke_publisher(row, by=current_user)
    except PackageError as exc:
        return _render_publishers(KeyFileForm(), exc.message), 422
    flash(_("%(name)s is no longer trusted.", name=row.name), "success")
    return redirect(url_for("packages.publishers_page"))


@bp.get("/publishers/self.json")
@require(can_manage_packages)
def own_key() -> Response:
    try:
        signer = instance_signer(current_app)
    except PackageError:
        abort(404)
    response = Response(publishers.key_file(signer.publisher), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="publisher-key.json"'
    return response
