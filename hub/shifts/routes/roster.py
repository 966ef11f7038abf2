"""A shift's roster for its organizers: who is on it and who waits, with numbers to
call; remove someone with a reason, message everyone, download it, cancel the shift.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    render_template,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from hub import audit
from hub.exports.writers import CSV_TYPE, csv_chunks
from hub.extensions import db
from hub.localtime import local
from hub.models import Shift, Signup, User
from hub.models.base import utcnow
from hub.models.shifts import ACTIVE_STATES, ShiftState, SignupState
from hub.permissions import Permission
from hub.projects.policy import can_manage_project
from hub.shifts import forms, policy, services
from hub.shifts.labels import signup_state_label
from hub.web.access import requires
from hub.web.downloads import attachment
from hub.web.htmx import is_htmx, see_other

bp = Blueprint("roster", __name__)

#: The most shifts the manage page lists (the rest are further in the future).


#: On the shift (confirmed, or marked at check-in) or waiting.
_LISTED = (*ACTIVE_STATES, SignupState.ATTENDED, SignupState.NO_SHOW)


def people_on(shift: Shift) -> tuple[list[Signup], list[Signup]]:
    """Confirmed (attended, no-show) and waitlisted sign-ups, each in queue order."""
    signups = db.session.scalars(
        select(Signup)
        .where(Signup.shift_id == shift.id, Signup.state.in_(_LISTED))
        .options(selectinload(Signup.user))
        .order_by(Signup.queued_at, Signup.id)
    ).all()
    confirmed = [s for s in signups if s.state != SignupState.WAITLISTED]
    waiting = [s for s in signups if s.state == SignupState.WAITLISTED]
    return confirmed, waiting


def _load(shift_id: int) -> Shift:
    """The shift, 404 if missing, 403 unless the viewer organizes it."""
    shift = db.get_or_404(Shift, shift_id)
    if not policy.can_organize_shift(current_user, shift):
        abort(403)
    return shift


def _changeable(shift: Shift) -> bool:
    """People can be removed and messaged until the shift is over or cancelled."""
    return shift.state == ShiftState.SCHEDULED and utcnow() < shift.ends_at


def _remove_forms(
    people: Iterable[Signup], failed: tuple[int, forms.RemoveSignupForm] | None
) -> dict[int, forms.RemoveSignupForm]:
    """A Remove form per person (own field ids); the one that failed keeps its text."""
    result = {
        s.id: forms.RemoveSignupForm(formdata=None, prefix=f"remove-{s.id}")
        for s in people
    }
    if failed is not None and failed[0] in result:
        result[failed[0]] = failed[1]
    return result


def _context(
    shift: Shift, *, failed: tuple[int, forms.RemoveSignupForm] | None = None
) -> dict[str, Any]:
    """What the roster list needs (the page and the htmx fragment alike)."""
    confirmed, waiting = people_on(shift)
    return {
        "shift": shift,
        "confirmed": confirmed,
        "waiting": waiting,
        "remove_forms": _remove_forms(confirmed + waiting, failed),
        # People who have never served: a throwaway account would look like this.
        "newcomers": services.newcomers(s.user_id for s in confirmed + waiting),
        "changeable": _changeable(shift),
    }


def _page(
    shift: Shift,
    status: int = 200,
    *,
    failed: tuple[int, forms.RemoveSignupForm] | None = None,
    message_form: forms.ShiftMessageForm | None = None,
    cancel_form: forms.CancelShiftForm | None = None,
) -> tuple[str, int]:
    """The whole roster page, with any form that failed to validate."""
    project = shift.project
    back_url = (
        url_for("projects.manage", project_id=project.id)
        if can_manage_project(current_user, project)
        else url_for("projects.show", project_id=project.id)
    )
    html = render_template(
        "shifts/roster.html",
        **_context(shift, failed=failed),
        back_url=back_url,
        cancellable=shift.may_cancel(),
        message_form=message_form or forms.ShiftMessageForm(),
        cancel_form=cancel_form or forms.CancelShiftForm(),
    )
    return html, status


def _roster_url(shift: Shift) -> str:
    return url_for("roster.show", shift_id=shift.id)


@bp.route("/shifts/<int:shift_id>/roster")
@requires(Permission.SHIFTS_RUN)
def show(shift_id: int):
    """Who is confirmed and who waits, with numbers to call: for its organizers."""
    shift = _load(shift_id)
    if is_htmx():
        return render_template("shifts/_roster_list.html", **_context(shift))
    return _page(shift)


@bp.route("/shifts/<int:shift_id>/signups/<int:signup_id>/remove", methods=["POST"])
@requires(Permission.SHIFTS_RUN)
def remove(shift_id: int, signup_id: int):
    """Take someone off the shift with a reason; the first person waiting moves up."""
    shift = _load(shift_id)
    signup = db.get_or_404(Signup, signup_id)
    if signup.shift_id != shift.id:
        abort(404)
    name = signup.user.name
    if not _changeable(shift):
        flash(_("This shift is over or cancelled; nothing was changed."), "warning")
        return see_other(_roster_url(shift))
    if signup.state not in ACTIVE_STATES:  # removed meanwhile, or cancelled
        flash(_("%(name)s is no longer on this shift.", name=name), "warning")
        return see_other(_roster_url(shift))
    form = forms.RemoveSignupForm(prefix=f"remove-{signup.id}")
    if not form.validate_on_submit():
        if is_htmx():
            html = render_template(
                "shifts/_roster_list.html", **_context(shift, failed=(signup.id, form))
            )
            return html, 422
        return _page(shift, 422, failed=(signup.id, form))
    promoted = services.cancel_signup(signup, by=current_user, reason=form.reason.data)
    db.session.commit()
    message = _("%(name)s was removed and told why.", name=name)
    if promoted:  # one place freed: at most one person moves up
        message += " " + _(
            "%(name)s moved up from the waitlist.", name=promoted[0].user.name
        )
    flash(message, "success")
    if is_htmx():
        return render_template("shifts/_roster_response.html", **_context(shift))
    return see_other(_roster_url(shift))


@bp.route("/shifts/<int:shift_id>/message", methods=["POST"])
@requires(Permission.SHIFTS_RUN)
def message(shift_id: int):
    """Send a message to everyone confirmed or waiting on the shift."""
    shift = _load(shift_id)
    if not _changeable(shift):
        flash(_("This shift is over or cancelled; nothing was sent."), "warning")
        return see_other(_roster_url(shift))
    form = forms.ShiftMessageForm()
    if not form.validate_on_submit():
        if is_htmx():
            html = render_template(
                "shifts/_roster_message.html", shift=shift, message_form=form
            )
            return html, 422
        return _page(shift, 422, message_form=form)
    sent = services.message_shift(shift, by=current_user, text=form.text.data)
    db.session.commit()
    if sent:
        flash(
            ngettext("Sent to %(num)d person.", "Sent to %(num)d people.", sent),
            "success",
        )
    else:
        flash(_("Nobody is signed up yet, so nothing was sent."), "warning")
    if is_htmx():
        return render_template(
            "shifts/_roster_message_response.html",
            shift=shift,
            message_form=forms.ShiftMessageForm(formdata=None),
        )
    return see_other(_roster_url(shift))


@bp.route("/shifts/<int:shift_id>/cancel", methods=["POST"])
@requires(Permission.SHIFTS_RUN)
def cancel(shift_id: int):
    """Cancel the whole shift with a reason; everyone on it is told."""
    shift = _load(shift_id)
    if not shift.may_cancel():
        flash(_("This shift has started or is already cancelled."), "warning")
        return see_other(_roster_url(shift))
    form = forms.CancelShiftForm()
    if not form.validate_on_submit():
        return _page(shift, 422, cancel_form=form)
    services.cancel_shift(shift, by=current_user, reason=form.reason.data)
    db.session.commit()
    flash(_("The shift is cancelled; everyone on it has been told."), "success")
    return see_other(_roster_url(shift))


ROSTER_HEADER = (_l("Name"), _l("Mobile"), _l("State"), _l("Signed up at"))


def _roster_rows(shift_id: int) -> Iterator[tuple[str, str, str, datetime]]:
    """Everyone the page lists (confirmed, checked in, did not come), then those
    waiting, each in queue order."""
    rows = db.session.execute(
        select(User.name, User.mobile, Signup.state, Signup.queued_at)
        .join(User, User.id == Signup.user_id)
        .where(Signup.shift_id == shift_id, Signup.state.in_(_LISTED))
        .order_by(
            case((Signup.state == SignupState.WAITLISTED, 1), else_=0),
            Signup.queued_at,
            Signup.id,
        )
    ).yield_per(200)
    for name, mobile, state, queued_at in rows:
        # The number as text: a spreadsheet would show 13912345678 as 1.39E+10.
        yield name, mobile, signup_state_label(state), queued_at


@bp.route("/shifts/<int:shift_id>/roster.csv")
@requires(Permission.SHIFTS_RUN)
def export(shift_id: int):
    """The roster as a spreadsheet (CSV, UTF-8 with a BOM so Excel reads Chinese)."""
    shift = _load(shift_id)
    # Full numbers, all at once: a reveal, so the log says who took whose.
    people = db.session.scalars(
        select(Signup.user_id).where(
            Signup.shift_id == shift.id, Signup.state.in_(_LISTED)
        )
    ).all()
    audit.record(
        current_user,
        shift,
        "phone.reveal",
        street_id=shift.project.street_id,
        data={"on": "roster_csv", "user_ids": sorted(people)},
    )
    get_locale()  # chosen now: the commit expires the user it is read from
    db.session.commit()  # the entry stands even if the download is cut off
    day = local(shift.starts_at).strftime("%Y%m%d-%H%M")
    # The one CSV writer: names people typed are defused (formula injection).
    chunks = csv_chunks(ROSTER_HEADER, _roster_rows(shift.id))
    response = Response(stream_with_context(chunks), mimetype=CSV_TYPE)
    name = f"roster-{day}-{shift.id}.csv"
    response.headers["Content-Disposition"] = attachment(name, name)
    # Names and full numbers: no copy kept by the browser or a proxy.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def init_roster(app: Flask) -> None:
    """Register the roster pages, their notification kinds and the reminders CLI."""
    from hub.audit_log.labels import register_action_labels
    from hub.notifications.messages import register_kind
    from hub.shifts.reminders import register_reminders_cli
    from hub.web.templating import POLICIES

    app.register_blueprint(bp)
    POLICIES.update(policy.POLICIES)
    register_action_labels({"shift.message": _l("Message sent to a shift")})
    register_kind("shift_message", _l("Message about %(project)s (%(when)s): %(text)s"))
    register_kind(
        "shift_reminder", _l("Reminder: %(project)s tomorrow at %(when)s, %(place)s.")
    )
    register_reminders_cli(app)
