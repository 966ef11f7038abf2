"""Tender pages: the public list and details, and the organizations' proposals.

The street's pages (publish, compare, award, cancel) are in ``review`` on the
same blueprint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from hub.categories import ServiceCategory
from hub.extensions import db
from hub.models import Organization, Proposal, Street, Tender
from hub.models.base import utcnow
from hub.money import format_money
from hub.organizations.policy import STAFF
from hub.permissions import Permission
from hub.tenders import forms, queries, services
from hub.tenders.labels import cannot_propose_reason, deadline_note
from hub.web.access import public, requires
from hub.web.confirm import ask_first
from hub.web.htmx import is_htmx, see_other

bp = Blueprint("tenders", __name__)


@dataclass(frozen=True)
class Standing:
    """Where one of my organizations stands on a tender."""

    organization: Organization
    proposal: Proposal | None
    #: Why it may not propose; None when it may.
    reason: str | None


def staff_organizations(user: Any) -> list[Organization]:
    """The organizations this person is owner or manager of, by name."""
    ids = [g.organization_id for g in user.grants if g.role in STAFF]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Organization)
            .where(Organization.id.in_(ids))
            .order_by(Organization.name)
        )
    )


def _proposals_of(tender: Tender, orgs: list[Organization]) -> dict[int, Proposal]:
    if not orgs:
        return {}
    found = db.session.scalars(
        select(Proposal).where(
            Proposal.tender_id == tender.id,
            Proposal.organization_id.in_([o.id for o in orgs]),
        )
    )
    return {p.organization_id: p for p in found}


@bp.route("/tenders")
@public
def index():
    """Purchase needs taking proposals, filtered by street and service category."""
    form = forms.TenderFilterForm(request.args)
    streets = db.session.scalars(select(Street).order_by(Street.code)).all()
    form.street.choices = [SelectChoice("", _("All streets"))] + [
        SelectChoice(str(s.id), s.name) for s in streets
    ]
    street = form.street.data or ""
    category = form.category.data or ""
    now = utcnow()
    tenders = queries.open_tenders(
        street_id=int(street) if street.isdigit() else None,
        category=category if category in ServiceCategory._value2member_map_ else None,
        now=now,
    )
    notes = {t.id: deadline_note(t.deadline, now) for t in tenders}
    template = "tenders/_list.html" if is_htmx() else "tenders/index.html"
    return render_template(template, form=form, tenders=tenders, notes=notes)


@bp.route("/tenders/<int:tender_id>")
@public
def show(tender_id: int):
    """A purchase need in public; after the award, who won and for how much."""
    tender = db.get_or_404(Tender, tender_id)
    now = utcnow()
    standings: list[Standing] = []
    if current_user.is_authenticated:
        orgs = staff_organizations(current_user)
        proposals = _proposals_of(tender, orgs)
        standings = [
            Standing(
                org,
                proposals.get(org.id),
                None if org.may_propose else cannot_propose_reason(org),
            )
            for org in orgs
        ]
    awarded = tender.is_awarded
    return render_template(
        "tenders/show.html",
        tender=tender,
        note=deadline_note(tender.deadline, now),
        taking=tender.is_taking_proposals(now),
        standings=standings,
        project=queries.awarded_project(tender) if awarded else None,
        compared=queries.proposal_counts([tender.id]).get(tender.id, 0)
        if awarded
        else None,
    )


# The organization's side --------------------------------------------------------


def _chosen_org(eligible: list[Organization]) -> Organization | None:
    """The organization named by ?org=, or the only eligible one; 403 if not mine."""
    org_id = request.args.get("org", type=int)
    if org_id is None:
        return eligible[0] if len(eligible) == 1 else None
    org = next((o for o in eligible if o.id == org_id), None)
    if org is None:
        abort(403)
    return org


def _price_error(tender: Tender) -> str:
    return _(
        "Your price is more than the budget of %(budget)s.",
        budget=format_money(tender.budget_fen),
    )


def _save_proposal(
    form: forms.ProposalForm, tender: Tender, org: Organization
) -> Any | None:
    """Send or change the proposal; a response when done, None to show the form."""
    existing = _proposals_of(tender, [org]).get(org.id)
    fields = {
        "by": current_user,
        "plan": form.plan.data,
        "price_fen": form.price.data,
        "team": form.team.data,
    }
    back = url_for("tenders.show", tender_id=tender.id)
    try:
        if form.proposal_id.data:
            if existing is None or str(existing.id) != form.proposal_id.data:
                raise services.NotASubmittedProposal(form.proposal_id.data)
            services.update_proposal(existing, **fields)
        else:
            services.submit_proposal(tender, org, **fields)
    except services.OverBudget:
        form.price.errors.append(_price_error(tender))
    except services.BadAmount:
        form.price.errors.append(_("Enter an amount of more than ¥0.00."))
    except services.AlreadyProposed:
        form.form_errors.append(
            _(
                "%(organization)s has already sent a proposal for this purchase "
                "need. Open it to change it.",
                organization=org.name,
            )
        )
    except services.NotASubmittedProposal:
        form.form_errors.append(
            _("This proposal was withdrawn or decided in the meantime.")
        )
    except (services.DeadlinePassed, services.TenderClosed):
        db.session.rollback()
        flash(_("This purchase need no longer takes proposals."), "warning")
        return see_other(back)
    except services.NotEligible:
        db.session.rollback()
        flash(cannot_propose_reason(org), "warning")
        return see_other(back)
    else:
        db.session.commit()
        flash(
            _("Proposal changed.")
            if form.proposal_id.data
            else _("Proposal sent. You can change or withdraw it until the deadline."),
            "success",
        )
        return see_other(back)
    db.session.rollback()
    return None


@bp.route("/tenders/<int:tender_id>/proposal", methods=["GET", "POST"])
@requires(Permission.TENDERS_PROPOSE)
def proposal(tender_id: int):
    """Send my organization's proposal, or change it, until the deadline."""
    tender = db.get_or_404(Tender, tender_id)
    back = url_for("tenders.show", tender_id=tender.id)
    orgs = staff_organizations(current_user)
    if not orgs:
        abort(403)
    eligible = [o for o in orgs if o.may_propose]
    if not eligible:
        flash(cannot_propose_reason(orgs[0]), "warning")
        return see_other(back)
    if not tender.is_taking_proposals():
        flash(_("This purchase need no longer takes proposals."), "warning")
        return see_other(back)
    org = _chosen_org(eligible)
    form = forms.ProposalForm()
    if org is not None:
        del form.organization_id
    else:
        form.organization_id.choices = [SelectChoice(o.id, o.name) for o in eligible]
    existing = _proposals_of(tender, [org]).get(org.id) if org else None
    if request.method == "GET" and existing is not None:
        form.plan.data = existing.plan
        form.price.data = existing.price_fen
        form.team.data = existing.team
        if existing.is_submitted:
            form.proposal_id.data = str(existing.id)
    status = 200
    if form.validate_on_submit():
        chosen = org or next(o for o in eligible if o.id == form.organization_id.data)
        done = _save_proposal(form, tender, chosen)
        if done is not None:
            return done
        existing = _proposals_of(tender, [chosen]).get(chosen.id)
    if request.method == "POST":
        status = 422
    org_id = org.id if org else None
    action = url_for("tenders.proposal", tender_id=tender.id, org=org_id)
    return render_template(
        "tenders/proposal.html",
        tender=tender,
        form=form,
        org=org,
        existing=existing,
        action=action,
        note=deadline_note(tender.deadline),
    ), status


