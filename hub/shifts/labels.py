"""Words for shift and sign-up states, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_pgettext as _p

from hub.models.shifts import ShiftState, SignupState

SHIFT_STATE_LABELS = {
    ShiftState.SCHEDULED: _p("shift state", "Scheduled"),
    ShiftState.CANCELLED: _p("shift state", "Cancelled"),
}
SIGNUP_STATE_LABELS = {
    SignupState.CONFIRMED: _p("sign-up state", "Confirmed"),
    SignupState.WAITLISTED: _p("sign-up state", "On the waitlist"),
    SignupState.CANCELLED: _p("sign-up state", "Cancelled"),
    SignupState.ATTENDED: _p("sign-up state", "Attended"),
    SignupState.NO_SHOW: _p("sign-up state", "Did not come"),
}

#: The chip beside a sign-up's state (the word goes with it, never colour alone).
SIGNUP_STATE_CHIPS = {
    SignupState.CONFIRMED: "chip chip-ok",
    SignupState.WAITLISTED: "chip chip-wait",
    SignupState.CANCELLED: "chip chip-wait",
    SignupState.ATTENDED: "chip chip-ok",
    SignupState.NO_SHOW: "chip chip-danger",
}


def shift_state_label(value: str) -> str:
    """A shift's state in words (已安排, 已取消)."""
    label = SHIFT_STATE_LABELS.get(value)  # type: ignore[call-overload]
    return str(label) if label is not None else value


def signup_state_label(value: str) -> str:
    """A sign-up's state in words (已报名, 候补中, 已到场…)."""
    label = SIGNUP_STATE_LABELS.get(value)  # type: ignore[call-overload]
    return str(label) if label is not None else value


def signup_state_chip(value: str) -> str:
    return SIGNUP_STATE_CHIPS[SignupState(value)]
