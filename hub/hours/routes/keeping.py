"""A project's hours for its organizers: back-fill (补录) and correct upwards, each
approved by a second person; correct downwards; answer volunteers' disputes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hub.extensions import db
from hub.hours import forms, ledger, records, rules
from hub.hours.messages import entry_message
from hub.hours.policy import can_approve_entry, can_keep_record, can_organize_project
from hub.models import HourDispute, HourRecord, Project, User
from hub.models.hours import DisputeState, RecordKind, RecordState
from hub.permissions import Permission
from hub.web.access import requires
from hub.web.htmx import see_other

bp = Blueprint("keeping", __name__)

#: Confirmed records the page lists for correction, newest first.
RECENT_RECORDS = 50


def _project(project_id: int) -> Project:
    project = db.get_or_404(Project, project_id)
    if not can_organize_project(current_user, project):
        abort(403)
    return project


def _record(record_id: int) -> HourRecord:
    record = db.get_or_404(HourRecord, record_id)
    if not can_keep_record(current_user, record):
        abort(403)
    return record


def _page(project: Project, status: int = 200, **failed: Any) -> tuple[str, int]:
    """The project's hours page, with any form that failed to validate."""
    base = select(HourRecord).options(selectinload(HourRecord.user))
    awaiting = db.session.scalars(
        base.where(
            HourRecord.project_id == project.id,
            HourRecord.state == RecordState.AWAITING_APPROVAL,
        ).order_by(HourRecord.id)
    ).all()
    recent = db.session.scalars(
        base.where(
            HourRecord.project_id == project.id,
            HourRecord.state == RecordState.CONFIRMED,
            HourRecord.kind != RecordKind.ADJUSTMENT,
        )
        .order_by(HourRecord.id.desc())
        .limit(RECENT_RECORDS)
    ).all()
    corrected = _corrected(recent)
    disputes = db.session.scalars(
        select(HourDispute)
        .join(HourRecord, HourRecord.id == HourDispute.record_id)
        .where(
            HourRecord.project_id == project.id,
            HourDispute.state == DisputeState.OPEN,
        )
        .options(selectinload(HourDispute.user), selectinload(HourDispute.record))
        .order_by(HourDispute.id)
    ).all()
    html = render_template(
        "hours/project.html",
        project=project,
        to_confirm=ledger.shifts_awaiting_confirmation(project),
        awaiting=awaiting,
        recent=recent,
        corrected=corrected,
        disputes=disputes,
        backfill_form=failed.get("backfill_form") or forms.BackfillForm(),
        adjust_form=forms.per_item(
            forms.AdjustForm, "adjust", failed.get("adjust_forms")
        ),
        reject_form=forms.per_item(
            forms.ReasonForm, "reject", failed.get("reject_forms")
        ),
        resolve_form=forms.per_item(
            forms.ResolveForm, "resolve", failed.get("resolve_forms")
        ),
    )
    return html, status


def _corrected(listed: Sequence[HourRecord]) -> dict[int, int]:
    """Records with approved corrections: their minutes with them (one query)."""
    if not listed:
        return {}
    rows = db.session.execute(
        select(HourRecord.adjusts_id, func.sum(HourRecord.minutes))
        .where(
            HourRecord.adjusts_id.in_([r.id for r in listed]),
            HourRecord.state == RecordState.CONFIRMED,
        )
        .group_by(HourRecord.adjusts_id)
    )
    extra = {record_id: int(total or 0) for record_id, total in rows}
    return {r.id: r.minutes + extra[r.id] for r in listed if r.id in extra}


def _entry_error(form: Any, error: rules.BadEntry) -> None:
    """Put a refused entry's message beside the field it is about."""
    if isinstance(error, rules.ReasonMissing):
        field = form.reason
    elif isinstance(error, rules.DayInFuture | rules.DayOutsideProject):
        field = form.served_on
    else:
        field = form.hours
    field.errors = [*field.errors, entry_message(error)]


def _back(project_id: int) -> Any:
    return see_other(url_for("keeping.project", project_id=project_id))


@bp.route("/projects/<int:project_id>/hours")
@requires(Permission.HOURS_KEEP)
def project(project_id: int):
    """Back-fills to approve, disputes to answer, confirmed records to correct."""
    return _page(_project(project_id))