@bp.route("/tenders/<int:tender_id>/proposal/withdraw", methods=["POST"])
@requires(Permission.TENDERS_PROPOSE)
def withdraw(tender_id: int):
    """Take my organization's proposal back before the deadline."""
    tender = db.get_or_404(Tender, tender_id)
    orgs = staff_organizations(current_user)
    org_id = request.args.get("org", type=int)
    if org_id is None and len(orgs) == 1:
        org_id = orgs[0].id
    org = next((o for o in orgs if o.id == org_id), None)
    if org is None:
        abort(403)
    existing = _proposals_of(tender, [org]).get(org.id)
    if existing is None:
        abort(404)
    asked = ask_first(
        _(
            "Withdraw the proposal of %(organization)s for %(tender)s?",
            organization=org.name,
            tender=tender.title,
        ),
        yes=_("Yes, withdraw it"),
        no=_("Keep it"),
        back=url_for("tenders.show", tender_id=tender.id),
        danger=True,
    )
    if asked:
        return asked
    try:
        services.withdraw_proposal(existing, by=current_user)
    except (
        services.DeadlinePassed,
        services.TenderClosed,
        services.NotASubmittedProposal,
    ):
        db.session.rollback()
        flash(_("The proposal can no longer be withdrawn."), "warning")
    else:
        db.session.commit()
        flash(
            _("Proposal withdrawn. You can send it again until the deadline."),
            "success",
        )
    return see_other(url_for("tenders.show", tender_id=tender.id))
