"""Money is kept exactly, as integer fen (分); shown as ¥12,345.00 in every language."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

#: The largest amount a form accepts: ¥100,000,000.00 (far above any purchase here).
MAX_FEN = 100_000_000_00


class BadAmount(ValueError):
    """Not an amount of money in yuan with at most two decimals."""


def parse_yuan(text: str | None) -> int:
    """'12,345.6', '１２３４５' or '¥12345' → fen. Refuses more than 2 decimals."""
    if text is None:
        raise BadAmount(text)
    cleaned = (
        text.strip()
        .translate(str.maketrans("０１２３４５６７８９．，", "0123456789.,"))
        .replace(",", "")
        .replace("¥", "")
        .replace("￥", "")
        .replace("元", "")
        .strip()
    )
    try:
        value = Decimal(cleaned)
    except InvalidOperation as e:
        raise BadAmount(text) from e
    if not value.is_finite() or value < 0 or value.as_tuple().exponent < -2:
        raise BadAmount(text)
    fen = int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))
    if fen > MAX_FEN:
        raise BadAmount(text)
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
