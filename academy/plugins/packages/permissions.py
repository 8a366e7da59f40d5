"""Who may import packages, see their history and manage trusted publishers."""

from flask_babel import lazy_gettext as _l

from academy.core.accounts.models import Role
from academy.core.permissions import role_permission

can_manage_packages = role_permission(
    "can_manage_packages",
    _l("Course packages and publisher keys are managed by administrators and academy managers."),
    Role.ADMIN,
    Role.MANAGER,
)
