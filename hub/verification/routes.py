"""Street pages for accounts: assisted number recovery, SMS volume."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import and_, case, func, or_, select

from hub import audit
from hub.errors import DomainError, MobileTaken
from hub.extensions import db, limiter
from hub.localtime import zone
from hub.models import NumberRecovery, OutboxMessage, utcnow
from hub.models.verification import RecoveryNotPending, RecoveryState, SameReviewer
from hub.notifications.outbox import GIVEN_UP_AT, NOT_NEEDED
from hub.permissions import Permission
from hub.sms.templates import (
    ACCOUNT_CREATED,
    NOTICE,
    SECURITY_ALERT,
    VERIFICATION_CODE,
)
from hub.verification import forms
from hub.verification import recovery as recoveries
from hub.web.access import requires
from hub.web.htmx import see_other

bp = Blueprint("verification", __name__)

STATE_CHIPS = {
    RecoveryState.PENDING: "chip chip-wait",
    RecoveryState.APPROVED: "chip chip-ok",
    RecoveryState.DECLINED: "chip chip-danger",
}


def _state(recovery: NumberRecovery) -> dict[str, str]:
    state = RecoveryState(recovery.state)
    return {"label": str(recoveries.STATE_LABELS[state]), "chip": STATE_CHIPS[state]}


# Assisted recovery ------------------------------------------------------------------


def _visible(recovery_id: int) -> NumberRecovery:
    """The change if it is of a street I act for; else 404 (not even confirmed)."""
    recovery = db.get_or_404(NumberRecovery, recovery_id)
    if not recoveries.can_view(current_user, recovery):
        abort(404)
    return recovery


@bp.route("/review/recoveries")
@requires(Permission.ACCOUNTS_RECOVER)
def recoveries_list():
    """Number changes of my streets: waiting ones first, then recently decided."""
    pending, recent = recoveries.recoveries_for(current_user)
    many = recoveries.is_admin(current_user) or (
        len(recoveries.reviewed_street_ids(current_user)) > 1
    )
    names = (
        recoveries.street_names({r.street_id for r in pending + recent}) if many else {}
    )
    return render_template(
        "verification/recoveries.html",
        pending=pending,
        recent=recent,
        street_names=names,
        state=_state,
        recent_days=recoveries.RECENT_DAYS,
    )


_ACCOUNT_REFUSALS = {
    recoveries.NotYourStreet: _l("No account of your street uses this number."),
    recoveries.OwnAccount: _l(
        "This is your own account: change your number under Me instead."
    ),
    recoveries.AdminsOnly: _l(
        "Only an administrator can move an administrator's account."
    ),
    recoveries.AccountDisabled: _l(
        "This account is disabled. An administrator must enable it first."
    ),
    recoveries.RecoveryAlreadyPending: _l(
        "A number change of this account is already waiting for a decision."
    ),
}
_NUMBER_REFUSALS = {
    recoveries.SameNumber: _l("This is the account's number already."),
    MobileTaken: _l("Another account uses this number."),
    recoveries.NumberAwaited: _l(
        "Another waiting number change moves an account to this number."
    ),
}


def _render_new(form: Any, status: int, account: Any = None, street_id: int = 0):  # noqa: ANN202
    context: dict[str, Any] = {"form": form, "account": account}
    if account is not None:
        context["street_name"] = recoveries.street_names({street_id}).get(street_id)
    return render_template("verification/new.html", **context), status


def _refuse_account(form: forms.FindForm, error: DomainError):  # noqa: ANN202
    """Back to step one, the reason beside the number."""
    form.mobile.errors = [*form.mobile.errors, str(_ACCOUNT_REFUSALS[type(error)])]
    return _render_new(form, 422)


#: Looking accounts up by number is for the person at the counter, not for trying
#: numbers: a reviewer's day of work stays far below this.
FIND_LIMIT = "30 per hour"


def _reviewer_key() -> str:
    return f"recovery:{current_user.id}"


@bp.route("/review/recoveries/new", methods=["GET", "POST"])
@requires(Permission.ACCOUNTS_RECOVER)
@limiter.limit(FIND_LIMIT, methods=["POST"], key_func=_reviewer_key)
def new_recovery():
    """Step one: find the account by the number it is on now (typed, never a URL)."""
    form = forms.FindForm()
    if not form.validate_on_submit():
        return _render_new(form, 422 if form.is_submitted() else 200)
    try:
        account, street_id = recoveries.find_account(
            form.mobile.normalized, by=current_user
        )
    except tuple(_ACCOUNT_REFUSALS) as e:
        return _refuse_account(form, e)
    step_two = forms.RecoveryForm(formdata=None, mobile=form.mobile.normalized)
    return _render_new(step_two, 200, account, street_id)


@bp.route("/review/recoveries/ask", methods=["POST"])
@requires(Permission.ACCOUNTS_RECOVER)
@limiter.limit(FIND_LIMIT, key_func=_reviewer_key)
def ask_recovery():
    """Step two: ask to move the account to the new number, with the reason."""
    form = forms.RecoveryForm()
    valid = form.validate_on_submit()
    # Step one's number again: the account may have changed since (or the page was
    # edited); anything wrong with it sends the reviewer back to step one.
    if form.mobile.errors or form.mobile.normalized is None:
        find = _find_form(form)
        find.mobile.errors = list(form.mobile.errors)
        return _render_new(find, 422)
    try:
        account, street_id = recoveries.find_account(
            form.mobile.normalized, by=current_user
        )
    except tuple(_ACCOUNT_REFUSALS) as e:
        return _refuse_account(_find_form(form), e)
    if not valid:
        return _render_new(form, 422, account, street_id)
    try:
        recovery = recoveries.request_recovery(
            account,
            new_mobile=form.new_mobile.normalized,
            reason=form.reason.data,
            by=current_user,
        )
    except tuple(_NUMBER_REFUSALS) as e:
        db.session.rollback()
        form.new_mobile.errors = [str(_NUMBER_REFUSALS[type(e)])]
        return _render_new(form, 422, account, street_id)
    except tuple(_ACCOUNT_REFUSALS) as e:
        db.session.rollback()
        return _refuse_account(_find_form(form), e)
    db.session.commit()
    flash(
        _(
            "Asked. The old number has been told; another reviewer or an "
            "administrator must now approve the change."
        ),
        "success",
    )
    return see_other(url_for("verification.recovery", recovery_id=recovery.id))


def _find_form(form: forms.RecoveryForm) -> forms.FindForm:
    """Step one's form, holding the number step two carried."""
    return forms.FindForm(formdata=None, mobile=form.mobile.data)


