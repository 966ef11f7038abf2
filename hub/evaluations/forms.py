"""Evaluation forms: shape only; who may rate and when lives in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from hub.evaluations.labels import SCORE_LABELS
from hub.evaluations.services import COMMENT_MAX
from hub.web.fields import LocalDateTimeField, required_text


def _scores() -> list[SelectChoice]:
    return [SelectChoice(s, SCORE_LABELS[s]) for s in range(5, 0, -1)]


def _score_field(label: object, missing: object) -> RadioField:
    return RadioField(
        label,
        choices=_scores(),
        coerce=int,
        validators=[DataRequired(message=missing)],
    )


class RatingForm(FlaskForm):
    """Three questions, 1–5, and an optional comment; older residents use it too."""

    satisfaction = _score_field(
        _l("How satisfied are you with the service?"),
        _l("Choose how satisfied you are."),
    )
    quality = _score_field(
        _l("How good was the work?"), _l("Choose how good the work was.")
    )
    responsiveness = _score_field(
        _l("How well did they listen and respond?"),
        _l("Choose how well they responded."),
    )
    comment = TextAreaField(
        _l("Comment (optional)"),
        validators=[Length(max=COMMENT_MAX, message=_l("At most %(max)d characters."))],
        description=_l("Shown without your name once the evaluation closes."),
        render_kw={"rows": 3, "maxlength": COMMENT_MAX},
    )


def _closes_after_opening(form: FlaskForm, field: LocalDateTimeField) -> None:
    if form.opens_at.data and field.data and field.data <= form.opens_at.data:
        raise ValidationError(_l("The close must be after the opening."))


class WindowForm(FlaskForm):
    """When residents and volunteers may rate a completed project."""

    opens_at = LocalDateTimeField(
        _l("Opens"), validators=[DataRequired(message=_l("Choose when it opens."))]
    )
    closes_at = LocalDateTimeField(
        _l("Closes"),
        validators=[
            DataRequired(message=_l("Choose when it closes.")),
            _closes_after_opening,
        ],
        description=_l("Results are published when it closes."),
    )


class HideCommentForm(FlaskForm):
    """A reviewer hides an abusive comment; the reason is kept in the audit log."""

    reason = required_text(
        _l("Reason for hiding"), _l("Say why the comment is hidden."), rows=2
    )
