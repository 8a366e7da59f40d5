"""The holder's pages and the published documents: my certificates, the PDF, the credential
files, the issuer profile, the issuer's keys and the revocation status list."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, render_template, send_file
from flask_login import current_user

from academy.core.permissions import check, is_signed_in, require
from academy.core.storage import storage
from academy.plugins.certificates import publishing
from academy.plugins.certificates.blueprint import (
    bp,
    canonical_redirect,
    found_or_404,
    json_document,
    verify_limit,
)
from academy.plugins.certificates.permissions import can_download_certificate
from academy.plugins.certificates.queries import my_certificates

JSON_LD = "application/ld+json"
#: Public documents may be fetched by verifiers running in any web page.
PUBLIC_CACHE = "public, max-age=300"


def _public(response: Response, cache: str = PUBLIC_CACHE) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = cache
    return response


@bp.get("/certificates/", endpoint="mine")
@require(is_signed_in)
def mine() -> str:
    return render_template("certificates/mine.html", certificates=my_certificates(current_user.id))


@bp.get("/certificates/<code>.pdf", endpoint="pdf")
@require(is_signed_in)
def pdf(code: str) -> Any:
    """The PDF made at issue, for its holder and the academy's managers."""
    moved = canonical_redirect(code, "certificates.pdf")
    if moved is not None:
        return moved
    certificate = found_or_404(code)
    check(can_download_certificate, certificate)
    files = storage()
    if not certificate.pdf_key or not files.exists(certificate.pdf_key):
        abort(404)
    response = send_file(
        files.open(certificate.pdf_key),
        mimetype="application/pdf",
        download_name=f"certificate-{certificate.code}.pdf",
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/certificates/<code>/credential.json", endpoint="credential_json")
@verify_limit
def credential_json(code: str) -> Any:
    """The OpenBadgeCredential with its Data Integrity proof (eddsa-rdfc-2022), as signed."""
    moved = canonical_redirect(code, "certificates.credential_json")
    if moved is not None:
        return moved
    certificate = found_or_404(code)
    if not certificate.credential:
        abort(404)
    return _public(json_document(certificate.credential, JSON_LD), "public, max-age=60")


@bp.get("/certificates/<code>/credential.jwt", endpoint="credential_jwt")
@verify_limit
def credential_jwt(code: str) -> Any:
    """The same credential as a VC-JWT signed with EdDSA; its ``kid`` is in the JWKS."""
    moved = canonical_redirect(code, "certificates.credential_jwt")
    if moved is not None:
        return moved
    certificate = found_or_404(code)
    if not certificate.credential_jwt:
        abort(404)
    response = Response(certificate.credential_jwt, mimetype="application/jwt")
    return _public(response, "public, max-age=60")


@bp.get("/certificates/status/revocation", endpoint="status_list")
def status_list() -> Response:
    """The signed BitstringStatusListCredential: bit ``status_index`` set = revoked."""
    return _public(json_document(publishing.publish_status_list(), JSON_LD), "no-cache")


@bp.get("/issuer", endpoint="issuer")
def issuer() -> Response:
    """The issuer's Open Badges Profile with every public key, rotated ones included."""
    return _public(json_document(publishing.issuer_document(), JSON_LD))


@bp.get("/.well-known/jwks.json", endpoint="jwks")
def jwks() -> Response:
    """The issuer's public keys as a JSON Web Key Set (for the VC-JWTs)."""
    return _public(json_document(publishing.jwks_document()))
