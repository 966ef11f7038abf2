import pytest

from hub.phones import mask_mobile, normalize_mobile


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "0086 138 1234 5678",
        "１３８１２３４５６７８",
    ],
)
def test_normalize_accepts_what_people_type(typed: str) -> None:
    assert normalize_mobile(typed) == "13812345678"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "12345",
        "1381234567",
        "138123456789",
        "02584001234",
        "+1 415 555 0100",
        "abc",
        None,
    ],
)
def test_normalize_refuses_non_mobile(typed) -> None:  # noqa: ANN001
    assert normalize_mobile(typed) is None


def test_mask_keeps_first_three_and_last_four() -> None:
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("") == ""
