"""The organizer's check-in screen (rotating QR code, live list, by-hand marks) and
the volunteer's side: open the QR link, or type the six digits.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hub.errors import DomainError
from hub.extensions import db, limiter
from hub.hours import attendance, forms, ledger, marking, records, tokens
from hub.hours.messages import outcome_message, refusal_message
from hub.hours.policy import can_review_sent_later
from hub.models import Attendance, HourRecord, Shift, Signup
from hub.models.base import utcnow
from hub.models.hours import RecordState
from hub.models.shifts import SignupState
from hub.permissions import Permission
from hub.shifts import when
from hub.shifts.policy import can_organize_shift
from hub.web.access import public, requires
from hub.web.htmx import is_htmx, see_other
from hub.web.qr import qr_svg
from hub.web.reasons import login_reason

bp = Blueprint("checkin", __name__)

#: How long after first opening a fresh link this browser may still use it (the
#: time it takes to log in); kept in the signed session, so a photo gains nothing.
SEEN_GRACE = timedelta(minutes=10)
#: Sign-up states shown on the attendance list.
LISTED = (SignupState.CONFIRMED, SignupState.ATTENDED, SignupState.NO_SHOW)


def _load(shift_id: int) -> Shift:
    """The shift, 404 if missing, 403 unless the viewer organizes it."""
    shift = db.get_or_404(Shift, shift_id)
    if not can_organize_shift(current_user, shift):
        abort(403)
    return shift


def _mode() -> str:
    return "out" if request.args.get("mode") == "out" else "in"


def attendance_rows(shift: Shift) -> list[dict[str, Any]]:
    """Everyone on the shift with their cycles, minutes so far and record state."""
    signups = db.session.scalars(
        select(Signup)
        .where(Signup.shift_id == shift.id, Signup.state.in_(LISTED))
        .options(selectinload(Signup.user))
        .order_by(Signup.queued_at, Signup.id)
    ).all()
    spans: dict[int, list[Attendance]] = {}
    for span in db.session.scalars(
        select(Attendance)
        .where(Attendance.shift_id == shift.id)
        .order_by(Attendance.checked_in_at, Attendance.id)
    ):
        spans.setdefault(span.user_id, []).append(span)
    states = dict(
        db.session.execute(
            select(HourRecord.user_id, HourRecord.state).where(
                HourRecord.shift_id == shift.id
            )
        ).all()
    )
    rows = []
    for s in signups:
        mine = spans.get(s.user_id, [])
        rows.append(
            {
                "signup": s,
                # Seen live or confirmed: what the list and the minutes show.
                "spans": [x for x in mine if x.counts],
                # Arrived late from an offline phone: listed apart until decided.
                "sent_later": [x for x in mine if x.awaits_review],
                "present": any(x.is_open and x.counts for x in mine),
                "minutes": ledger.shift_minutes(mine, shift),
                "confirmed": states.get(s.user_id) == RecordState.CONFIRMED,
            }
        )
    return rows


def _qr_context(shift: Shift, mode: str, now: datetime) -> dict[str, Any]:
    showing = attendance.is_open_for_checkin(shift, now)
    if mode == "in" and now > attendance.checkin_window(shift)[1]:
        showing = False
    context: dict[str, Any] = {"shift": shift, "mode": mode, "showing": showing}
    if showing:
        url = url_for(
            "checkin.scan",
            token=tokens.make_link_token(shift.id, mode, now),
            _external=True,
        )
        code = tokens.numeric_code(shift.id, mode, tokens.slot_of(now))
        context.update(
            qr=qr_svg(url, _("Check-in QR code")),
            code=f"{code[:3]} {code[3:]}",
            seconds_left=tokens.seconds_left(now),
        )
    context["opens_at"] = attendance.checkin_window(shift)[0]
    return context


def _screen(shift: Shift, status: int = 200, **forms_: Any) -> tuple[str, int]:
    now = utcnow()
    html = render_template(
        "hours/checkin.html",
        **_qr_context(shift, _mode(), now),
        rows=attendance_rows(shift),
        walk_in_form=forms_.get("walk_in_form") or forms.WalkInForm(),
        ended=now >= shift.ends_at,
    )
    return html, status


@bp.route("/shifts/<int:shift_id>/checkin")
@requires(Permission.HOURS_KEEP)
def screen(shift_id: int):
    """The check-in screen; for htmx only the QR code, redrawn as it rotates."""
    shift = _load(shift_id)
    if is_htmx():
        return render_template(
            "hours/_qr.html", **_qr_context(shift, _mode(), utcnow())
        )
    return _screen(shift)


@bp.route("/shifts/<int:shift_id>/attendance")
@requires(Permission.HOURS_KEEP)
def attendance_list(shift_id: int):
    """Who is checked in; htmx polls this every 5 seconds for the list alone."""
    shift = _load(shift_id)
    if is_htmx():
        return render_template(
            "hours/_attendance.html", shift=shift, rows=attendance_rows(shift)
        )
    return _screen(shift)


def _back(shift: Shift) -> Any:
    return see_other(url_for("checkin.screen", shift_id=shift.id))


@bp.route("/shifts/<int:shift_id>/attendance/walk-in", methods=["POST"])
@requires(Permission.HOURS_KEEP)
def walk_in(shift_id: int):
    """Add someone registered who turned up without signing up, checked in."""
    shift = _load(shift_id)
    form = forms.WalkInForm()
    if not form.validate_on_submit():
        return _screen(shift, 422, walk_in_form=form)
    try:
        outcome = marking.add_walk_in(shift, by=current_user, mobile=form.mobile.data)
    except marking.UnknownMobile:
        db.session.rollback()
        form.mobile.errors.append(_("Nobody has an account with this number."))
        return _screen(shift, 422, walk_in_form=form)
    except DomainError as e:
        db.session.rollback()
        flash(refusal_message(e, shift), "warning")
        return _back(shift)
    db.session.commit()
    flash(_("%(name)s is checked in.", name=outcome.attendance.user.name), "success")
    return _back(shift)


@bp.route("/shifts/<int:shift_id>/attendance/<int:signup_id>", methods=["POST"])
@requires(Permission.HOURS_KEEP)
def mark(shift_id: int, signup_id: int):
    """Mark one person attended (the whole shift) or a no-show, by hand."""
    shift = _load(shift_id)
    signup = db.get_or_404(Signup, signup_id)
    if signup.shift_id != shift.id:
        abort(404)
    state = request.form.get("state")
    if state not in ("attended", "no_show"):
        abort(400)
    try:
        if state == "attended":
            marking.mark_attended(signup, by=current_user)
        else:
            marking.mark_no_show(signup, by=current_user)
    except marking.HasAttendance:
        db.session.rollback()
        flash(_("%(name)s checked in, so cannot be a no-show.", name=signup.user.name))
        return _back(shift)
    except DomainError as e:
        db.session.rollback()
        flash(refusal_message(e, shift), "warning")
        return _back(shift)
    db.session.commit()
    flash(_("Saved for %(name)s.", name=signup.user.name), "success")
    return _back(shift)


@bp.route(
    "/shifts/<int:shift_id>/attendance/<int:signup_id>/sent-later", methods=["POST"]
)
@requires(Permission.HOURS_KEEP)
def review_sent_later(shift_id: int, signup_id: int):
    """Say whether someone whose check-in arrived late from an offline phone was
    here: their time counts, or never does."""
    shift = _load(shift_id)
    signup = db.get_or_404(Signup, signup_id)
    if signup.shift_id != shift.id:
        abort(404)
    if not can_review_sent_later(current_user, signup):
        abort(403)  # nobody vouches for themselves
    decision = request.form.get("decision")
    if decision not in ("accept", "refuse"):
        abort(400)
    try:
        marking.review_sent_later(signup, by=current_user, accept=decision == "accept")
    except DomainError as e:
        db.session.rollback()
        flash(refusal_message(e, shift), "warning")
        return _back(shift)
    db.session.commit()
    if decision == "accept":
        flash(
            _("Saved: the time of %(name)s counts.", name=signup.user.name), "success"
        )
    else:
        flash(
            _(
                "Saved: %(name)s was not here; that time never counts.",
                name=signup.user.name,
            ),
            "success",
        )
    return _back(shift)


@bp.route("/shifts/<int:shift_id>/attendance/end", methods=["POST"])
@requires(Permission.HOURS_KEEP)
def end_all(shift_id: int):
    """Check out everyone still checked in."""
    shift = _load(shift_id)
    try:
        count = marking.end_shift_for_all(shift, by=current_user)
    except DomainError as e:
        db.session.rollback()
        flash(refusal_message(e, shift), "warning")
        return _back(shift)
    db.session.commit()
    flash(
        ngettext("%(num)d person checked out.", "%(num)d people checked out.", count),
        "success",
    )
    return _back(shift)


@bp.route("/shifts/<int:shift_id>/hours/confirm", methods=["POST"])
@requires(Permission.HOURS_KEEP)
def confirm(shift_id: int):
    """Confirm the hours of everyone who attended, or of one person; final."""
    shift = _load(shift_id)
    signup = None
    if request.form.get("signup_id"):
        signup = db.get_or_404(Signup, request.form.get("signup_id", type=int))
        if signup.shift_id != shift.id:
            abort(404)
    try:
        done = records.confirm_hours(shift, by=current_user, signup=signup)
    except records.NotStarted:
        db.session.rollback()
        flash(_("Hours can be confirmed once the shift has started."), "warning")
        return _back(shift)
    except DomainError as e:
        db.session.rollback()
        flash(refusal_message(e, shift), "warning")
        return _back(shift)
    waiting = len(records.awaiting_review(shift))
    db.session.commit()
    flash(
        ngettext(
            "Hours confirmed for %(num)d person; they have been told.",
            "Hours confirmed for %(num)d people; they have been told.",
            len(done),
        ),
        "success",
    )
    if waiting:
        flash(
            ngettext(
                "%(num)d person has a check-in sent later from an offline phone: "
                "say whether they were here, then confirm their hours.",
                "%(num)d people have check-ins sent later from offline phones: "
                "say whether they were here, then confirm their hours.",
                waiting,
            ),
            "warning",
        )
    return _back(shift)


# The volunteer ---------------------------------------------------------------------


def _seen_at(token: str, now: datetime) -> datetime:
    """When this browser first opened this link (kept in its signed session)."""
    seen = session.get("checkin_seen")
    if isinstance(seen, dict) and seen.get("token") == token:
        at = datetime.fromtimestamp(float(seen.get("at", 0)), now.tzinfo)
        if now - SEEN_GRACE <= at <= now:
            return at
    return now


def _remember_seen(token: str, now: datetime) -> None:
    seen = session.get("checkin_seen")
    if not (isinstance(seen, dict) and seen.get("token") == token):
        session["checkin_seen"] = {"token": token, "at": now.timestamp()}


def _result(shift: Shift | None, message: str, ok: bool, status: int) -> Any:
    if is_htmx():
        html = render_template(
            "hours/_scan_result.html", shift=shift, message=message, ok=ok
        )
        return html, status
    flash(message, "success" if ok else "warning")
    if shift is None:
        return see_other(url_for("shifts.mine"))
    return see_other(url_for("checkin.attend", shift_id=shift.id))


def _scanner_key() -> str:
    if current_user.is_authenticated:
        return f"checkin-scan:{current_user.id}"
    return f"checkin-scan-addr:{get_remote_address()}"


@login_reason("checkin.attend")
def _why_log_in(shift_id: int) -> str | None:
    """The login page reached from a check-in says which shift it is for."""
    shift = db.session.get(Shift, shift_id)
    if shift is None:
        return None
    return _(
        "Log in to check in to %(project)s, %(when)s.",
        project=shift.project.title,
        when=when(shift.starts_at, shift.ends_at),
    )


@login_reason("checkin.scan")
def _why_log_in_to_scan(token: str) -> str | None:
    try:
        return _why_log_in(tokens.read_link_token(token).shift_id)
    except tokens.BadToken:
        return None


@bp.route("/c/<token>", methods=["GET", "POST"])
@public
@limiter.limit("20 per minute;120 per hour", methods=["POST"], key_func=_scanner_key)
def scan(token: str):
    """The QR link: log in if needed (the link's freshness kept), then check in/out."""
    now = utcnow()
    try:
        parsed = tokens.read_link_token(token)
    except tokens.BadToken as e:
        return render_template("hours/scan.html", error=refusal_message(e)), 400
    shift = db.session.get(Shift, parsed.shift_id)
    if shift is None:
        abort(404)
    seen = _seen_at(token, now)
    try:
        tokens.check_fresh(parsed, seen)
    except tokens.StaleToken as e:
        return render_template(
            "hours/scan.html", shift=shift, error=refusal_message(e)
        ), 410
    _remember_seen(token, seen)
    if not current_user.is_authenticated:
        return redirect(
            url_for("auth.login", next=url_for("checkin.scan", token=token))
        )
    if request.method == "GET":
        return render_template(
            "hours/scan.html", shift=shift, mode=parsed.mode, token=token
        )
    try:
        # Fresh when this browser first opened it; the time recorded is now.
        outcome = attendance.use_token(
            parsed, user=current_user, now=now, fresh_at=seen
        )
    except DomainError as e:
        db.session.rollback()
        return _result(shift, refusal_message(e, shift), False, 409)
    db.session.commit()
    return _result(shift, outcome_message(outcome), True, 200)


@bp.route("/shifts/<int:shift_id>/attend", methods=["GET", "POST"])
@requires(Permission.HOURS_OWN)
@limiter.limit(
    "10 per minute;40 per hour",
    methods=["POST"],
    key_func=lambda: f"checkin-code:{current_user.id}",
)
def attend(shift_id: int):
    """My check-in on a shift: where I stand, and the six digits to type."""
    shift = db.get_or_404(Shift, shift_id)
    form = forms.CodeForm()
    status = 200
    if form.validate_on_submit():
        now = utcnow()
        try:
            token = tokens.read_numeric_code(shift.id, form.code.data, now)
            outcome = attendance.use_token(token, user=current_user, now=now)
        except DomainError as e:
            db.session.rollback()
            form.code.errors.append(refusal_message(e, shift))
            status = 422
        else:
            db.session.commit()
            flash(outcome_message(outcome), "success")
            return see_other(url_for("checkin.attend", shift_id=shift.id))
    elif request.method == "POST":
        status = 422
    spans = ledger.spans_of(shift.id, current_user.id)
    return render_template(
        "hours/attend.html", shift=shift, form=form, spans=spans
    ), status
