"""The fast select writes exactly what WTForms' own select writes."""

from __future__ import annotations

import pytest
from wtforms import Form, SelectChoice
from wtforms import SelectField as WTFormsSelectField

from hub.web.fields import SelectField

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
