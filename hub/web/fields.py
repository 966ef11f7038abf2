"""Form fields shared by features: money in yuan, times in Asia/Shanghai."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from hub.money import BadAmount, fen_to_yuan_text, parse_yuan

SHANGHAI = ZoneInfo("Asia/Shanghai")


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
    """A date and time typed in Asia/Shanghai; ``data`` is timezone-aware."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
        super().__init__(*args, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        if isinstance(self.data, datetime):
            return self.data.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
        return ""

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, datetime) and self.data.tzinfo is None:
            self.data = self.data.replace(tzinfo=SHANGHAI)


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
