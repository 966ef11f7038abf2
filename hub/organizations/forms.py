"""Filing forms: one short form per step, so a phone screen holds each."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from stdnum.cn import uscc
from wtforms import (
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    ValidationError,
)

from hub.auth.forms import MobileField, valid_mobile
from hub.categories import (
    ORG_TYPE_LABELS,
    SERVICE_CATEGORY_LABELS,
    OrgType,
    ServiceCategory,
)
from hub.models.organizations import DocumentKind, Stage
from hub.names import valid_name
from hub.permissions import ROLE_LABELS, Role
from hub.web.fields import SelectField, WholeNumberField, required_text

DOCUMENT_KIND_LABELS = {
    DocumentKind.CHARTER: _l("Charter (章程)"),
    DocumentKind.LEAD_ID: _l("Lead person's ID"),
    DocumentKind.OTHER: _l("Other document"),
}


class CheckboxesField(SelectMultipleField):
    """Several choices as big tappable checkboxes instead of a multi-select."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _org_type_field() -> SelectField:
    return SelectField(
        _l("Type"),
        choices=[SelectChoice(t.value, ORG_TYPE_LABELS[t]) for t in OrgType],
        validators=[DataRequired(message=_l("Choose a type."))],
    )


_NAME = [
    DataRequired(message=_l("Enter the organization's name.")),
    Length(min=2, max=100, message=_l("Between 2 and 100 characters.")),
    valid_name,
]


class StartForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=_NAME)
    org_type = _org_type_field()
    street_id = SelectField(
        _l("Street (incubation base)"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose the street."))],
    )


class BasicsForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=_NAME)
    org_type = _org_type_field()
    service_categories = CheckboxesField(
        _l("Services"),
        choices=[
            SelectChoice(c.value, SERVICE_CATEGORY_LABELS[c]) for c in ServiceCategory
        ],
        validators=[Optional()],
        description=_l("Tick every kind of service you provide."),
    )
    communities = CheckboxesField(
        _l("Communities served"), coerce=int, validators=[Optional()]
    )


class CreditCodeField(StringField):
    """The unified social credit code as typed: spaces, dashes, full-width letters
    and digits accepted; ``normalized`` is the 18-character code, or None."""

    normalized: str | None = None

    def pre_validate(self, form: FlaskForm) -> None:
        typed = unicodedata.normalize("NFKC", self.data or "")
        self.normalized = uscc.compact(typed) or None if typed.strip() else None


def valid_credit_code(form: FlaskForm, field: CreditCodeField) -> None:
    if field.normalized and not uscc.is_valid(field.normalized):
        raise ValidationError(
            _l(
                "This is not a valid unified social credit code "
                "(18 characters; check the last one)."
            )
        )


class ContactForm(FlaskForm):
    lead_person = StringField(
        _l("Lead person"),
        validators=[
            Optional(),
            Length(max=60, message=_l("At most %(max)d characters.")),
            valid_name,
        ],
    )
    contact_phone = MobileField(
        _l("Contact mobile number"),
        validators=[Optional(), valid_mobile],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    address = StringField(
        _l("Address"),
        validators=[
            Optional(),
            Length(max=200, message=_l("At most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "street-address"},
    )
    member_count = WholeNumberField(
        _l("Number of members"),
        validators=[Optional()],
        minimum=1,
        maximum=100_000,
        too_small=_l("At least %(min)d member."),
        too_large=_l("At most 100,000 members."),
        example=12,
    )
    credit_code = CreditCodeField(
        _l("Unified social credit code (optional)"),
        validators=[Optional(), valid_credit_code],
        description=_l(
            "18 characters, on the registration certificate. "
            "Leave empty if you have none yet."
        ),
        filters=[lambda v: v.strip().upper() if v else v],
    )


class DescriptionForm(FlaskForm):
    description = TextAreaField(
        _l("What the organization does"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("At most %(max)d characters.")),
        ],
        description=_l(
            "Who you serve, what you do, since when. Up to 2,000 characters."
        ),
        render_kw={"rows": 8},
    )


class DocumentForm(FlaskForm):
    kind = SelectField(
        _l("Document"),
        choices=[SelectChoice(k.value, DOCUMENT_KIND_LABELS[k]) for k in DocumentKind],
    )
    file = FileField(
        _l("File"),
        validators=[FileRequired(message=_l("Choose a file to upload."))],
        description=_l(
            "PDF, JPEG or PNG, at most 5 MB. A photo taken with your phone is fine."
        ),
        render_kw={"accept": "application/pdf,image/jpeg,image/png"},
    )


class CommentForm(FlaskForm):
    comment = required_text(
        _l("Comment"), _l("Say what the applicant should change."), rows=4
    )


class ReasonForm(FlaskForm):
    reason = required_text(
        _l("Reason"), _l("Give the reason; the applicant will read it."), rows=4
    )


STAGE_ACTION_LABELS = {
    Stage.GRADUATED: _l("Graduated (出壳)"),
    Stage.EXITED: _l("Exited the base (退驻)"),
    Stage.REVOKED: _l("Revoked"),
}


class StageForm(FlaskForm):
    stage = SelectField(
        _l("New stage"),
        choices=[
            SelectChoice(s.value, label) for s, label in STAGE_ACTION_LABELS.items()
        ],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("At most %(max)d characters.")),
        ],
        description=_l("Required when the organization exits or is revoked."),
        render_kw={"rows": 3},
    )


def _staff_role_choices() -> list[SelectChoice]:
    return [
        SelectChoice(r.value, ROLE_LABELS[r])
        for r in (Role.ORG_MANAGER, Role.ORG_OWNER)
    ]


class InviteForm(FlaskForm):
    mobile = MobileField(
        _l("Their mobile number"),
        validators=[DataRequired(message=_l("Enter a mobile number.")), valid_mobile],
        render_kw={"inputmode": "tel"},
    )
    role = SelectField(_l("Role"), choices=lambda: _staff_role_choices())


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=lambda: _staff_role_choices())


class DirectorySearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Search by name"), validators=[Optional()])
    org_type = SelectField(
        _l("Type"),
        choices=[SelectChoice("", _l("All types"))]
        + [SelectChoice(t.value, ORG_TYPE_LABELS[t]) for t in OrgType],
        validators=[Optional()],
    )
    community = SelectField(_l("Community"), coerce=str, validators=[Optional()])