def _render_recovery(
    recovery: NumberRecovery, status: int = 200, problem: str | None = None, **forms_
):  # noqa: ANN003, ANN202
    may_decide = recoveries.can_decide(current_user, recovery)
    context = {
        "recovery": recovery,
        "state": _state(recovery),
        "may_decide": may_decide,
        # The approver checks the new number digit by digit; everyone else sees it
        # masked, as they see the old one.
        "new_number": recovery.new_mobile if may_decide else None,
        "asked_by_me": recovery.requested_by_id == current_user.id,
        "street_name": recoveries.street_names({recovery.street_id}).get(
            recovery.street_id
        ),
        "problem": problem,
        "history": audit.history(recovery),
        "approve_form": forms_.get("approve_form") or forms.ApproveForm(),
        "decline_form": forms_.get("decline_form") or forms.DeclineForm(),
    }
    return render_template("verification/recovery.html", **context), status


@bp.route("/review/recoveries/<int:recovery_id>")
@requires(Permission.ACCOUNTS_RECOVER)
def recovery(recovery_id: int):
    """One number change: who, why, its state, and the decision for a second person."""
    return _render_recovery(_visible(recovery_id))


def _decidable(recovery_id: int) -> NumberRecovery:
    recovery = _visible(recovery_id)
    if recovery.is_pending and not recoveries.can_decide(current_user, recovery):
        abort(403)  # the one who asked, the person moved, or admins only
    return recovery


def _already(recovery: NumberRecovery):  # noqa: ANN202
    flash(_("This change was already decided, perhaps by someone else."), "warning")
    return see_other(url_for("verification.recovery", recovery_id=recovery.id))


_CONFLICTS = {
    MobileTaken: _l(
        "Another account uses the new number now. Decline this change and ask again."
    ),
    recoveries.NumberChangedMeanwhile: _l(
        "The account is on another number than when this was asked. Decline it."
    ),
    recoveries.AccountDisabled: _l(
        "This account is disabled. An administrator must enable it first."
    ),
}
_NOT_YOURS = (SameReviewer, recoveries.OwnAccount, recoveries.AdminsOnly)


@bp.route("/review/recoveries/<int:recovery_id>/approve", methods=["POST"])
@requires(Permission.ACCOUNTS_RECOVER)
def approve_recovery(recovery_id: int):
    """Approve: the account moves to the new number; both numbers are told."""
    recovery = _decidable(recovery_id)
    form = forms.ApproveForm()
    if not form.validate_on_submit():
        return _render_recovery(recovery, 422, approve_form=form)
    try:
        recoveries.approve_recovery(
            recovery, by=current_user, note=form.note.data or None
        )
    except RecoveryNotPending:
        db.session.rollback()
        return _already(recovery)
    except _NOT_YOURS:
        db.session.rollback()
        abort(403)
    except tuple(_CONFLICTS) as e:
        db.session.rollback()
        return _render_recovery(recovery, 409, problem=str(_CONFLICTS[type(e)]))
    db.session.commit()
    flash(
        _("Approved. The account is on the new number; both numbers were told."),
        "success",
    )
    return see_other(url_for("verification.recovery", recovery_id=recovery.id))


