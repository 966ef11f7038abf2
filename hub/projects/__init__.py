"""Projects: purchased-service tenders, projects, the three-society linkage."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_projects(app: Flask) -> None:
    """Register project pages, their notification kinds, words and policies."""
    from hub.audit_log.labels import register_action_labels, register_state_labels
    from hub.notifications.messages import register_kind, register_param_label
    from hub.projects import labels, policy
    from hub.web.templating import POLICIES

    POLICIES.update(policy.POLICIES)
    app.jinja_env.globals.update(
        project_state_label=labels.project_state_label,
        project_state_chip=labels.project_state_chip,
        funding_label=labels.funding_label,
        link_state_label=labels.link_state_label,
        link_state_chip=labels.link_state_chip,
        project_next_step=labels.project_next_step,
        proposal_state_chip=labels.proposal_state_chip,
        tender_state_label=labels.tender_state_label,
        proposal_state_label=labels.proposal_state_label,
        conclusion_label=labels.conclusion_label,
    )
    register_state_labels(
        "project",
        labels.PROJECT_STATE_LABELS,
        labels.LINK_STATE_LABELS,
        labels.CONCLUSION_LABELS,
    )
    register_state_labels("tender", labels.TENDER_STATE_LABELS)
    register_state_labels("proposal", labels.PROPOSAL_STATE_LABELS)
    register_param_label("conclusion", labels.conclusion_label)
    register_action_labels(
        {
            "project.create": _l("Project created"),
            "project.state": _l("Project state changed"),
            "project.link_request": _l("Social worker asked to coordinate"),
            "project.link_answer": _l("Social worker answered"),
            "project.meeting": _l("Evaluation meeting recorded"),
            "tender.publish": _l("Purchase need published"),
            "tender.award": _l("Tender awarded"),
            "tender.cancel": _l("Tender cancelled"),
            "proposal.submit": _l("Proposal submitted"),
            "proposal.update": _l("Proposal changed"),
            "proposal.withdraw": _l("Proposal withdrawn"),
        }
    )
    for kind, message in {
        "linkage_requested": _l(
            "%(organization)s asks you to coordinate the project %(project)s."
        ),
        "linkage_accepted": _l("%(social_worker)s will coordinate %(project)s."),
        "linkage_declined": _l(
            "%(social_worker)s declined to coordinate %(project)s. %(note)s"
        ),
        "project_submitted": _l(
            "%(organization)s asks the street to approve the project %(project)s."
        ),
        "project_approved": _l(
            "%(project)s is approved and now recruiting volunteers."
        ),
        "project_returned": _l("The street sent %(project)s back: %(reason)s"),
        "project_completed": _l("%(organization)s completed the project %(project)s."),
        "project_cancelled": _l("%(project)s was cancelled: %(reason)s"),
        "project_evaluated": _l(
            "The evaluation meeting concluded %(project)s: %(conclusion)s"
        ),
        "proposal_awarded": _l(
            "Your proposal for %(tender)s was chosen. A draft project is ready."
        ),
        "proposal_not_awarded": _l(
            "Another proposal was chosen for %(tender)s. Thank you for taking part."
        ),
    }.items():
        register_kind(kind, message)

    from hub.projects.routes import bp

    app.register_blueprint(bp)
