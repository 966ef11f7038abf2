"""Service needs (居民需求): residents raise them, social workers triage them."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_needs(app: Flask) -> None:
    """Register need pages, their notification kinds, words and policies."""
    from hub.audit_log.labels import register_action_labels, register_state_labels
    from hub.needs import labels, policy
    from hub.notifications.messages import register_kind
    from hub.web.templating import POLICIES

    POLICIES.update(policy.POLICIES)
    app.jinja_env.globals.update(
        need_state_label=labels.need_state_label,
        need_state_chip=labels.need_state_chip,
        need_state_hint=labels.need_state_hint,
        need_steps=labels.NEED_STEPS,
        need_category_label=labels.need_category_label,
    )
    register_state_labels("service_need", labels.NEED_STATE_LABELS)
    register_action_labels(
        {
            "need.post": _l("Need raised"),
            "need.withdraw": _l("Need withdrawn"),
            "need.assign": _l("Need passed on"),
            "need.decline": _l("Need declined"),
            "need.hand_back": _l("Need handed back"),
            "need.start": _l("Need taken on"),
            "need.project": _l("Project started for the need"),
            "need.resolve": _l("Need resolved"),
        }
    )
    for kind, message in {
        "need_posted": _l(
            "A resident of %(grid)s, %(community)s raised a need: %(need)s"
        ),
        "need_posted_no_grid": _l(
            "A resident of %(community)s raised a need (grid not given): %(need)s"
        ),
        "need_triaged": _l("Your need “%(need)s” was passed to %(organization)s."),
        "need_assigned": _l(
            "A social worker of %(community)s passed a need to you: %(need)s"
        ),
        "need_declined": _l("Your need “%(need)s” was declined: %(reason)s"),
        "need_started": _l("%(organization)s is working on your need “%(need)s”."),
        "need_project": _l(
            "%(organization)s started the project %(project)s for your need “%(need)s”."
        ),
        "need_reopened": _l(
            "%(organization)s cannot take on your need “%(need)s”; a social worker "
            "will find someone else."
        ),
        "need_handed_back": _l(
            "%(organization)s handed back the need “%(need)s”: %(reason)s"
        ),
        "need_resolved": _l("Your need “%(need)s” is resolved: %(note)s"),
    }.items():
        register_kind(kind, message)

    from hub.needs.routes import resident, work  # noqa: F401 - work adds routes

    app.register_blueprint(resident.bp)