@bp.route("/projects/<int:project_id>/hours/backfill", methods=["POST"])
@requires(Permission.HOURS_KEEP)
def backfill(project_id: int):
    """Enter hours after the fact; someone else approves them."""
    project = _project(project_id)
    form = forms.BackfillForm()
    if not form.validate_on_submit():
        return _page(project, 422, backfill_form=form)
    volunteer = db.session.scalar(select(User).where(User.mobile == form.mobile.data))
    if volunteer is None:
        form.mobile.errors.append(_("Nobody has an account with this number."))
        return _page(project, 422, backfill_form=form)
    try:
        records.add_backfill(
            project,
            by=current_user,
            volunteer=volunteer,
            served_on=form.served_on.data,
            minutes=form.hours.data,
            reason=form.reason.data,
        )
    except rules.BadEntry as e:
        db.session.rollback()
        _entry_error(form, e)
        return _page(project, 422, backfill_form=form)
    db.session.commit()
    flash(_("Entered. Another organizer must approve it."), "success")
    return _back(project.id)


@bp.route("/hours/<int:record_id>/approve", methods=["POST"])
@requires(Permission.HOURS_KEEP)
def approve(record_id: int):
    """A second person approves hours added by hand (they count 7 days later)."""
    record = _record(record_id)
    if not can_approve_entry(current_user, record):
        abort(403)
    records.approve_entry(record, by=current_user)
    db.session.commit()
    flash(_("Approved. The hours count after 7 days."), "success")
    return _back(record.project_id)


@bp.route("/hours/<int:record_id>/reject", methods=["POST"])
@requires(Permission.HOURS_KEEP)
def reject(record_id: int):
    """Refuse hours added by hand, with a reason."""
    record = _record(record_id)
    if not can_approve_entry(current_user, record):
        abort(403)
    form = forms.ReasonForm(prefix=f"reject-{record.id}")
    if not form.validate_on_submit():
        return _page(record.project, 422, reject_forms={record.id: form})
    records.reject_entry(record, by=current_user, reason=form.reason.data)
    db.session.commit()
    flash(_("Refused."), "success")
    return _back(record.project_id)


@bp.route("/hours/<int:record_id>/adjust", methods=["POST"])
@requires(Permission.HOURS_KEEP)
def adjust(record_id: int):
    """Correct a confirmed record: a new adjustment with a reason (upwards it waits
    for a second person; downwards it counts at once and the volunteer is told)."""
    record = _record(record_id)
    form = forms.AdjustForm(prefix=f"adjust-{record.id}")
    if not form.validate_on_submit():
        return _page(record.project, 422, adjust_forms={record.id: form})
    try:
        adjustment = records.add_adjustment(
            record, by=current_user, minutes=form.hours.data, reason=form.reason.data
        )
    except rules.BadEntry as e:
        db.session.rollback()
        _entry_error(form, e)
        return _page(record.project, 422, adjust_forms={record.id: form})
    except records.NotCorrectable:
        db.session.rollback()
        flash(_("Only confirmed hours can be corrected."), "warning")
        return _back(record.project_id)
    db.session.commit()
    if adjustment.state == RecordState.AWAITING_APPROVAL:
        flash(
            _(
                "Correction entered. Another organizer must approve it; it then "
                "counts after 7 days."
            ),
            "success",
        )
    else:
        flash(_("Correction saved; the volunteer has been told."), "success")
    return _back(record.project_id)


@bp.route("/disputes/<int:dispute_id>/resolve", methods=["POST"])
@requires(Permission.HOURS_KEEP)
def resolve(dispute_id: int):
    """Answer a volunteer's dispute, correcting the hours if they were wrong."""
    dispute = db.get_or_404(HourDispute, dispute_id)
    record = _record(dispute.record_id)
    form = forms.ResolveForm(prefix=f"resolve-{dispute.id}")
    if not form.validate_on_submit():
        return _page(record.project, 422, resolve_forms={dispute.id: form})
    try:
        records.resolve_dispute(
            dispute,
            by=current_user,
            resolution=form.resolution.data,
            minutes=form.hours.data or 0,
        )
    except records.DisputeClosed:
        db.session.rollback()
        flash(_("This question was already answered."), "warning")
        return _back(record.project_id)
    except rules.BadEntry as e:
        db.session.rollback()
        field = form.resolution if isinstance(e, rules.ReasonMissing) else form.hours
        field.errors = [*field.errors, entry_message(e)]
        return _page(record.project, 422, resolve_forms={dispute.id: form})
    db.session.commit()
    flash(_("Answered; the volunteer has been told."), "success")
    return _back(record.project_id)
