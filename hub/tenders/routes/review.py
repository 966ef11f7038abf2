"""The street's tender pages: publish, compare proposals side by side, award, cancel.

These routes live on the ``tenders`` blueprint (see ``routes.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from hub import audit
from hub.extensions import db
from hub.models import Community, Proposal, Street, Tender
from hub.models.base import utcnow
from hub.models.places import place_sort_key
from hub.models.tenders import ProposalState, TenderState
from hub.money import format_money
from hub.organizations.policy import reviewed_street_ids
from hub.permissions import Permission
from hub.projects.policy import can_manage_tender
from hub.tenders import forms, queries, services
from hub.tenders.labels import deadline_note
from hub.tenders.routes.public import bp
from hub.web.access import requires
from hub.web.htmx import see_other

#: Decided tenders listed on the reviewer's page (the newest).
DECIDED_SHOWN = 50


@dataclass(frozen=True)
class Section:
    title: str
    tenders: list[Tender]
    empty: str | None = None


def _managed(tender_id: int) -> Tender:
    """The tender if this reviewer's street published it; else 404."""
    tender = db.get_or_404(Tender, tender_id)
    if not can_manage_tender(current_user, tender):
        abort(404)  # another street's tender: do not even confirm it exists
    return tender


@bp.route("/review/tenders")
@requires(Permission.TENDERS_PUBLISH)
def review_list():
    """My streets' purchase needs: waiting for an award, taking proposals, decided."""
    street_ids = reviewed_street_ids(current_user)
    now = utcnow()
    base = (
        select(Tender)
        .where(Tender.street_id.in_(street_ids))
        .options(selectinload(Tender.community))
    )
    live = db.session.scalars(
        base.where(Tender.state == TenderState.OPEN).order_by(Tender.deadline)
    ).all()
    decided = db.session.scalars(
        base.where(Tender.state != TenderState.OPEN)
        .order_by(Tender.deadline.desc(), Tender.id.desc())
        .limit(DECIDED_SHOWN)
    ).all()
    sections = [
        Section(
            _("Waiting for your award"),
            [t for t in live if t.deadline <= now],
            _("Nothing to award. Proposals are compared after each deadline."),
        ),
        Section(
            _("Taking proposals"),
            [t for t in live if t.deadline > now],
            _("No purchase need is open. Publish one to receive proposals."),
        ),
        Section(_("Decided"), list(decided)),
    ]
    ids = [t.id for t in [*live, *decided]]
    return render_template(
        "tenders/review_list.html",
        sections=sections,
        counts=queries.proposal_counts(ids),
        notes={t.id: deadline_note(t.deadline, now) for t in live},
    )


def _community_choices(street_ids: list[int]) -> list[SelectChoice]:
    rows = db.session.execute(
        select(Community.id, Community.name, Street.name, Street.code)
        .join(Street, Community.street_id == Street.id)
        .where(Community.street_id.in_(street_ids))
    ).all()
    rows.sort(key=lambda row: (row[3], place_sort_key(row[1])))
    several = len(street_ids) > 1
    return [
        SelectChoice(cid, f"{street} · {name}" if several else name)
        for cid, name, street, _code in rows
    ]


@bp.route("/review/tenders/new", methods=["GET", "POST"])
@requires(Permission.TENDERS_PUBLISH)
def new():
    """Publish a purchase need for one of my streets' communities."""
    form = forms.TenderForm()
    form.community_id.choices = _community_choices(reviewed_street_ids(current_user))
    if form.validate_on_submit():
        community = db.session.get(Community, form.community_id.data)
        try:
            tender = services.publish_tender(
                by=current_user,
                street=community.street,
                community=community,
                title=form.title.data,
                category=form.category.data,
                budget_fen=form.budget.data,
                period_start=form.period_start.data,
                period_end=form.period_end.data,
                deadline=form.deadline.data,
                description=form.description.data or "",
            )
        except services.DeadlineInPast:
            form.deadline.errors.append(_("Choose a moment in the future."))
        except services.BadPeriod:
            form.period_end.errors.append(
                _("The end date must not be before the start date.")
            )
        except services.BadAmount:
            form.budget.errors.append(_("Enter an amount of more than ¥0.00."))
        else:
            db.session.commit()
            flash(
                _("Published. Organizations can send proposals until the deadline."),
                "success",
            )
            return see_other(url_for("tenders.review", tender_id=tender.id))
        db.session.rollback()
    status = 422 if request.method == "POST" else 200
    return render_template("tenders/new.html", form=form), status


def _live_proposals(tender: Tender) -> list[Proposal]:
    """Proposals not withdrawn, cheapest first, with their organizations."""
    return list(
        db.session.scalars(
            select(Proposal)
            .where(
                Proposal.tender_id == tender.id,
                Proposal.state != ProposalState.WITHDRAWN,
            )
            .options(selectinload(Proposal.organization))
            .order_by(Proposal.price_fen, Proposal.id)
        )
    )


