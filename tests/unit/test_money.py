import pytest
from hypothesis import given
from hypothesis import strategies as st

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


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("12345", 1234500),
        ("12,345.6", 1234560),
        ("¥12,345.67", 1234567),
        ("１２３４５．６７", 1234567),
        ("0.01", 1),
        ("80000元", 8000000),
        ("¥ 80,000.50 元", 8000050),
        ("￥８０，０００", 8000000),  # full-width yuan sign, digits and comma (NFKC)
        ("1,234.50", 123450),  # commas between thousands are read
        ("1,234,567", 123456700),
        ("1.500", 150),  # trailing zeros are not finer than a fen
        (".5", 50),
        ("100000000", MAX_FEN),
    ],
)
def test_parse_what_people_type(typed: str, fen: int) -> None:
    assert parse_yuan(typed) == fen


@pytest.mark.parametrize("typed", ["", "abc", "-5", "1.234", "NaN", "Infinity", None])
def test_parse_refuses(typed) -> None:  # noqa: ANN001
    with pytest.raises(BadAmount):
        parse_yuan(typed)


def test_format_is_yuan_with_thousands_and_two_decimals() -> None:
    assert format_money(1234500) == "¥12,345.00"
    assert format_money(5) == "¥0.05"
    assert format_money(0) == "¥0.00"


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_round_trip_is_exact(fen: int) -> None:
    assert parse_yuan(fen_to_yuan_text(fen)) == fen
    assert parse_yuan(format_money(fen)) == fen


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("-1", NegativeAmount),
        ("－１", NegativeAmount),
        ("-0.01", NegativeAmount),
        ("99999999999", AmountTooLarge),
        ("100000000.01", AmountTooLarge),
        ("1.234", TooManyDecimals),
        ("1,2,3", BadGrouping),  # not ¥123
        ("12,34", BadGrouping),
        ("1,23,456", BadGrouping),
        ("１，２，３", BadGrouping),
        ("1e3", BadAmount),
        ("1_000", BadAmount),
        ("12\n3", BadAmount),
        ("😀", BadAmount),
    ],
)
def test_each_refusal_says_why(typed: str, why: type[BadAmount]) -> None:
    with pytest.raises(why):
        parse_yuan(typed)
