"""What people are told, in their language: a volunteer after scanning or typing a
code; an organizer whose entered hours broke a rule (beside the field)."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _

from hub.errors import DomainError
from hub.hours import attendance, records, rules, tokens
from hub.hours.attendance import Outcome
from hub.models import Shift
from hub.models.hours import NotAwaitingReview


def hours_text(minutes: int, *, signed: bool = False) -> str:
    """Minutes as a number of hours in the reader's locale: 90 → 1.5, 45 → 0.75,
    120 → 2, 90000 → 1,500; ``signed`` writes +0.5 for a time added."""
    number = format_decimal(
        Decimal(minutes) / 60, format="#,##0.##", locale=get_locale() or "zh_CN"
    )
    return f"+{number}" if signed and minutes > 0 else number


def hours_amount(minutes: int, *, signed: bool = False) -> str:
    """Minutes as an amount of hours with its unit: 0.25 小时 / 0.25 h."""
    return _("%(hours)s h", hours=hours_text(minutes, signed=signed))


def outcome_message(outcome: Outcome) -> str:
    """Checked in, checked out, or already so (a repeat changes nothing)."""
    span = outcome.attendance
    if outcome.result == "checked_in" and span.awaits_review:
        return _(
            "Your check-in of %(time)s arrived after the code had changed, so it "
            "counts once the organizer confirms you were there.",
            time=format_datetime(span.checked_in_at, "HH:mm"),
        )
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
    if isinstance(error, records.AwaitingReview):
        return _(
            "A check-in of this person arrived later from an offline phone: say "
            "whether they were here before confirming their hours."
        )
    if isinstance(error, NotAwaitingReview):
        return _("This was already decided; nothing changed.")
    return _("That did not work. Please ask the organizer.")


def entry_message(error: rules.BadEntry) -> str:
    """Why entered hours or their day were refused, for beside the field."""
    if isinstance(error, rules.ZeroHours):
        return _("Enter more than 0 hours.")
    if isinstance(error, rules.NegativeHours):
        return _("Hours cannot be negative. Enter a number such as 1.5.")
    if isinstance(error, rules.NotQuarterHours):
        return _("Use quarter hours: a whole number, or .25, .5 or .75 (such as 2.25).")
    if isinstance(error, rules.OverADay):
        return _("At most 24 hours in one entry.")
    if isinstance(error, rules.ReasonMissing):
        return _("Give a reason.")
    if isinstance(error, rules.DayInFuture):
        return _("Choose a day up to today.")
    if isinstance(error, rules.DayOutsideProject):
        if error.first > error.last:
            return _(
                "No day of this project has passed yet, so nothing can be entered."
            )
        return _(
            "Choose a day from %(first)s to %(last)s: the project's period, "
            "up to today.",
            first=format_date(error.first, "medium"),
            last=format_date(error.last, "medium"),
        )
    if isinstance(error, rules.DayFull):
        return _(
            "With the hours already entered for this person on that day, this would "
            "pass 24 hours: at most %(hours)s more.",
            hours=hours_text(error.room),
        )
    if isinstance(error, rules.AboveCeiling):
        return _(
            "This would bring the record above %(limit)s hours, the most it may "
            "have; with the corrections so far it has %(hours)s.",
            limit=hours_text(error.ceiling),
            hours=hours_text(error.standing),
        )
    if isinstance(error, rules.BelowZero):
        return _(
            "This would take the record below 0 hours; with the corrections so far "
            "it has %(hours)s.",
            hours=hours_text(error.standing),
        )
    return _("Use quarter hours up to 24, such as 0.25, 1.5 or 2.75.")
