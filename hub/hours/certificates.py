"""Hours certificates (《志愿服务记录与证明出具办法》): issue, and verify by code.

A certificate freezes what it says at issue: the total, one line per issuing
organization (the one that kept the records) with its services, the records'
ids and a SHA-256 fingerprint over them. It stops being valid as soon as any of
those records is corrected afterwards (an adjustment added).
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from hub import audit
from hub.errors import DomainError
from hub.extensions import db
from hub.localtime import local_date
from hub.models import Certificate, HourRecord, Project, User
from hub.models.base import utcnow
from hub.models.hours import RecordKind

#: The longest period one certificate may cover.
MAX_PERIOD_DAYS = 366 * 5


class NothingToCertify(DomainError):
    """No confirmed, counting hours in that period."""


class BadPeriod(DomainError):
    """The period ends before it starts, lies in the future or is too long."""


def counting_records(
    user: User, start: date, end: date, now: datetime | None = None
) -> list[HourRecord]:
    """The person's confirmed, counting records served in the period, oldest first."""
    return list(
        db.session.scalars(
            select(HourRecord)
            .where(
                HourRecord.user_id == user.id,
                HourRecord.counting(now or utcnow()),
                HourRecord.served_on >= start,
                HourRecord.served_on <= end,
            )
            .options(
                selectinload(HourRecord.project).selectinload(Project.organization)
            )
            .order_by(HourRecord.served_on, HourRecord.id)
        )
    )


def fingerprint(records: list[HourRecord]) -> str:
    """SHA-256 over the records' ids and minutes, in id order."""
    text = "|".join(f"{r.id}:{r.minutes}" for r in sorted(records, key=lambda r: r.id))
    return hashlib.sha256(text.encode()).hexdigest()


def certificate_lines(records: list[HourRecord]) -> list[dict[str, Any]]:
    """One line per issuing organization: its name, minutes and services."""
    minutes: dict[int, int] = defaultdict(int)
    names: dict[int, str] = {}
    services: dict[int, set[str]] = defaultdict(set)
    for record in records:
        org = record.project.organization
        names[org.id] = org.name
        minutes[org.id] += record.minutes
        if record.kind != RecordKind.ADJUSTMENT:
            services[org.id].add(record.project.title)
    return [
        {
            "organization": names[org_id],
            "minutes": minutes[org_id],
            "services": sorted(services[org_id]),
        }
        for org_id in sorted(names, key=lambda i: names[i])
        if minutes[org_id] > 0
    ]


def issue_certificate(
    user: User, *, start: date, end: date, now: datetime | None = None
) -> Certificate:
    """Issue a numbered certificate of the person's hours served in the period."""
    now = now or utcnow()
    today = local_date(now)
    if end < start or start > today or (end - start).days > MAX_PERIOD_DAYS:
        raise BadPeriod(start, end)
    records = counting_records(user, start, end, now)
    total = sum(r.minutes for r in records)
    if total <= 0:
        raise NothingToCertify(user.id)
    code = secrets.token_urlsafe(12)
    certificate = Certificate(
        number=f"tmp-{code}",
        code=code,
        user_id=user.id,
        period_start=start,
        period_end=min(end, today),
        total_minutes=total,
        record_ids=[r.id for r in records],
        fingerprint=fingerprint(records),
        lines=certificate_lines(records),
        issued_at=now,
    )
    db.session.add(certificate)
    db.session.flush()
    # The id is unique, so the number is too: SZ-<year of issue>-<6 digits>.
    certificate.number = f"SZ-{today.year}-{certificate.id:06d}"
    db.session.flush()
    audit.record(
        user,
        certificate,
        "certificate.issue",
        data={"number": certificate.number, "minutes": total},
        now=now,
    )
    return certificate


def is_valid(certificate: Certificate) -> bool:
    """False once any record behind it was corrected after it was issued."""
    if not certificate.record_ids:
        return False
    corrected = db.session.scalar(
        select(
            exists().where(
                HourRecord.kind == RecordKind.ADJUSTMENT,
                HourRecord.adjusts_id.in_(certificate.record_ids),
                HourRecord.confirmed_at > certificate.issued_at,
            )
        )
    )
    return not corrected


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: only the first character shown."""
    name = name.strip()
    if not name:
        return "*"
    return name[0] + "*" * max(1, min(len(name) - 1, 4))


def by_code(code: str) -> Certificate | None:
    """The certificate a verification code names."""
    return db.session.scalar(select(Certificate).where(Certificate.code == code))
