"""Form fields shared by features: money in yuan, times in local time, selects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import DateTimeLocalField, StringField, TextAreaField, widgets
from wtforms import SelectField as _SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from hub.localtime import local, zone
from hub.money import BadAmount, fen_to_yuan_text, parse_yuan


class Select(widgets.Select):
    """WTForms' select, writing plain options directly: the same HTML, a tenth of
    the time (the project search lists a hundred streets on every request)."""

    @classmethod
    def render_option(cls, choice: SelectChoice, **kwargs: Any) -> Markup:
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        value, label = escape(value), escape(choice.label or choice.value)
        selected = "selected " if choice.selected else ""
        # Both parts escaped on the line above.
        return Markup(f'<option {selected}value="{value}">{label}</option>')  # noqa: S704


class SelectField(_SelectField):
    """A select whose options render fast (see ``Select``)."""

    widget = Select()


class MoneyField(StringField):
    """Yuan as typed (12,345.60 / ¥12345 / full-width digits); ``data`` is fen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(*args, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return fen_to_yuan_text(self.data) if isinstance(self.data, int) else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_yuan(valuelist[0])
        except BadAmount as e:
            self.data = None
            raise ValueError(
                _l("Enter an amount in yuan, such as 80000 or 80,000.50.")
            ) from e


class LocalDateTimeField(DateTimeLocalField):
    """A date and time typed in local time; ``data`` is timezone-aware."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
        super().__init__(*args, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        if isinstance(self.data, datetime):
            return local(self.data).strftime("%Y-%m-%dT%H:%M")
        return ""

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, datetime) and self.data.tzinfo is None:
            self.data = self.data.replace(tzinfo=zone())


def required_text(
    label: Any, missing: Any, *, rows: int = 3, max_length: int = 2000, **kwargs: Any
) -> TextAreaField:
    """A required free-text field (a reason, comment or message) with its limit."""
    return TextAreaField(
        label,
        validators=[
            DataRequired(message=missing),
            Length(max=max_length, message=_l("At most %(max)d characters.")),
        ],
        render_kw={"rows": rows, "maxlength": max_length},
        **kwargs,
    )
