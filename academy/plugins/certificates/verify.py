"""Public verification, for anyone and without an account: ``/verify`` (a form),
``/verify/<code>`` (a page) and ``/verify/<code>.json``.  Rate limited per address.

Each page reads one row: the certificate by its code.
"""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from academy.core.api.errors import problem
from academy.plugins.certificates import codes, services
from academy.plugins.certificates.blueprint import bp, canonical_redirect, verify_limit
from academy.plugins.certificates.forms import VerifyForm
from academy.plugins.certificates.verification import verification_record


def _form_page(form: VerifyForm, status: int = 200, **context: Any) -> Any:
    return render_template("certificates/verify_form.html", form=form, **context), status


@bp.get("/verify", endpoint="verify_form")
@verify_limit
def verify_form() -> Any:
    """Type or paste a code; spaces, dashes and lower case are fine."""
    if "code" not in request.args:
        return _form_page(VerifyForm(formdata=None))
    form = VerifyForm(formdata=request.args)
    if not form.validate():
        return _form_page(form, 422)
    code = codes.parse(form.code.data or "")
    if code is None:
        form.code.errors = [
            _("This is not a valid certificate code. Please check each character and try again.")
        ]
        return _form_page(form, 422)
    return redirect(url_for("certificates.verify", code=code))


@bp.get("/verify/<code>", endpoint="verify")
@verify_limit
def verify(code: str) -> Any:
    moved = canonical_redirect(code, "certificates.verify")
    if moved is not None:
        return moved
    certificate = services.by_code(code)
    if certificate is None:
        form = VerifyForm(formdata=None, code=code)
        return _form_page(form, 404, unknown=code)
    record = verification_record(certificate)
    return render_template("certificates/verify.html", certificate=certificate, record=record)


@bp.get("/verify/<code>.json", endpoint="verify_json")
@verify_limit
def verify_json(code: str) -> Any:
    """All claims and ``"status": "valid"`` or ``"revoked"`` (with date and reason)."""
    moved = canonical_redirect(code, "certificates.verify_json")
    if moved is not None:
        return moved
    certificate = services.by_code(code)
    if certificate is None:
        missing = problem(404, "No certificate has this code.")
        missing.headers["Access-Control-Allow-Origin"] = "*"
        return missing
    record = verification_record(certificate).model_dump(mode="json")
    return record, 200, {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-cache"}
