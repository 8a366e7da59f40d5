"""Import every core model so that metadata (and Alembic) sees them."""

from academy.core.accounts.models import Organisation, Role, User, UserRole
from academy.core.api.models import ApiToken
from academy.core.audit.models import AuditEvent
from academy.core.mail.models import OutboxMessage

FIRST_PARTY_MODEL_MODULES = (
    "courses",
    "packages",
    "cohorts",
    "learning",
    "discussions",
    "certificates",
)


def import_all_models() -> None:
    """Import every first-party model module: one schema whatever plugins are enabled."""
    import importlib

    for name in FIRST_PARTY_MODEL_MODULES:
        importlib.import_module(f"academy.plugins.{name}.models")


__all__ = ["ApiToken", "AuditEvent", "Organisation", "OutboxMessage", "Role", "User", "UserRole"]
