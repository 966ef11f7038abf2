"""A volunteer's hours: My hours, disputes, certificates, and public verification."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from flask import Blueprint, abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_pgettext as _p
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hub.errors import DomainError
from hub.extensions import db
from hub.hours import certificates, forms, records
from hub.hours.messages import hours_amount, hours_text
from hub.hours.policy import can_dispute, can_view_certificate
from hub.localtime import local_date
from hub.models import Certificate, HourDispute, HourRecord, Project, User
from hub.models.base import utcnow
from hub.models.hours import DisputeState, RecordState
from hub.permissions import Permission
from hub.web.access import public, requires
from hub.web.htmx import see_other
from hub.web.qr import qr_svg

bp = Blueprint("hours", __name__)

#: The most records My hours lists (a lifetime of volunteering fits).
MY_RECORDS = 500


#: A record's standing in words (kept here: "pending" means other things elsewhere).
RECORD_STATUS_LABELS = {
    "pending": _p("hour record state", "Not yet confirmed"),
    "awaiting_approval": _p("hour record state", "Entered later, waiting for approval"),
    "waiting": _p("hour record state", "Approved, counts after 7 days"),
    "confirmed": _p("hour record state", "Confirmed"),
    "rejected": _p("hour record state", "Refused"),
}
#: A question about hours, asked by the volunteer and answered by the organizer.
DISPUTE_STATE_LABELS = {
    DisputeState.OPEN: _p("question about hours state", "Waiting for an answer"),
    DisputeState.RESOLVED: _p("question about hours state", "Answered"),
}
RECORD_STATUS_CHIPS = {
    "pending": "chip-wait",
    "awaiting_approval": "chip-wait",
    "waiting": "chip-wait",
    "confirmed": "chip-ok",
    "rejected": "chip-danger",
}


def record_status(record: HourRecord, now: datetime) -> str:
    """One word for where a record stands, waiting periods included."""
    if record.state == RecordState.CONFIRMED and not record.counts(now):
        return "waiting"
    return record.state


def my_hours(user: User, now: datetime) -> dict[str, Any]:
    """Totals (counting only), by organization and by month, and every record."""
    rows = db.session.scalars(
        select(HourRecord)
        .where(HourRecord.user_id == user.id)
        .options(
            selectinload(HourRecord.project).selectinload(Project.organization),
            selectinload(HourRecord.shift),
        )
        .order_by(HourRecord.served_on.desc(), HourRecord.id.desc())
        .limit(MY_RECORDS)
    ).all()
    disputes = {
        d.record_id: d
        for d in db.session.scalars(
            select(HourDispute).where(
                HourDispute.record_id.in_([r.id for r in rows] or [0])
            )
        )
    }
    by_org: dict[str, int] = defaultdict(int)
    by_month: dict[str, int] = defaultdict(int)
    total = pending = 0
    for record in rows:
        if record.counts(now):
            total += record.minutes
            by_org[record.project.organization.name] += record.minutes
            by_month[record.served_on.strftime("%Y-%m")] += record.minutes
        elif record.state != RecordState.REJECTED:
            pending += record.minutes
    return {
        "records": rows,
        "disputes": disputes,
        "total": total,
        "pending": max(0, pending),
        "by_org": sorted(by_org.items(), key=lambda kv: -kv[1]),
        "by_month": sorted(by_month.items(), reverse=True),
        "status": {r.id: record_status(r, now) for r in rows},
    }


def _mine_page(status: int = 200, **extra: Any) -> tuple[str, int]:
    now = utcnow()
    today = local_date(now)
    cert_form = extra.pop("cert_form", None) or forms.CertificateForm(
        formdata=None, start=date(today.year, 1, 1), end=today
    )
    issued = db.session.scalars(
        select(Certificate)
        .where(Certificate.user_id == current_user.id)
        .order_by(Certificate.id.desc())
        .limit(20)
    ).all()
    html = render_template(
        "hours/mine.html",
        **my_hours(current_user, now),
        cert_form=cert_form,
        issued=issued,
        dispute_form=forms.per_item(
            forms.DisputeForm, "dispute", extra.pop("dispute_forms", None)
        ),
        **extra,
    )
    return html, status


@bp.route("/my/hours")
@requires(Permission.HOURS_OWN)
def mine():
    """My hours: total, by organization, by month, every record and its state."""
    return _mine_page()


@bp.route("/my/hours/<int:record_id>/dispute", methods=["POST"])
@requires(Permission.HOURS_OWN)
def dispute(record_id: int):
    """Say a confirmed record of mine is wrong; an organizer answers."""
    record = db.get_or_404(HourRecord, record_id)
    if record.user_id != current_user.id:
        abort(403)
    form = forms.DisputeForm(prefix=f"dispute-{record.id}")
    if not form.validate_on_submit():
        return _mine_page(422, dispute_forms={record.id: form})
    if not can_dispute(current_user, record):
        abort(403)
    try:
        records.open_dispute(record, user=current_user, reason=form.reason.data)
    except records.NotDisputable:
        db.session.rollback()
        flash(_("This record already has an open question."), "warning")
        return see_other(url_for("hours.mine"))
    db.session.commit()
    flash(_("Sent. The organizer will look at it and answer you."), "success")
    return see_other(url_for("hours.mine"))


@bp.route("/my/certificates", methods=["POST"])
@requires(Permission.HOURS_OWN)
def issue():
    """Issue a certificate of my confirmed hours for a period."""
    form = forms.CertificateForm()
    if not form.validate_on_submit():
        return _mine_page(422, cert_form=form)
    try:
        certificate = certificates.issue_certificate(
            current_user, start=form.start.data, end=form.end.data
        )
    except certificates.NothingToCertify:
        db.session.rollback()
        form.start.errors.append(_("No confirmed hours in this period yet."))
        return _mine_page(422, cert_form=form)
    except DomainError:
        db.session.rollback()
        form.end.errors.append(_("Choose a period up to today."))
        return _mine_page(422, cert_form=form)
    db.session.commit()
    return see_other(url_for("hours.certificate", certificate_id=certificate.id))


@bp.route("/certificates/<int:certificate_id>")
@requires(Permission.HOURS_OWN)
def certificate(certificate_id: int):
    """The printable A4 certificate; its holder only."""
    cert = db.get_or_404(Certificate, certificate_id)
    if not can_view_certificate(current_user, cert):
        abort(403)
    url = url_for("hours.verify", code=cert.code, _external=True)
    return render_template(
        "hours/certificate.html",
        cert=cert,
        holder=cert.user,
        verify_url=url,
        qr=qr_svg(url, _("QR code to verify this certificate: %(url)s", url=url)),
        valid=certificates.is_valid(cert),
    )


@bp.route("/verify/<code>")
@public
def verify(code: str):
    """Anyone checks a certificate: masked name, hours, period, issuers, validity."""
    cert = certificates.by_code(code)
    if cert is None:
        return render_template("hours/verify.html", cert=None), 404
    response = render_template(
        "hours/verify.html",
        cert=cert,
        masked_name=certificates.mask_name(cert.user.name),
        valid=certificates.is_valid(cert),
    )
    return response


def init_hours_words(app: Any) -> None:
    """Template helpers for hours pages."""
    app.jinja_env.filters["hours"] = hours_text
    app.jinja_env.filters["hours_amount"] = hours_amount
    app.jinja_env.globals["record_status_label"] = lambda value: str(
        RECORD_STATUS_LABELS.get(value, value)
    )
    app.jinja_env.globals["record_status_chip"] = RECORD_STATUS_CHIPS.get
