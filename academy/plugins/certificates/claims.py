"""What a certificate states, frozen at the moment it is issued.

Every document about a certificate (the Open Badges credential, its VC-JWT,
the PDF and the public verification page) is made from one
:class:`CertificateClaims`, so they can never disagree.  The holder's name,
the course title and the cohort are copied as they were at issue: renaming a
course or a user later does not change a certificate already given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from academy.config import LANGUAGES
from academy.plugins.certificates import codes

__all__ = ["LANGUAGES", "CertificateClaims", "ClaimsError", "xsd_datetime"]


class ClaimsError(ValueError):
    """The claims given for a certificate are not consistent."""


@dataclass(frozen=True)
class CertificateClaims:
    """Everything a certificate says, in the words and values printed on it."""

    code: str
    holder_name: str
    course_title: str
    course_slug: str
    course_version: str
    cohort_name: str
    language: str
    issued_at: datetime
    hours: float
    criteria_text: str
    academy_name: str
    academy_url: str
    status_index: int
    start_date: date | None = None
    end_date: date | None = None

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise ClaimsError("; ".join(problems))
        object.__setattr__(self, "academy_url", self.academy_url.rstrip("/"))

    @property
    def base_url(self) -> str:
        """The academy's base URL without a trailing slash."""
        return self.academy_url

    @property
    def verify_url(self) -> str:
        """The public page that confirms this certificate: ``<base>/verify/<code>``."""
        return f"{self.academy_url}/verify/{self.code}"

    @property
    def issued_at_text(self) -> str:
        """``issued_at`` as an XML Schema dateTime in UTC, to the second (``…Z``)."""
        return xsd_datetime(self.issued_at)


def xsd_datetime(moment: datetime) -> str:
    """An aware datetime as ``YYYY-MM-DDThh:mm:ssZ`` in UTC (seconds, no fraction)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ClaimsError("a naive datetime cannot be written as UTC")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _problems(claims: CertificateClaims) -> list[str]:
    problems = []
    if not codes.is_valid(claims.code):
        problems.append(f"code {claims.code!r} is not a valid certificate code")
    for name in ("holder_name", "course_title", "course_slug", "course_version", "academy_name"):
        if not str(getattr(claims, name)).strip():
            problems.append(f"{name} is empty")
    if claims.language not in LANGUAGES:
        problems.append(f"language {claims.language!r} is not one of {', '.join(LANGUAGES)}")
    offset = claims.issued_at.utcoffset() if isinstance(claims.issued_at, datetime) else None
    if offset != timedelta(0):
        problems.append("issued_at must be an aware UTC datetime")
    if not (isinstance(claims.hours, int | float) and claims.hours >= 0):
        problems.append("hours must be a number of hours, zero or more")
    if not (isinstance(claims.status_index, int) and claims.status_index >= 0):
        problems.append("status_index must be a position in the status list, zero or more")
    if not claims.academy_url.startswith(("https://", "http://")):
        problems.append("academy_url must be an absolute http(s) URL")
    if claims.start_date and claims.end_date and claims.end_date < claims.start_date:
        problems.append("the cohort ends before it starts")
    return problems
