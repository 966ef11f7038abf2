"""Words for scores, criteria and voting bases, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SCORE_LABELS = {
    5: _l("Very good"),
    4: _l("Good"),
    3: _l("Fair"),
    2: _l("Poor"),
    1: _l("Very poor"),
}
CRITERION_LABELS = {
    "satisfaction": _l("Satisfaction"),
    "quality": _l("Quality"),
    "responsiveness": _l("Responsiveness"),
}
BASIS_LABELS = {
    "volunteer": _l("Volunteer who served"),
    "resident": _l("Resident of the community"),
}


def criterion_label(name: str) -> str:
    return str(CRITERION_LABELS.get(name, name))


def basis_label(basis: str) -> str:
    return str(BASIS_LABELS.get(basis, basis))
