"""Who may study and who may follow learners' work."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from academy.core.permissions import Permission
from academy.plugins.cohorts.models import PLACE_HOLDING

can_study = Permission(
    "can_study",
    _l("Studying is for learners enrolled in the cohort."),
    lambda user, enrolment: enrolment.user_id == user.id and enrolment.status in PLACE_HOLDING,
)