def _award_form(tender: Tender, submitted: list[Proposal]) -> forms.AwardForm:
    form = forms.AwardForm()
    form.proposal_id.choices = [
        SelectChoice(p.id, p.organization.name) for p in submitted
    ]
    if request.method == "GET":
        form.period_start.data = tender.period_start
        form.period_end.data = tender.period_end
    return form


def _review_page(tender: Tender, status: int = 200, **given: Any):  # noqa: ANN202
    """The tender for its street: count before the deadline, comparison after."""
    now = utcnow()
    proposals = _live_proposals(tender)
    # Sealed until the deadline: the street sees how many, not who or how much.
    sealed = now < tender.deadline
    submitted = [p for p in proposals if p.state == ProposalState.SUBMITTED]
    award_form = given.get("award_form") or _award_form(tender, submitted)
    rows = []
    if not sealed:
        lowest = min((p.price_fen for p in proposals), default=None)
        choices = {int(sub.data): sub for sub in award_form.proposal_id}
        rows = [(p, p.price_fen == lowest, choices.get(p.id)) for p in proposals]
    context = {
        "tender": tender,
        "note": deadline_note(tender.deadline, now),
        "sealed": sealed,
        "count": len(proposals),
        "rows": rows,
        "may_award": tender.may_award(now) and bool(submitted),
        "award_form": award_form,
        "cancel_form": given.get("cancel_form") or forms.CancelForm(),
        "project": queries.awarded_project(tender)
        if tender.state == TenderState.AWARDED
        else None,
        "history": audit.history(tender),
    }
    return render_template("tenders/review.html", **context), status


@bp.route("/review/tenders/<int:tender_id>")
@requires(Permission.TENDERS_PUBLISH)
def review(tender_id: int):
    """One purchase need: proposals side by side after the deadline, and the award."""
    return _review_page(_managed(tender_id))


def _already(tender: Tender):  # noqa: ANN202
    flash(
        _("This purchase need was already decided, perhaps by another reviewer."),
        "warning",
    )
    return see_other(url_for("tenders.review", tender_id=tender.id))


@bp.route("/review/tenders/<int:tender_id>/award", methods=["POST"])
@requires(Permission.TENDERS_PUBLISH)
def award(tender_id: int):
    """Award one proposal: the contract amount and period make a draft project."""
    tender = _managed(tender_id)
    submitted = [
        p for p in _live_proposals(tender) if p.state == ProposalState.SUBMITTED
    ]
    form = _award_form(tender, submitted)
    if form.validate_on_submit():
        chosen = next(p for p in submitted if p.id == form.proposal_id.data)
        amount = form.amount.data if form.amount.data is not None else chosen.price_fen
        try:
            services.award_tender(
                tender,
                chosen,
                by=current_user,
                amount_fen=amount,
                period_start=form.period_start.data,
                period_end=form.period_end.data,
            )
        except services.TenderClosed:
            db.session.rollback()
            return _already(tender)
        except services.DeadlineNotPassed:
            db.session.rollback()
            flash(
                _("Proposals are compared and awarded only after the deadline."),
                "warning",
            )
            return see_other(url_for("tenders.review", tender_id=tender.id))
        except services.OverBudget:
            form.amount.errors.append(
                _(
                    "The contract amount cannot be more than the budget of %(budget)s.",
                    budget=format_money(tender.budget_fen),
                )
            )
        except services.BadPeriod:
            form.period_end.errors.append(
                _("The end date must not be before the start date.")
            )
        except services.NotEligible:
            form.proposal_id.errors.append(
                _(
                    "%(organization)s can no longer take part: its approval was "
                    "revoked.",
                    organization=chosen.organization.name,
                )
            )
        except services.NotASubmittedProposal:
            form.proposal_id.errors.append(_("This proposal was withdrawn."))
        else:
            db.session.commit()
            flash(
                _(
                    "Awarded to %(organization)s. Its draft project is ready; the "
                    "other proposers have been told.",
                    organization=chosen.organization.name,
                ),
                "success",
            )
            return see_other(url_for("tenders.review", tender_id=tender.id))
        db.session.rollback()
    return _review_page(tender, 422, award_form=form)


@bp.route("/review/tenders/<int:tender_id>/cancel", methods=["POST"])
@requires(Permission.TENDERS_PUBLISH)
def cancel(tender_id: int):
    """Cancel an open purchase need, with the reason proposers are told."""
    tender = _managed(tender_id)
    form = forms.CancelForm()
    if not form.validate_on_submit():
        return _review_page(tender, 422, cancel_form=form)
    try:
        services.cancel_tender(tender, by=current_user, reason=form.reason.data)
    except services.TenderClosed:
        db.session.rollback()
        return _already(tender)
    db.session.commit()
    flash(_("Cancelled. Every organization that proposed has been told."), "success")
    return see_other(url_for("tenders.review_list"))
