from hub.auth.passwords import (
    common_passwords,
    hash_password,
    is_common,
    verify_password,
)


def test_hash_is_argon2id_and_verifies() -> None:
    hashed = hash_password("lantern-river-42")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "lantern-river-42")
    assert not verify_password(hashed, "lantern-river-43")


def test_missing_hash_never_verifies() -> None:
    assert not verify_password(None, "not-a-real-password-just-for-timing")


def test_common_list_has_three_thousand_entries() -> None:
    assert 2900 <= len(common_passwords()) <= 3000
    assert is_common("123456789") and is_common("PASSWORD1")
    assert not is_common("lantern-river-42")