@bp.route("/review/recoveries/<int:recovery_id>/decline", methods=["POST"])
@requires(Permission.ACCOUNTS_RECOVER)
def decline_recovery(recovery_id: int):
    """Decline with a reason: the account keeps its number."""
    recovery = _decidable(recovery_id)
    form = forms.DeclineForm()
    if not form.validate_on_submit():
        return _render_recovery(recovery, 422, decline_form=form)
    try:
        recoveries.decline_recovery(recovery, by=current_user, note=form.reason.data)
    except RecoveryNotPending:
        db.session.rollback()
        return _already(recovery)
    except _NOT_YOURS:
        db.session.rollback()
        abort(403)
    db.session.commit()
    flash(_("Declined. The account keeps its number."), "success")
    return see_other(url_for("verification.recovery", recovery_id=recovery.id))


# SMS volume -------------------------------------------------------------------------

VOLUME_DAYS = 30
#: Templates in the order the page shows them.
TEMPLATE_LABELS = {
    VERIFICATION_CODE: _l("Verification codes"),
    NOTICE: _l("Notices"),
    SECURITY_ALERT: _l("Security alerts"),
    ACCOUNT_CREATED: _l("Accounts registered by a community"),
}


@dataclass
class Counts:
    sent: int = 0
    waiting: int = 0
    given_up: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.waiting + self.given_up


@dataclass
class VolumeDay:
    day: date
    templates: dict[str, Counts] = field(default_factory=dict)

    #: Not a run of days without SMS (see ``QuietDays``).
    quiet = False

    @property
    def total(self) -> int:
        return sum(c.total for c in self.templates.values())


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def sms_volume(today: date, tz: ZoneInfo, days: int = VOLUME_DAYS) -> list[VolumeDay]:
    """SMS per local day (newest first) and template: sent, waiting, given up.

    One grouped query. Days are cut at local midnights computed here, so the buckets
    are the same on SQLite and PostgreSQL and follow the configured time zone.
    """
    first = today - timedelta(days=days - 1)
    bounds = [_local_midnight(first + timedelta(days=i), tz) for i in range(days + 1)]
    created = OutboxMessage.created_at
    day = case(*((created < bounds[i + 1], i) for i in range(days)), else_=days).label(
        "day"
    )
    sent = OutboxMessage.sent_at.is_not(None)
    status = case(
        (
            and_(
                sent,
                or_(
                    OutboxMessage.last_error.is_(None),
                    OutboxMessage.last_error != NOT_NEEDED,
                ),
            ),
            "sent",
        ),
        (sent, "not_needed"),
        (OutboxMessage.next_attempt_at >= GIVEN_UP_AT, "given_up"),
        else_="waiting",
    ).label("status")
    # Grouped outside: PostgreSQL would not match the CASE's parameters twice.
    rows = (
        select(day, OutboxMessage.template.label("template"), status)
        .where(created >= bounds[0], created < bounds[-1])
        .subquery()
    )
    found = db.session.execute(
        select(rows.c.day, rows.c.template, rows.c.status, func.count()).group_by(
            rows.c.day, rows.c.template, rows.c.status
        )
    ).all()
    result = [
        VolumeDay(first + timedelta(days=i), {t: Counts() for t in TEMPLATE_LABELS})
        for i in range(days)
    ]
    for index, template, state, count in found:
        if state == "not_needed" or not 0 <= index < days:
            continue
        counts = result[index].templates.setdefault(template, Counts())
        setattr(counts, state, getattr(counts, state) + count)
    return result[::-1]


@dataclass
class QuietDays:
    """A run of days without any SMS, shown as one line."""

    first: date
    last: date
    quiet = True

    @property
    def single(self) -> bool:
        return self.first == self.last


def _rows(days: list[VolumeDay]) -> list[VolumeDay | QuietDays]:
    """The days newest first, each run of empty days folded into one row."""
    rows: list[VolumeDay | QuietDays] = []
    for one in days:
        if one.total:
            rows.append(one)
        elif rows and isinstance(rows[-1], QuietDays):
            rows[-1].first = one.day
        else:
            rows.append(QuietDays(one.day, one.day))
    return rows


def _totals(days: list[VolumeDay]) -> dict[str, Counts]:
    totals: dict[str, Counts] = {}
    for one in days:
        for template, counts in one.templates.items():
            total = totals.setdefault(template, Counts())
            total.sent += counts.sent
            total.waiting += counts.waiting
            total.given_up += counts.given_up
    return totals


@bp.route("/review/sms")
@requires(Permission.SMS_VIEW)
def sms_volume_page():
    """SMS sent by the hub per day for the last 30 days, by template and outcome."""
    tz = zone()
    days = sms_volume(utcnow().astimezone(tz).date(), tz)
    return render_template(
        "verification/sms_volume.html",
        rows=_rows(days),
        totals=_totals(days),
        volume_days=len(days),
        labels={t: str(label) for t, label in TEMPLATE_LABELS.items()},
        first=days[-1].day,
        last=days[0].day,
    )
