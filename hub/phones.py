"""Mainland mobile numbers: parse what people type, store 11 digits, show masked."""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType


def normalize_mobile(raw: str | None) -> str | None:
    """Return the 11-digit national form of a mainland mobile number, or None.

    Accepts +86, spaces, dashes and full-width digits as typed on Chinese IMEs.
    """
    if not raw or not raw.strip():
        return None
    try:
        number = phonenumbers.parse(raw.strip(), "CN")
    except NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    national = str(number.national_number)
    return national if len(national) == 11 else None


def mask_mobile(mobile: str | None) -> str:
    """138****5678: what everyone but permitted viewers sees."""
    if not mobile:
        return ""
    if len(mobile) < 7:
        return "*" * len(mobile)
    return f"{mobile[:3]}****{mobile[-4:]}"
