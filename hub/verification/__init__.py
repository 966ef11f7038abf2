"""SMS verification codes: prove you hold a number (register, sign in, reset…)."""

from __future__ import annotations

from flask import Flask


def init_verification(app: Flask) -> None:
    """Resolve codes when the outbox sends them; add the challenge image route."""
    from hub.audit_log.labels import register_action_labels, register_state_labels
    from hub.notifications.outbox import register_resolver
    from hub.sms.templates import VERIFICATION_CODE
    from hub.verification.recovery import ACTION_LABELS, STATE_LABELS
    from hub.verification.routes import bp
    from hub.verification.services import code_params

    register_resolver(VERIFICATION_CODE, code_params)
    app.register_blueprint(bp)
    register_action_labels(ACTION_LABELS)
    register_state_labels("number_recovery", STATE_LABELS)
