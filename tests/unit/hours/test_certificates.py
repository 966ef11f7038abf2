"""Certificates: numbered, frozen at issue, invalid once their records are corrected."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from hub.hours import certificates, records
from tests import factories


def test_certificate_freezes_total_issuers_services_and_fingerprint() -> None:
    record, shift, person, _organizer = factories.confirmed_hours(minutes_in=90)
    cert = certificates.issue_certificate(
        person, start=record.served_on, end=record.served_on
    )
    assert re.fullmatch(r"SZ-\d{4}-\d{6}", cert.number)
    assert cert.total_minutes == 90
    assert cert.record_ids == [record.id]
    assert cert.lines == [
        {
            "organization": shift.project.organization.name,
            "minutes": 90,
            "services": [shift.project.title],
        }
    ]
    assert cert.fingerprint == certificates.fingerprint([record])
    assert certificates.is_valid(cert)
    other = certificates.issue_certificate(
        person, start=record.served_on, end=record.served_on
    )
    assert other.number != cert.number and other.code != cert.code


def test_a_correction_after_issue_makes_it_no_longer_valid() -> None:
    record, _shift, person, organizer = factories.confirmed_hours()
    cert = certificates.issue_certificate(
        person, start=record.served_on, end=record.served_on
    )
    records.add_adjustment(
        record,
        by=organizer,
        minutes=-15,
        reason="少算休息",
        now=cert.issued_at + timedelta(minutes=1),
    )
    assert not certificates.is_valid(cert)


def test_nothing_to_certify_and_bad_periods() -> None:
    person = factories.volunteer()
    with pytest.raises(certificates.NothingToCertify):
        certificates.issue_certificate(
            person, start=date(2020, 1, 1), end=date(2020, 12, 31)
        )
    with pytest.raises(certificates.BadPeriod):
        certificates.issue_certificate(
            person, start=date(2020, 2, 1), end=date(2020, 1, 1)
        )


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("欧阳娜娜", "欧***"), ("王", "王*"), ("Alice Smith", "A****")],
)
def test_names_are_masked(name: str, masked: str) -> None:
    assert certificates.mask_name(name) == masked
