"""Shared fields: the fast select writes exactly what WTForms' own select writes;
money and whole numbers say which rule a typed value broke."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectChoice
from wtforms import SelectField as WTFormsSelectField
from wtforms.validators import DataRequired

from hub.web.fields import MoneyField, SelectField, WholeNumberField

CHOICES = [
    SelectChoice("1", "a<b & c"),
    SelectChoice("2", 'say "hi"'),
    SelectChoice(True, "yes"),
    SelectChoice("", "—"),
    SelectChoice("4", "锁金村街道"),
]


@pytest.mark.parametrize("chosen", ["2", "", "4", None])
def test_same_html_as_wtforms(chosen) -> None:
    class Theirs(Form):
        x = WTFormsSelectField(choices=CHOICES, default=chosen)

    class Ours(Form):
        x = SelectField(choices=CHOICES, default=chosen)

    assert str(Ours().x(class_="wide")) == str(Theirs().x(class_="wide"))


def test_options_with_attributes_fall_back_to_wtforms() -> None:
    choices = [
        SelectChoice("1", "one", render_kw={"disabled": True}),
        SelectChoice("2", "two"),
    ]

    class Theirs(Form):
        x = WTFormsSelectField(choices=choices)

    class Ours(Form):
        x = SelectField(choices=choices)

    html = str(Ours().x())
    assert html == str(Theirs().x())
    assert "disabled" in html


# Money and whole numbers: each wrong input has its own message -------------------


def _money_errors(app, typed: str) -> tuple[int | None, list[str]]:  # noqa: ANN001
    class F(Form):
        amount = MoneyField(validators=[DataRequired(message="How much?")])

    with app.test_request_context(), force_locale("en"):
        form = F(MultiDict({"amount": typed}))
        form.validate()
        return form.amount.data, [str(e) for e in form.amount.errors]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("99999999999", "At most ¥100,000,000.00."),
        ("-1", "An amount cannot be negative."),
        ("1,2,3", "Commas go between thousands"),
        ("1.234", "At most two decimals"),
        ("abc", "Enter an amount in yuan"),
    ],
)
def test_money_field_says_which_rule(app, typed: str, message: str) -> None:  # noqa: ANN001
    data, errors = _money_errors(app, typed)
    assert data is None
    assert len(errors) == 1 and errors[0].startswith(message)  # no "How much?" too


def test_money_field_reads_full_width_and_grouped_amounts(app) -> None:  # noqa: ANN001
    assert _money_errors(app, "８０，０００．５０") == (8_000_050, [])
    assert _money_errors(app, "1,234.50") == (123_450, [])


def _count_errors(app, typed: str) -> tuple[int | None, list[str]]:  # noqa: ANN001
    class F(Form):
        places = WholeNumberField(
            validators=[DataRequired(message="How many?")],
            minimum=1,
            maximum=500,
            too_small="At least %(min)d place.",
            too_large="At most %(max)d places.",
            example=5,
        )

    with app.test_request_context(), force_locale("en"):
        form = F(MultiDict({"places": typed}))
        form.validate()
        return form.places.data, [str(e) for e in form.places.errors]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2.5", "Enter a whole number, such as 5."),
        ("24.25", "Enter a whole number, such as 5."),
        ("-1", "This cannot be negative."),
        ("0", "At least 1 place."),
        ("501", "At most 500 places."),
        ("99999999999999999999", "At most 500 places."),
        ("abc", "Enter a number, such as 5."),
        ("1e3", "Enter a number, such as 5."),
        ("😀", "Enter a number, such as 5."),
    ],
)
def test_whole_number_field_says_which_rule(app, typed: str, message: str) -> None:  # noqa: ANN001
    data, errors = _count_errors(app, typed)
    assert data is None
    assert errors == [message]  # not also "How many?"


def test_whole_number_field_reads_full_width_digits(app) -> None:  # noqa: ANN001
    assert _count_errors(app, "１２") == (12, [])
    assert _count_errors(app, " 7 ") == (7, [])
    assert _count_errors(app, "") == (None, ["How many?"])
