"""Rotating check-in codes: forged, expired, rotated-out and replayed codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeSerializer

from hub.hours import tokens

NOW = datetime(2026, 12, 6, 1, 0, 5, tzinfo=UTC)  # 09:00:05 in Shanghai


def test_link_token_says_shift_mode_and_slot() -> None:
    token = tokens.read_link_token(tokens.make_link_token(7, "in", NOW))
    assert (token.shift_id, token.mode, token.slot) == (7, "in", tokens.slot_of(NOW))
    assert token.signed_at <= NOW < token.signed_at + timedelta(seconds=30)


def test_forged_token_is_refused() -> None:
    genuine = tokens.make_link_token(7, "in", NOW)
    payload, signature = genuine.rsplit(".", 1)
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    with pytest.raises(tokens.BadToken):
        tokens.read_link_token(forged)


def test_token_signed_with_another_key_or_salt_is_refused(app) -> None:  # noqa: ANN001
    other_key = URLSafeSerializer("someone-elses-secret-key-long-enough!!", salt="x")
    with pytest.raises(tokens.BadToken):
        tokens.read_link_token(other_key.dumps([7, "in", tokens.slot_of(NOW)]))
    # Our key, but made for another purpose (another salt): refused too.
    other_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt="hub.other")
    with pytest.raises(tokens.BadToken):
        tokens.read_link_token(other_salt.dumps([7, "in", tokens.slot_of(NOW)]))


def test_token_of_the_wrong_shape_is_refused(app) -> None:  # noqa: ANN001
    ours = URLSafeSerializer(app.config["SECRET_KEY"], salt=tokens._LINK_SALT)
    for value in ([7, "sideways", 1], {"s": 7}, [7, "in"], ["7", "in", 1]):
        with pytest.raises(tokens.BadToken):
            tokens.read_link_token(ours.dumps(value))


def test_code_is_fresh_in_its_slot_and_the_next_then_rotates_out() -> None:
    token = tokens.read_link_token(tokens.make_link_token(7, "in", NOW))
    tokens.check_fresh(token, NOW)
    tokens.check_fresh(token, NOW + timedelta(seconds=30))
    with pytest.raises(tokens.StaleToken):
        tokens.check_fresh(token, NOW + timedelta(seconds=60))


def test_expired_token_an_hour_old_is_stale() -> None:
    old = tokens.read_link_token(
        tokens.make_link_token(7, "in", NOW - timedelta(hours=1))
    )
    with pytest.raises(tokens.StaleToken):
        tokens.check_fresh(old, NOW)


def test_token_from_the_future_is_stale() -> None:
    future = tokens.read_link_token(
        tokens.make_link_token(7, "in", NOW + timedelta(minutes=5))
    )
    with pytest.raises(tokens.StaleToken):
        tokens.check_fresh(future, NOW)


def test_six_digit_code_names_shift_mode_and_slot() -> None:
    code = tokens.numeric_code(7, "out", tokens.slot_of(NOW))
    assert len(code) == 6 and code.isdigit()
    token = tokens.read_numeric_code(7, f" {code} ", NOW + timedelta(seconds=20))
    assert (token.shift_id, token.mode) == (7, "out")
    assert tokens.numeric_code(8, "out", tokens.slot_of(NOW)) != code


def test_rotated_out_six_digit_code_is_stale_and_a_wrong_one_bad() -> None:
    code = tokens.numeric_code(7, "in", tokens.slot_of(NOW))
    with pytest.raises(tokens.StaleToken):
        tokens.read_numeric_code(7, code, NOW + timedelta(minutes=2))
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(tokens.BadToken):
        tokens.read_numeric_code(7, wrong, NOW)
    with pytest.raises(tokens.BadToken):  # the right digits for another shift
        tokens.read_numeric_code(8, code, NOW)
