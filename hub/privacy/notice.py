"""What changed in each version of the privacy notice (shown when asking again)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: Notice versions, oldest first, with what each one changed. Add the new version
#: here (and to templates/main/privacy.html) when HUB_PRIVACY_NOTICE_VERSION moves.
CHANGES: list[tuple[str, list]] = [
    (
        "2026-11",
        [
            _l("You can download everything we hold about you, as a file."),
            _l(
                "You can delete your account yourself; your service hours stay "
                "with the organizations under an anonymous name."
            ),
            _l(
                "Your full mobile number is shown only when someone allowed to "
                "call you asks for it, and each time is recorded."
            ),
        ],
    ),
]


def changes_since(previous: str | None) -> list:
    """The changes of every version after ``previous`` (all, if never agreed)."""
    versions = [v for v, _ in CHANGES]
    start = versions.index(previous) + 1 if previous in versions else 0
    return [change for _, items in CHANGES[start:] for change in items]
