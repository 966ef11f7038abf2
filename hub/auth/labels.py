"""Words for what a code step answers, shared by every page that asks a code."""

from __future__ import annotations

from flask_babel import gettext as _

from hub.errors import CodeNotValid


def code_error(wrong: CodeNotValid) -> str:
    """Beside the code field: tries left, or ask for a new code."""
    if wrong.tries_left:
        return _("That code is not right. %(n)d tries left.", n=wrong.tries_left)
    return _("This code no longer works. Ask for a new one below.")
