"""Money is kept exactly, as integer fen (分); shown as ¥12,345.00 in every language."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

#: The largest amount a form accepts: ¥100,000,000.00 (far above any purchase here).
MAX_FEN = 100_000_000_00


class BadAmount(ValueError):
    """Not an amount of money in yuan with at most two decimals."""


class NegativeAmount(BadAmount):
    """Below zero: no price or budget is."""


class AmountTooLarge(BadAmount):
    """More than ``MAX_FEN``."""


class TooManyDecimals(BadAmount):
    """Finer than a fen (0.001)."""


class BadGrouping(BadAmount):
    """Commas that are not thousands separators: 1,2,3 is not 123."""


#: Digits, optionally grouped by thousands with commas (1,234,567), then decimals.
_AMOUNT = re.compile(
    r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?"
)
#: What may be written around the number: ¥ before (￥ after NFKC), 元 after.
_CURRENCY = re.compile(r"^¥?\s*(?P<number>.*?)\s*元?$", re.DOTALL)


def parse_yuan(text: str | None) -> int:
    """'12,345.6', '１２３４５', '¥12345' or '80000元' → fen.

    Full-width characters are read as their ASCII forms (NFKC; the Chinese
    comma "，" as ","). Commas must group thousands: 1,234.50 is read, 1,2,3 is
    refused rather than taken for 123. The subclass of ``BadAmount`` says why an
    amount is refused: negative, too large, finer than a fen, badly grouped.
    """
    if text is None:
        raise BadAmount(text)
    cleaned = unicodedata.normalize("NFKC", text).strip()
    number = _CURRENCY.fullmatch(cleaned).group("number")  # type: ignore[union-attr]
    negative = number.startswith(("-", "\u2212"))
    digits = number[1:].strip() if negative else number
    if not _AMOUNT.fullmatch(digits):
        if "," in digits and _AMOUNT.fullmatch(digits.replace(",", "")):
            raise BadGrouping(text)
        raise BadAmount(text)
    value = Decimal(digits.replace(",", ""))
    if negative and value != 0:
        raise NegativeAmount(text)
    if value.normalize().as_tuple().exponent < -2:  # type: ignore[operator]
        raise TooManyDecimals(text)
    fen = int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))
    if fen > MAX_FEN:
        raise AmountTooLarge(text)
    return fen


def fen_to_yuan_text(fen: int) -> str:
    """1234560 → '12345.60', for putting back into a form field."""
    return f"{Decimal(fen) / 100:.2f}"


def format_money(fen: int | None) -> str:
    """1234560 → '¥12,345.60' (the same in Chinese and English)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"
