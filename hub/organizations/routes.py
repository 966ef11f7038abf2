"""Applicant pages: start and fill a filing, documents, submit; staff; directory."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from hub import audit
from hub.auth.forms import CodeForm
from hub.auth.labels import code_error
from hub.errors import CodeNotValid, TooManyCodes
from hub.evaluations.results import evaluated_projects, scorecard
from hub.extensions import db
from hub.models import (
    Community,
    Document,
    Organization,
    RoleGrant,
    StaffInvitation,
    Street,
)
from hub.models.places import place_sort_key
from hub.models.verification import Purpose
from hub.organizations import forms, policy, services, staff
from hub.organizations.directory import search_directory
from hub.organizations.labels import missing_label, upload_error
from hub.permissions import Permission, Role
from hub.phones import mask_mobile
from hub.uploads import UploadRefused, document_path
from hub.verification.services import check_code, send_code
from hub.web.access import public, requires
from hub.web.confirm import ask_first
from hub.web.downloads import attachment
from hub.web.htmx import is_htmx, see_other

bp = Blueprint("organizations", __name__)

STEPS = {
    1: (forms.BasicsForm, "organizations/step_basics.html"),
    2: (forms.ContactForm, "organizations/step_contact.html"),
    3: (forms.DescriptionForm, "organizations/step_description.html"),
}


def _status(form) -> int:  # noqa: ANN001
    return 422 if request.method == "POST" and form.errors else 200


def _load(org_id: int, check) -> Organization:  # noqa: ANN001
    """The organization, or 404 if it doesn't exist, 403 if this person may not."""
    org = db.get_or_404(Organization, org_id)
    if not check(current_user, org):
        abort(403)
    return org


@bp.route("/organizations")
@public
def directory():
    """The public directory of approved organizations, searchable."""
    form = forms.DirectorySearchForm(request.args)
    communities = db.session.execute(
        select(Community.id, Community.name, Street.name, Street.code).join(Street)
    ).all()
    communities.sort(key=lambda row: (row[3], place_sort_key(row[1])))
    form.community.choices = [SelectChoice("", _("All communities"))] + [
        SelectChoice(str(c), f"{s} · {n}") for c, n, s, _code in communities
    ]
    results = search_directory(
        q=form.q.data or "",
        org_type=form.org_type.data or None,
        community_id=int(form.community.data)
        if (form.community.data or "").isdigit()
        else None,
    )
    template = (
        "organizations/_directory_list.html"
        if is_htmx()
        else "organizations/directory.html"
    )
    return render_template(template, form=form, results=results)


@bp.route("/organizations/<int:org_id>")
@public
def profile(org_id: int):
    """An approved organization's public profile: no private data."""
    org = db.get_or_404(Organization, org_id)
    if not org.is_public:
        abort(404)
    return render_template(
        "organizations/profile.html",
        org=org,
        card=scorecard(org.id),
        lines=evaluated_projects(org.id),
    )


@bp.route("/my/organizations")
@requires(Permission.ACCOUNT_USE)
def mine():
    """My organizations and invitations waiting for my answer."""
    org_ids = [g.organization_id for g in current_user.grants if g.role in policy.STAFF]
    orgs = (
        db.session.scalars(
            select(Organization)
            .where(Organization.id.in_(org_ids))
            .order_by(Organization.name)
        ).all()
        if org_ids
        else []
    )
    return render_template(
        "organizations/mine.html",
        orgs=orgs,
        invitations=staff.invitations_for(current_user),
        form=forms.RoleForm(),
    )


@bp.route("/apply", methods=["GET", "POST"])
@requires(Permission.ORGANIZATIONS_APPLY)
def start():
    """Step 0: name, type and street create a draft you can come back to."""
    form = forms.StartForm()
    streets = db.session.scalars(select(Street).order_by(Street.code)).all()
    form.street_id.choices = [SelectChoice(s.id, s.name) for s in streets]
    if form.validate_on_submit():
        street = db.session.get(Street, form.street_id.data)
        try:
            org = services.start_application(
                user=current_user,
                name=form.name.data,
                street=street,
                org_type=form.org_type.data,
            )
        except services.NameTaken:
            form.name.errors.append(
                _("An organization with this name is already filed in the district.")
            )
        else:
            db.session.commit()
            flash(_("Draft saved. You can come back to it at any time."), "success")
            return see_other(url_for("organizations.edit_step", org_id=org.id, step=1))
    return render_template("organizations/start.html", form=form), _status(form)


