"""What a volunteer is told after scanning or typing a code, in their language."""

from __future__ import annotations

from flask_babel import format_datetime
from flask_babel import gettext as _

from hub.errors import DomainError
from hub.hours import attendance, records, tokens
from hub.hours.attendance import Outcome
from hub.models import Shift


def outcome_message(outcome: Outcome) -> str:
    """Checked in, checked out, or already so (a repeat changes nothing)."""
    span = outcome.attendance
    if outcome.result == "checked_in":
        return _(
            "You are checked in (%(time)s). Thank you for coming!",
            time=format_datetime(span.checked_in_at, "HH:mm"),
        )
    if outcome.result == "already_in":
        return _(
            "You were already checked in at %(time)s; nothing changed.",
            time=format_datetime(span.checked_in_at, "HH:mm"),
        )
    if outcome.result == "checked_out":
        return _(
            "You are checked out (%(time)s). Thank you for your time!",
            time=format_datetime(span.checked_out_at, "HH:mm"),
        )
    return _("You were already checked out; nothing changed.")


def refusal_message(error: DomainError, shift: Shift | None = None) -> str:
    """Why the code did not work, and what to do instead."""
    if isinstance(error, tokens.StaleToken):
        return _(
            "This code has expired. Scan the code on the organizer's screen again, "
            "or type the 6 digits shown there."
        )
    if isinstance(error, tokens.BadToken):
        return _("This is not a valid check-in code. Scan the organizer's screen.")
    if isinstance(error, attendance.OutsideWindow):
        if error.too_early and shift is not None:
            return _(
                "Too early: check-in opens 30 minutes before the start, at %(time)s.",
                time=format_datetime(attendance.checkin_window(shift)[0], "M/d HH:mm"),
            )
        return _(
            "Check-in for this shift has closed. Ask the organizer to record "
            "your attendance by hand."
        )
    if isinstance(error, attendance.NotSignedUp):
        return _("You are not signed up for this shift. Ask the organizer to add you.")
    if isinstance(error, attendance.TooManyCycles):
        return _(
            "You have checked in and out 3 times today already. Ask the organizer."
        )
    if isinstance(error, attendance.NotCheckedIn):
        return _("You have not checked in yet: scan the check-in code first.")
    if isinstance(error, attendance.HoursAlreadyConfirmed):
        return _("Your hours for this shift are already confirmed.")
    if isinstance(error, attendance.ShiftNotRunning):
        return _("This shift was cancelled.")
    if isinstance(error, records.StillCheckedIn):
        return _("Someone is still checked in: end the shift for all first.")
    return _("That did not work. Please ask the organizer.")
