import pytest
from argon2 import Type, extract_parameters, profiles
from flask import current_app

from hub.auth.passwords import (
    common_passwords,
    hash_password,
    is_common,
    needs_rehash,
    verify_password,
)


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app as it runs outside the tests (TESTING=False)."""
    monkeypatch.setattr(current_app._get_current_object(), "testing", False)


def test_hash_is_argon2id_and_verifies() -> None:
    hashed = hash_password("lantern-river-42")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "lantern-river-42")
    assert not verify_password(hashed, "lantern-river-43")


def test_production_hashes_use_the_rfc_9106_low_memory_profile(production) -> None:  # noqa: ANN001
    hashed = hash_password("lantern-river-42")
    assert extract_parameters(hashed) == profiles.RFC_9106_LOW_MEMORY
    assert extract_parameters(hashed).type is Type.ID
    assert verify_password(hashed, "lantern-river-42")
    assert not needs_rehash(hashed)


def test_tests_hash_cheaply_and_production_rehashes_that(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hashed = hash_password("lantern-river-42")
    parameters = extract_parameters(hashed)
    assert parameters.type is Type.ID
    assert (parameters.time_cost, parameters.memory_cost) == (1, 8)
    assert verify_password(hashed, "lantern-river-42")
    monkeypatch.setattr(current_app._get_current_object(), "testing", False)
    assert verify_password(hashed, "lantern-river-42")
    assert needs_rehash(hashed)


def test_missing_hash_never_verifies() -> None:
    assert not verify_password(None, "not-a-real-password-just-for-timing")


def test_common_list_has_three_thousand_entries() -> None:
    assert 2900 <= len(common_passwords()) <= 3000
    assert is_common("123456789") and is_common("PASSWORD1")
    assert not is_common("lantern-river-42")
