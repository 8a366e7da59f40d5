"""Who may do what with certificates.

Verifying is for anyone, without an account: the verification pages and the
credential files need no permission.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from academy.core.accounts.models import Role
from academy.core.permissions import Permission, role_permission

can_manage_certificates = role_permission(
    "can_manage_certificates",
    _l("Issuing and revoking certificates is for academy managers and administrators."),
    Role.MANAGER,
    Role.ADMIN,
)
can_download_certificate = Permission(
    "can_download_certificate",
    _l("A certificate's PDF is for its holder and the academy's managers."),
    lambda user, certificate: certificate.user_id == user.id or can_manage_certificates(user),
)
