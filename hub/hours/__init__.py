"""Check-in by rotating QR code, the service-hours ledger and certificates."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_hours(app: Flask) -> None:
    """Register the check-in, hours, certificate and offline pages and their words."""
    from hub.audit_log.labels import register_action_labels, register_state_labels
    from hub.hours import policy
    from hub.hours.routes import checkin, keeping, offline, volunteer
    from hub.notifications.messages import register_kind
    from hub.web.templating import POLICIES

    for blueprint in (checkin.bp, keeping.bp, offline.bp, volunteer.bp):
        app.register_blueprint(blueprint)
    POLICIES.update(policy.POLICIES)
    volunteer.init_hours_words(app)
    register_state_labels("hour_record", volunteer.RECORD_STATUS_LABELS)
    register_state_labels("hour_dispute", volunteer.DISPUTE_STATE_LABELS)
    register_action_labels(
        {
            "signup.attended": _l("Marked as attended"),
            "signup.no_show": _l("Marked as not come"),
            "signup.walk_in": _l("Added on the day"),
            "attendance.check_in": _l("Checked in"),
            "attendance.check_out": _l("Checked out"),
            "attendance.end_all": _l("Shift ended for all"),
            "attendance.vouch": _l("Check-in sent later confirmed"),
            "attendance.refuse": _l("Check-in sent later refused"),
            "hours.confirm": _l("Hours confirmed"),
            "hours.backfill": _l("Hours entered after the fact"),
            "hours.approve": _l("Entered hours approved"),
            "hours.reject": _l("Entered hours refused"),
            "hours.adjust": _l("Hours corrected"),
            "hours.dispute": _l("Hours questioned"),
            "hours.resolve": _l("Question about hours answered"),
            "certificate.issue": _l("Certificate issued"),
        }
    )
    for kind, message in {
        "hours_confirmed": _l("%(hours)s hours for %(project)s are confirmed."),
        "hours_approved": _l(
            "%(hours)s hours entered for %(project)s were approved; "
            "they count from %(date)s."
        ),
        "hours_added": _l(
            "A correction adding %(hours)s hours for %(project)s was approved; "
            "it counts from %(date)s."
        ),
        "hours_reduced": _l(
            "%(hours)s hours were taken off your record for %(project)s: %(reason)s"
        ),
        "dispute_resolved": _l(
            "Your question about hours for %(project)s was answered: %(text)s"
        ),
    }.items():
        register_kind(kind, message)
