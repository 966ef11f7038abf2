"""Organizations: filing into the incubation base, review, incubation, staff."""

from __future__ import annotations

from flask import Flask


def init_organizations(app: Flask) -> None:
    """Register the applicant and reviewer pages, their template words and policies."""
    from hub.audit_log.labels import register_state_labels
    from hub.notifications.messages import register_param_label
    from hub.organizations import labels, policy
    from hub.organizations.routes import bp
    from hub.permissions import ROLE_LABELS
    from hub.review.routes import bp as review_bp
    from hub.web.templating import POLICIES

    app.register_blueprint(bp)
    app.register_blueprint(review_bp)
    POLICIES.update(policy.POLICIES)
    app.jinja_env.globals.update(
        org_type_label=labels.org_type_label,
        service_label=labels.service_label,
        filing_state_label=labels.filing_state_label,
        stage_label=labels.stage_label,
        state_chip=labels.state_chip,
        document_kind_label=labels.document_kind_label,
    )
    # A staff member's role change is recorded on the organization.
    register_state_labels(
        "organization",
        labels.FILING_STATE_LABELS,
        labels.STAGE_LABELS,
        ROLE_LABELS,
    )
    register_param_label("stage", labels.stage_label)
