"""Send a code to a number, and check what the person typed against it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from hub.errors import ChallengeRequired, CodeNotValid, TooManyCodes
from hub.extensions import db
from hub.models import User, VerificationCode
from hub.models.base import utcnow
from hub.models.verification import Purpose
from hub.notifications.services import queue_sms
from hub.sms.templates import VERIFICATION_CODE
from hub.verification import codes, limits

VALID_FOR = timedelta(minutes=5)
MAX_TRIES = 5


def _open_codes(mobile: str, purpose: Purpose, now: datetime):  # noqa: ANN202
    return (
        VerificationCode.number_digest == codes.number_digest(mobile),
        VerificationCode.purpose == purpose.value,
        VerificationCode.used_at.is_(None),
        VerificationCode.voided_at.is_(None),
        VerificationCode.expires_at > now,
    )


def send_code(
    mobile: str,
    purpose: Purpose,
    *,
    address: str,
    solved_challenge: bool = False,
    deliver: bool = True,
    user: User | None = None,
    assisted_by: User | None = None,
    now: datetime | None = None,
) -> VerificationCode | None:
    """Queue a new code for ``mobile``; earlier open codes for the same use go void.

    Raises TooManyCodes past a limit and ChallengeRequired when a challenge must be
    answered first. The caller answers the same whether or not the number has an
    account, so the answer tells nobody which numbers are registered: with
    ``deliver=False`` (no account to sign in to) the limits count, nothing is sent.
    ``assisted_by``: the social worker registering the holder on their behalf; the
    code counts against the worker's cap instead of the address.
    """
    now = now or utcnow()
    worker_id = assisted_by.id if assisted_by is not None else None
    decision = limits.decide(
        mobile,
        address,
        purpose.value,
        solved=solved_challenge,
        assisted_by=worker_id,
    )
    if decision.challenge:
        raise ChallengeRequired()
    if not decision.allowed:
        raise TooManyCodes(decision.retry_after)
    limits.count(mobile, address, purpose.value, assisted_by=worker_id)
    if not deliver:
        return None
    db.session.execute(
        update(VerificationCode)
        .where(*_open_codes(mobile, purpose, now))
        .values(voided_at=now)
        .execution_options(synchronize_session=False)
    )
    code = VerificationCode(
        number_digest=codes.number_digest(mobile),
        purpose=purpose.value,
        nonce=codes.new_nonce(),
        created_at=now,
        expires_at=now + VALID_FOR,
    )
    db.session.add(code)
    db.session.flush()
    queue_sms(
        kind="verification",
        template=VERIFICATION_CODE,
        params={"verification_id": code.id},
        mobile=mobile,
        user=user,
        dedup_key=f"verification:{code.id}",
        now=now,
    )
    return code


def check_code(
    mobile: str, purpose: Purpose, typed: str | None, *, now: datetime | None = None
) -> VerificationCode:
    """Use the open code for this number and purpose if ``typed`` is it.

    A wrong code costs one of 5 tries; the fifth voids the code. Each step is one
    conditional UPDATE, so parallel guesses cannot share a try or use a code twice.
    The caller commits also when this raises (the try must be counted).
    """
    now = now or utcnow()
    code = db.session.scalar(
        select(VerificationCode)
        .where(*_open_codes(mobile, purpose, now))
        .order_by(VerificationCode.id.desc())
        .limit(1)
    )
    if code is None:
        raise CodeNotValid(0)
    if codes.matches(code.nonce, typed):
        used = db.session.execute(
            update(VerificationCode)
            .where(VerificationCode.id == code.id, *_open_codes(mobile, purpose, now))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if used.rowcount != 1:
            raise CodeNotValid(0)
        db.session.refresh(code)
        return code
    counted = db.session.execute(
        update(VerificationCode)
        .where(
            VerificationCode.id == code.id,
            VerificationCode.attempts < MAX_TRIES,
            *_open_codes(mobile, purpose, now),
        )
        .values(attempts=VerificationCode.attempts + 1)
        .returning(VerificationCode.attempts)
        .execution_options(synchronize_session=False)
    ).scalar()
    if counted is None or counted >= MAX_TRIES:
        db.session.execute(
            update(VerificationCode)
            .where(VerificationCode.id == code.id, VerificationCode.voided_at.is_(None))
            .values(voided_at=now)
            .execution_options(synchronize_session=False)
        )
        raise CodeNotValid(0)
    raise CodeNotValid(MAX_TRIES - counted)


def code_params(stored: Mapping[str, Any]) -> dict[str, Any] | None:
    """The outbox's parameters for a code: derived now; None once it is closed."""
    code = db.session.get(VerificationCode, stored.get("verification_id"))
    if code is None or not code.is_open(utcnow()):
        return None
    return {"code": codes.derive(code.nonce), "action": code.purpose}