@bp.route("/filings/<int:org_id>")
@requires(Permission.ACCOUNT_USE)
def application(org_id: int):
    """The whole application: every field, documents, what is missing, history."""
    org = _load(org_id, policy.can_view_application)
    if policy.can_review(current_user, org) and not policy.is_staff(current_user, org):
        return see_other(url_for("review.filing", org_id=org.id))
    return render_template(
        "organizations/application.html",
        org=org,
        missing=[missing_label(m) for m in services.missing_items(org)],
        history=audit.history(org),
        document_form=forms.DocumentForm(),
        form=forms.RoleForm(),
    )


def _fill_choices(form, org: Organization) -> None:  # noqa: ANN001
    if hasattr(form, "communities"):
        form.communities.choices = [
            SelectChoice(c.id, c.name) for c in org.street.communities
        ]


@bp.route("/filings/<int:org_id>/step/<int:step>", methods=["GET", "POST"])
@requires(Permission.ORGANIZATIONS_MANAGE)
def edit_step(org_id: int, step: int):
    """One short step of the application; saving keeps it as a draft."""
    if step not in STEPS:
        abort(404)
    org = _load(org_id, policy.is_staff)
    if not org.is_editable:
        flash(
            _("The application cannot be changed while the street reviews it."),
            "warning",
        )
        return see_other(url_for("organizations.application", org_id=org.id))
    form_class, template = STEPS[step]
    if request.method == "GET":
        form = form_class(obj=org)
        if step == 1:
            form.communities.data = [c.id for c in org.communities]
    else:
        form = form_class()
    _fill_choices(form, org)
    if form.validate_on_submit():
        fields = {
            name: field.data
            for name, field in form._fields.items()
            if name not in {"csrf_token", "communities"}
        }
        if "contact_phone" in fields:
            fields["contact_phone"] = form.contact_phone.normalized or ""
        # Drafts may leave fields empty (a field sent with nothing is None here);
        # the credit code is optional, the rest are kept as empty text.
        for key in ("lead_person", "address", "description"):
            if key in fields:
                fields[key] = (fields[key] or "").strip()
        if "credit_code" in fields:
            fields["credit_code"] = form.credit_code.normalized
        try:
            services.update_application(
                org,
                by=current_user,
                fields=fields,
                community_ids=form.communities.data if step == 1 else None,
            )
        except services.NameTaken:
            form.name.errors.append(
                _("An organization with this name is already filed in the district.")
            )
        else:
            db.session.commit()
            if step < max(STEPS):
                return see_other(
                    url_for("organizations.edit_step", org_id=org.id, step=step + 1)
                )
            return see_other(
                url_for("organizations.application", org_id=org.id) + "#documents"
            )
    return render_template(
        template, form=form, org=org, step=step, steps=len(STEPS)
    ), _status(form)


@bp.route("/filings/<int:org_id>/documents", methods=["POST"])
@requires(Permission.ORGANIZATIONS_MANAGE)
def upload(org_id: int):
    """Attach a document (checked by its content) to the application."""
    org = _load(org_id, policy.can_edit_application)
    form = forms.DocumentForm()
    if form.validate_on_submit():
        try:
            services.add_document(
                org,
                by=current_user,
                kind=form.kind.data,
                stream=form.file.data.stream,
                filename=form.file.data.filename,
            )
        except UploadRefused as e:
            form.file.errors.append(upload_error(e.reason))
        else:
            db.session.commit()
            flash(_("Document uploaded."), "success")
            return see_other(
                url_for("organizations.application", org_id=org.id) + "#documents"
            )
    return render_template(
        "organizations/application.html",
        org=org,
        missing=[missing_label(m) for m in services.missing_items(org)],
        history=audit.history(org),
        document_form=form,
        form=forms.RoleForm(),
    ), 422


