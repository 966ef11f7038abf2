"""Form fields shared by features: money in yuan, times in local time, selects."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import DateTimeLocalField, StringField, TextAreaField, widgets
from wtforms import SelectField as _SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, StopValidation

from hub.localtime import local, zone
from hub.money import (
    MAX_FEN,
    AmountTooLarge,
    BadAmount,
    BadGrouping,
    NegativeAmount,
    TooManyDecimals,
    fen_to_yuan_text,
    format_money,
    parse_yuan,
)


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

    def pre_validate(self, form: Any) -> None:
        # What was typed could not be read: that message, not also "enter…".
        if self.process_errors:
            raise StopValidation()

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_yuan(valuelist[0])
        except BadAmount as e:
            self.data = None
            raise ValueError(amount_message(e)) from e


def amount_message(error: BadAmount) -> str:
    """Why a typed amount was refused, for beside the field."""
    if isinstance(error, NegativeAmount):
        return _("An amount cannot be negative.")
    if isinstance(error, AmountTooLarge):
        return _("At most %(max)s.", max=format_money(MAX_FEN))
    if isinstance(error, TooManyDecimals):
        return _("At most two decimals (fen), such as 80,000.50.")
    if isinstance(error, BadGrouping):
        return _(
            "Commas go between thousands (80,000.50), or leave them out (80000.50)."
        )
    return _("Enter an amount in yuan, such as 80000 or 80,000.50.")


#: A whole number as typed after NFKC: 12, +12, -3 (no 1.5, 1e3, 1_000).
_WHOLE = re.compile(r"[+-]?[0-9]+")


class WholeNumberField(StringField):
    """A whole number as typed (full-width digits too) within ``minimum..maximum``;
    ``data`` is an int. Each way of being wrong has its own message beside the
    field (a decimal, a negative number, too small, too large), never a generic
    "how many?" on top of it.

    ``too_small`` and ``too_large`` may use %(min)d and %(max)d.
    """

    def __init__(
        self,
        label: Any = None,
        validators: Any = None,
        *,
        minimum: int,
        maximum: int,
        too_small: Any,
        too_large: Any,
        example: int = 10,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "numeric")
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum = minimum, maximum
        self.too_small, self.too_large = too_small, too_large
        self.example = example

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return str(self.data) if isinstance(self.data, int) else ""

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()

    def process_formdata(self, valuelist: list[str]) -> None:
        text = unicodedata.normalize("NFKC", valuelist[0] if valuelist else "").strip()
        text = text.replace("\u2212", "-")
        self.data = None
        if not text:
            return
        if not _WHOLE.fullmatch(text):
            raise ValueError(
                _("Enter a whole number, such as %(example)d.", example=self.example)
                if _DECIMAL.fullmatch(text)
                else _("Enter a number, such as %(example)d.", example=self.example)
            )
        value = int(text)
        if value < 0 <= self.minimum:
            raise ValueError(_("This cannot be negative."))
        if value < self.minimum:
            raise ValueError(str(self.too_small) % {"min": self.minimum})
        if value > self.maximum:
            raise ValueError(str(self.too_large) % {"max": self.maximum})
        self.data = value


#: A decimal number, to say "a whole number" rather than "a number".
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+[.,][0-9]*|[.,][0-9]+)")


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
