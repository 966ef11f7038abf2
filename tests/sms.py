"""Read verification codes as the phone would, and walk the code flows."""

from __future__ import annotations

from sqlalchemy import select

from hub.extensions import db
from hub.models import OutboxMessage, VerificationCode
from hub.models.verification import Purpose
from hub.verification import codes

STRONG_PASSWORD = "lantern-river-42"


def code_for(mobile: str, purpose: Purpose | str) -> str:
    """The code most recently sent to ``mobile`` for ``purpose`` (what the SMS says)."""
    row = db.session.scalar(
        select(VerificationCode)
        .where(
            VerificationCode.number_digest == codes.number_digest(mobile),
            VerificationCode.purpose == Purpose(purpose).value,
        )
        .order_by(VerificationCode.id.desc())
        .limit(1)
    )
    assert row is not None, f"no code was sent for {purpose}"
    return codes.derive(row.nonce)


def code_messages(mobile: str) -> list[OutboxMessage]:
    """Outbox messages carrying codes to ``mobile``."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.mobile == mobile, OutboxMessage.kind == "verification")
            .order_by(OutboxMessage.id)
        )
    )


def register(
    client,  # noqa: ANN001
    mobile: str = "13912345678",
    *,
    name: str = "张伟",
    password: str = STRONG_PASSWORD,
):  # noqa: ANN201
    """Number → code → name, password and consent; returns the last response."""
    sent = client.post("/register", data={"mobile": mobile})
    assert sent.status_code == 303, sent.get_data(as_text=True)
    proved = client.post(
        "/register/code", data={"code": code_for(mobile, Purpose.REGISTER)}
    )
    assert proved.status_code == 303, proved.get_data(as_text=True)
    return client.post(
        "/register/details",
        data={"name": name, "password": password, "consent": "y"},
    )


def sign_in_by_code(client, mobile: str):  # noqa: ANN001, ANN201
    """Number → code; returns the last response."""
    sent = client.post("/login/code", data={"mobile": mobile})
    assert sent.status_code == 303, sent.get_data(as_text=True)
    return client.post(
        "/login/code/verify", data={"code": code_for(mobile, Purpose.SIGN_IN)}
    )
