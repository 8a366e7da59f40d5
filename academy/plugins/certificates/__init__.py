"""Certificates: issuing on completion, PDF, public verification, revocation, Open Badges 3.0.

The stand-alone parts are pure functions over
:class:`~academy.plugins.certificates.claims.CertificateClaims` and Ed25519
keys: codes, claims, credential, proof, jsonld, multikey, vcjwt, jwks,
statuslist, pdf and fonts.  On top of them: models, services (issue,
revoke), documents (what is made at issue), publishing (issuer profile, JWKS,
status list), the pages, the API, the CLI and the receivers.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from academy.core.permissions import is_signed_in
from academy.core.plugins import Plugin
from academy.plugins.certificates import manage, verify, views
from academy.plugins.certificates.api import bp as api_bp
from academy.plugins.certificates.blueprint import DEFAULT_VERIFY_LIMIT, bp
from academy.plugins.certificates.cli import certificates_group
from academy.plugins.certificates.permissions import can_manage_certificates

__all__ = ["plugin"]
_VIEW_MODULES = (views, verify, manage)  # imported for their routes


def _is_visitor(user: Any) -> bool:
    """People without an account are the ones who come to verify."""
    return not getattr(user, "is_authenticated", False)


def setup(app: Flask) -> None:
    """Issue on completion, the "My learning" panel, personal data and the demo certificate."""
    from academy.core.signals import course_completed, demo_requested, user_data_export
    from academy.plugins.certificates import receivers
    from academy.plugins.learning.hooks import register_enrolment_panel

    app.config.setdefault("CERTIFICATES_RATELIMIT_VERIFY", DEFAULT_VERIFY_LIMIT)
    course_completed.connect(receivers.on_course_completed)
    user_data_export.connect(receivers.on_user_data_export)
    demo_requested.connect(receivers.on_demo_requested)
    register_enrolment_panel(app, receivers.enrolment_panel)


plugin = Plugin(
    name="certificates",
    title=_l("Certificates"),
    requires=("courses", "cohorts"),
    blueprint=bp,
    api_blueprint=api_bp,
    cli=certificates_group,
    setup=setup,
    nav=(
        ("certificates.verify_form", _l("Verify a certificate"), _is_visitor),
        ("certificates.mine", _l("My certificates"), is_signed_in),
        ("certificates.manage", _l("Manage certificates"), can_manage_certificates),
    ),
)
