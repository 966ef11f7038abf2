"""Where a person is in a code flow, kept in the (signed) session.

``sent``: a code went (or seemed to go) to this number for this purpose.
``proved``: the person typed it right; the next step may use the proof once,
within ``PROOF_LIFETIME``. Neither holds the code.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import session

from hub.models.verification import Purpose

PROOF_LIFETIME = 15 * 60
_SENT = "code_sent"
_PROVED = "code_proved"


@dataclass(frozen=True)
class Step:
    purpose: Purpose
    mobile: str
    #: For a password sign-in that must verify the number first: the account.
    user_id: int | None = None


def remember_sent(purpose: Purpose, mobile: str, user_id: int | None = None) -> None:
    session[_SENT] = {"p": purpose.value, "m": mobile, "u": user_id}


def sent(purpose: Purpose) -> Step | None:
    """The number a code was sent to for ``purpose``, if any."""
    state = session.get(_SENT)
    if not state or state.get("p") != purpose.value:
        return None
    return Step(purpose, state["m"], state.get("u"))


def remember_proved(step: Step) -> None:
    session.pop(_SENT, None)
    session[_PROVED] = {
        "p": step.purpose.value,
        "m": step.mobile,
        "u": step.user_id,
        "t": int(time.time()),
    }


def proved(purpose: Purpose) -> Step | None:
    """The number proved for ``purpose`` in the last 15 minutes, if any."""
    state = session.get(_PROVED)
    if not state or state.get("p") != purpose.value:
        return None
    if time.time() - state.get("t", 0) > PROOF_LIFETIME:
        session.pop(_PROVED, None)
        return None
    return Step(purpose, state["m"], state.get("u"))


def use_proof() -> None:
    """The proof served its step; it cannot serve another."""
    session.pop(_PROVED, None)
