"""CertificateClaims: one frozen, checked statement of what a certificate says."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from academy.plugins.certificates.claims import ClaimsError, xsd_datetime
from tests.plugins.certificates.support import BASE, CODE, make_claims


def test_claims_are_frozen_and_derive_their_urls() -> None:
    claims = make_claims(academy_url=BASE + "/")
    assert claims.academy_url == BASE
    assert claims.verify_url == f"{BASE}/verify/{CODE}"
    assert claims.issued_at_text == "2026-03-14T10:30:05Z"
    with pytest.raises(dataclasses.FrozenInstanceError):
        claims.holder_name = "Someone else"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"code": "7KQ2-M9XD-4TRX"}, "not a valid certificate code"),
        ({"holder_name": "  "}, "holder_name is empty"),
        ({"language": "de"}, "language 'de'"),
        ({"issued_at": datetime(2026, 3, 14, 10, 30)}, "aware UTC"),
        ({"issued_at": datetime(2026, 3, 14, tzinfo=timezone(timedelta(hours=2)))}, "aware UTC"),
        ({"hours": -1}, "hours"),
        ({"status_index": -3}, "status_index"),
        ({"academy_url": "academy.example.org"}, "absolute"),
        ({"start_date": date(2026, 3, 1), "end_date": date(2026, 2, 1)}, "ends before"),
    ],
)
def test_inconsistent_claims_are_refused(override: dict, message: str) -> None:
    with pytest.raises(ClaimsError, match=message):
        make_claims(**override)


def test_optional_dates_and_cohort() -> None:
    claims = make_claims(start_date=None, end_date=None, cohort_name="")
    assert claims.start_date is None and claims.end_date is None


def test_xsd_datetime_is_utc_to_the_second() -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, 999_999, tzinfo=timezone(timedelta(hours=-5)))
    assert xsd_datetime(moment) == "2026-01-02T08:04:05Z"
    with pytest.raises(ClaimsError):
        xsd_datetime(datetime(2026, 1, 2, tzinfo=None))
    assert xsd_datetime(datetime(2026, 1, 2, tzinfo=UTC)) == "2026-01-02T00:00:00Z"
