"""The home page's "next actions": what each of a person's roles should do now."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _

from hub.models import User
from hub.permissions import Permission


@dataclass(frozen=True)
class NextAction:
    title: str
    detail: str
    url: str
    primary: bool = False


def next_actions(user: User) -> list[NextAction]:
    """The actions to offer this person on the home page, most important first."""
    actions: list[NextAction] = []
    if user.has_permission(Permission.PLACES_MANAGE):
        actions.append(
            NextAction(
                _("Streets, communities and grids"),
                _("Add or rename the places of the district."),
                url_for("admin.places"),
                primary=True,
            )
        )
    if user.has_permission(Permission.ROLES_MANAGE):
        actions.append(
            NextAction(
                _("Accounts and roles"),
                _("Find a person and grant or revoke their roles."),
                url_for("admin.users"),
            )
        )
    actions.append(
        NextAction(
            _("Text size and language"),
            _("Make the text larger, or switch between 中文 and English."),
            url_for("auth.account"),
        )
    )
    return actions