@bp.route("/filings/<int:org_id>/documents/<int:document_id>/remove", methods=["POST"])
@requires(Permission.ORGANIZATIONS_MANAGE)
def remove_document(org_id: int, document_id: int):
    """Take a document off the application while it can still change."""
    org = _load(org_id, policy.can_edit_application)
    document = db.get_or_404(Document, document_id)
    if document.organization_id != org.id or document.removed_at is not None:
        abort(404)
    asked = ask_first(
        _("Remove %(name)s from the application?", name=document.original_name),
        yes=_("Yes, remove it"),
        no=_("Keep it"),
        back=url_for("organizations.application", org_id=org.id),
        danger=True,
    )
    if asked:
        return asked
    services.remove_document(document, by=current_user)
    db.session.commit()
    flash(_("Document removed."), "success")
    return see_other(url_for("organizations.application", org_id=org.id) + "#documents")


@bp.route("/documents/<int:document_id>")
@requires(Permission.ACCOUNT_USE)
def download(document_id: int):
    """A document, only for its organization's staff and its street's reviewers."""
    document = db.get_or_404(Document, document_id)
    if not policy.can_view_document(current_user, document):
        abort(403)
    path = document_path(current_app.config["UPLOAD_DIR"], document.stored_name)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=document.content_type, max_age=0)
    # The name was typed by whoever uploaded it: no path parts, no markup.
    ext = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
    response.headers["Content-Disposition"] = attachment(
        document.original_name,
        f"document-{document.id}{ext.get(document.content_type, '')}",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/filings/<int:org_id>/submit", methods=["POST"])
@requires(Permission.ORGANIZATIONS_MANAGE)
def submit(org_id: int):
    """Send the application to the street for review."""
    org = _load(org_id, policy.can_edit_application)
    try:
        services.submit_application(org, by=current_user)
    except services.IncompleteApplication:
        db.session.rollback()
        flash(_("Some items are still missing; they are listed below."), "error")
        return see_other(url_for("organizations.application", org_id=org.id))
    db.session.commit()
    flash(_("Submitted. The street will review it within 5 working days."), "success")
    return see_other(url_for("organizations.application", org_id=org.id))


# Staff -----------------------------------------------------------------------


@bp.route("/organizations/<int:org_id>/staff", methods=["GET", "POST"])
@requires(Permission.ORGANIZATIONS_MANAGE)
def staff_page(org_id: int):
    """Staff list; owners invite by mobile number, change roles, remove people."""
    org = _load(org_id, policy.is_staff)
    form = forms.InviteForm()
    if request.method == "POST":
        if not policy.can_manage_staff(current_user, org):
            abort(403)
        if form.validate_on_submit():
            try:
                staff.invite_staff(
                    org,
                    mobile=form.mobile.normalized,
                    role=Role(form.role.data),
                    by=current_user,
                )
            except staff.AlreadyStaff:
                form.mobile.errors.append(
                    _("This person already works for the organization.")
                )
            else:
                db.session.commit()
                flash(_("Invitation sent. They accept it after logging in."), "success")
                return see_other(url_for("organizations.staff_page", org_id=org.id))
    return render_template(
        "organizations/staff.html",
        org=org,
        grants=staff.staff_grants(org),
        invitations=staff.open_invitations(org),
        form=form,
        role_form=forms.RoleForm(),
    ), _status(form)


def _staff_grant(org_id: int, grant_id: int):  # noqa: ANN202
    org = _load(org_id, policy.is_staff)
    grant = db.get_or_404(RoleGrant, grant_id)
    if grant.organization_id != org.id or grant.revoked_at is not None:
        abort(404)
    return org, grant


@bp.route("/organizations/<int:org_id>/staff/<int:grant_id>/role", methods=["POST"])
@requires(Permission.ORGANIZATIONS_MANAGE)
def change_role(org_id: int, grant_id: int):
    """Make a staff member owner or manager."""
    org, grant = _staff_grant(org_id, grant_id)
    if not policy.can_manage_staff(current_user, org):
        abort(403)
    form = forms.RoleForm()
    if form.validate_on_submit():
        try:
            staff.change_staff_role(grant, Role(form.role.data), by=current_user)
        except staff.LastOwner:
            flash(_("The organization must keep at least one owner."), "error")
        else:
            db.session.commit()
            flash(_("Role changed."), "success")
    return see_other(url_for("organizations.staff_page", org_id=org.id))


@bp.route("/organizations/<int:org_id>/staff/<int:grant_id>/remove", methods=["POST"])
@requires(Permission.ORGANIZATIONS_MANAGE)
def remove_member(org_id: int, grant_id: int):
    """Remove a staff member, or leave oneself; the last owner cannot leave."""
    org, grant = _staff_grant(org_id, grant_id)
    leaving = grant.user_id == current_user.id
    if not (leaving or policy.can_manage_staff(current_user, org)):
        abort(403)
    asked = ask_first(
        _("Leave %(organization)s?", organization=org.name)
        if leaving
        else _(
            "Remove %(name)s from the staff of %(organization)s?",
            name=grant.user.name,
            organization=org.name,
        ),
        yes=_("Yes, leave") if leaving else _("Yes, remove"),
        no=_("Stay") if leaving else _("Keep"),
        back=url_for("organizations.staff_page", org_id=org.id),
        danger=True,
    )
    if asked:
        return asked
    try:
        staff.remove_staff(grant, by=current_user)
    except staff.LastOwner:
        flash(_("The organization must keep at least one owner."), "error")
        return see_other(url_for("organizations.staff_page", org_id=org.id))
    db.session.commit()
    if leaving:
        flash(_("You have left %(name)s.", name=org.name), "success")
        return see_other(url_for("organizations.mine"))
    flash(_("Removed from the staff."), "success")
    return see_other(url_for("organizations.staff_page", org_id=org.id))


@bp.route(
    "/invitations/<int:invitation_id>/<any(accept, decline):answer>", methods=["POST"]
)
@requires(Permission.ACCOUNT_USE)
def answer(invitation_id: int, answer: str):
    """Decline an invitation sent to my number, or start accepting it.

    Accepting makes the person staff (an owner holds the organization): a code
    sent to the invited number proves the holder is the one answering.
    """
    invitation = _my_invitation(invitation_id)
    if answer == "accept":
        try:
            send_code(
                invitation.mobile,
                Purpose.INVITATION,
                address=get_remote_address(),
                # A signed-in account with a proved number: the per-number
                # limits hold; the picture is for strangers.
                solved_challenge=True,
                user=current_user._get_current_object(),
            )
        except TooManyCodes as refused:
            db.session.rollback()
            flash(
                _(
                    "Please wait %(seconds)d seconds before asking for another code.",
                    seconds=refused.retry_after,
                ),
                "warning",
            )
            return see_other(url_for("organizations.mine"))
        db.session.commit()
        return see_other(
            url_for("organizations.confirm_invitation", invitation_id=invitation.id)
        )
    staff.answer_invitation(invitation, user=current_user, accept=False)
    db.session.commit()
    flash(_("Invitation declined."), "success")
    return see_other(url_for("organizations.mine"))


@bp.route("/invitations/<int:invitation_id>/confirm", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_USE)
def confirm_invitation(invitation_id: int):
    """Accept an invitation with the code sent to the invited number."""
    invitation = _my_invitation(invitation_id)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            check_code(invitation.mobile, Purpose.INVITATION, form.code.data)
        except CodeNotValid as wrong:
            db.session.commit()  # the wrong try counts
            form.code.errors.append(code_error(wrong))
        else:
            staff.answer_invitation(invitation, user=current_user, accept=True)
            db.session.commit()
            flash(
                _("You now work for %(name)s.", name=invitation.organization.name),
                "success",
            )
            return see_other(url_for("organizations.mine"))
    accept = url_for(
        "organizations.answer", invitation_id=invitation.id, answer="accept"
    )
    return render_template(
        "auth/code_enter.html",
        form=form,
        title=_("Join %(name)s", name=invitation.organization.name),
        masked=mask_mobile(invitation.mobile),
        action=url_for("organizations.confirm_invitation", invitation_id=invitation.id),
        resend=accept,
    ), (422 if request.method == "POST" else 200)


def _my_invitation(invitation_id: int) -> StaffInvitation:
    """An open invitation to my proved number; anyone else's is not found."""
    invitation = db.get_or_404(StaffInvitation, invitation_id)
    if not policy.can_answer_invitation(current_user, invitation):
        abort(404)
    return invitation
