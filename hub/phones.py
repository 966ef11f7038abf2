"""Mainland mobile numbers: parse what people type, store 11 digits, show masked."""

from __future__ import annotations

import re

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


#: A mainland mobile number inside text, bare or with +86 / 0086 / 86 (also a
#: URL-encoded +); group 1 is the prefix, group 2 the 11 digits.
MOBILE_IN_TEXT = re.compile(r"(?<!\d)((?:(?:\+|%2B|00)?86)?)(1[3-9]\d{9})(?!\d)")


def mask_mobiles(text: str) -> str:
    """``text`` with anything like a mainland mobile number masked (138****5678)."""
    return MOBILE_IN_TEXT.sub(lambda m: m.group(1) + mask_mobile(m.group(2)), text)


def scrub(text: str, number: str = "") -> str:
    """``text`` with ``number`` and anything like a mainland mobile number masked."""
    if number:
        text = text.replace(number, mask_mobile(number))
    return mask_mobiles(text)
