"""The access matrix: who gets what answer from every endpoint, as data.

``docs/security.md`` shows this table (``python -m tests.security.render_matrix``
writes it) and ``test_access_matrix.py`` walks it against a world of two streets
(tests/security/world.py). A new route must be added here, or the test fails.

Each row is one request: an endpoint, a method, the object its URL names (values
starting with ``@`` are objects of the world, by name; others are literal), and the
answer each principal gets, in ``PRINCIPALS`` order:

- ``ok``: allowed: the action ran, or was refused for a business reason after the
  access checks (2xx, 3xx other than to the login page, 409, 410, 422);
- ``403``: logged in, not allowed;
- ``404``: the object is hidden from this person (another street's or another
  person's; it is not even confirmed to exist);
- ``login``: anonymous, sent to the login page.

Every principal also holds the volunteer's role, as everyone who registers does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: Who acts, in column order. "volunteer" owns side A's personal objects (sign-up,
#: hours, certificate, needs, notification, invitations, calendar link).
PRINCIPALS = (
    "anon",
    "volunteer",
    "staff_a",
    "staff_b",
    "sw_a",
    "sw_b",
    "reviewer_a",
    "reviewer_b",
    "admin",
)

PRINCIPAL_LABELS = {
    "anon": "anonymous",
    "volunteer": "volunteer",
    "staff_a": "staff of org A",
    "staff_b": "staff of org B",
    "sw_a": "social worker of community A",
    "sw_b": "social worker of community B",
    "reviewer_a": "reviewer of street A",
    "reviewer_b": "reviewer of street B",
    "admin": "admin",
}

OUTCOMES = ("ok", "403", "404", "login")

#: Endpoints that are not the application's own pages.
EXCLUDED = {
    "static": "Flask's static files",
}
#: Endpoint prefixes registered only outside production.
EXCLUDED_PREFIXES = {
    "bench.": "registered only with HUB_BENCH_ROUTES=1 (make bench)",
}

#: Feature headings of the document, by blueprint, in order.
FEATURES = {
    "main": "Site",
    "auth": "Accounts",
    "activation": "Accounts",
    "verification": "Accounts",
    "privacy": "Privacy",
    "profiles": "Volunteer profile",
    "notifications": "Notifications",
    "organizations": "Organizations and filings",
    "review": "Organizations and filings",
    "projects": "Projects",
    "tenders": "Tenders and proposals",
    "finding": "Shifts and sign-ups",
    "shifts": "Shifts and sign-ups",
    "calendar": "Shifts and sign-ups",
    "poster": "Shifts and sign-ups",
    "roster": "Shift roster",
    "matching": "Matching and shift invitations",
    "checkin": "Check-in",
    "offline": "Check-in",
    "hours": "Hours and certificates",
    "keeping": "Hours and certificates",
    "evaluations": "Evaluations",
    "needs": "Service needs",
    "reports": "Reports and exports",
    "exports": "Reports and exports",
    "imports": "Imports",
    "audit": "Audit log",
    "opendata": "Open data",
    "admin": "Administration",
    "ops": "Operations",
}


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    expect: tuple[str, ...]
    obj: str = ""
    args: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] | None = None
    json: Mapping[str, Any] | None = None

    @property
    def feature(self) -> str:
        return FEATURES[self.endpoint.split(".")[0]]

    def expected(self) -> dict[str, str]:
        return dict(zip(PRINCIPALS, self.expect, strict=True))

    @property
    def id(self) -> str:
        return f"{self.endpoint}-{self.method}" + (f"-{self.obj}" if self.obj else "")


def row(
    endpoint: str,
    method: str,
    expect: str,
    obj: str = "",
    **args: Any,
) -> Case:
    """One request; ``data=``/``json=`` are the body, other keywords URL values."""
    data = args.pop("data", None)
    body = args.pop("json", None)
    cells = tuple(expect.split())
    assert len(cells) == len(PRINCIPALS), (endpoint, expect)
    assert set(cells) <= set(OUTCOMES), (endpoint, expect)
    return Case(endpoint, method, cells, obj, args, data, body)


def both(endpoint: str, expect: str, obj: str = "", **args: Any) -> list[Case]:
    """The same answers for the page (GET) and its form (POST)."""
    return [
        row(endpoint, "GET", expect, obj, **args),
        row(endpoint, "POST", expect, obj, **args),
    ]


# Answers that recur: everyone; everyone logged in; nobody but ...
ALL = "ok ok ok ok ok ok ok ok ok"
USER = "login ok ok ok ok ok ok ok ok"
STAFF_A = "login 403 ok 403 403 403 403 403 403"
ORGANIZERS_A = "login 403 ok 403 ok 403 403 403 403"  # org A's staff, A's coordinator
VOLUNTEER_ONLY_403 = "login ok 403 403 403 403 403 403 403"
VOLUNTEER_ONLY_404 = "login ok 404 404 404 404 404 404 404"
SOCIAL_WORKERS = "login 403 403 403 ok ok 403 403 403"
SOCIAL_WORKER_A = "login 403 403 403 ok 403 403 403 403"  # B's worker: not theirs
REVIEWERS = "login 403 403 403 403 403 ok ok 403"
REVIEWER_A = "login 403 403 403 403 403 ok 404 403"  # B's reviewer: hidden
REPORTERS = "login 403 403 403 ok ok ok ok 403"
ADMIN = "login 403 403 403 403 403 403 403 ok"

MATRIX: list[Case] = [
    # Site -------------------------------------------------------------------------
    row("main.home", "GET", ALL),
    row("main.healthz", "GET", ALL),
    # Open to every role from an allowed address (HUB_METRICS_ALLOW, the test
    # client's 127.0.0.1); others get 404: tests/system/test_metrics.py.
    row("ops.metrics", "GET", ALL),
    row("main.privacy", "GET", ALL),
    row("main.set_language", "POST", ALL, data={"locale": "zh_CN"}),
    row("main.set_text_size", "POST", USER, data={"large_text": "1"}),
    # Accounts ---------------------------------------------------------------------
    row("auth.login", "GET", ALL),
    row(
        "auth.login",
        "POST",
        ALL,
        "wrong password",
        data={"mobile": "13700000001", "password": "not-the-password"},
    ),
    *both("auth.register", ALL),
    # Code steps without a code sent first lead back to the step before (303: ok).
    *both("auth.register_code", ALL),
    *both("auth.register_details", ALL),
    *both("auth.login_code", ALL),
    *both("auth.login_code_verify", ALL),
    *both("auth.activate_by_code", ALL),
    *both("auth.password_reset", ALL),
    *both("auth.password_reset_code", ALL),
    *both("auth.password_reset_new", ALL),
    *both("auth.change_number", USER),
    *both("auth.change_number_code", USER),
    row(
        "auth.challenge_image",
        "GET",
        "404 404 404 404 404 404 404 404 404",
        "no challenge asked",
        challenge_id="none",
    ),
    row("auth.logout", "POST", ALL),
    row("auth.account", "GET", USER),
    *both("auth.change_password", USER),
    # Register a resident (协助注册): only a social worker of that community (whose
    # own number is proved: tests/web/test_assisted_registration.py). Without a
    # number sent, the later steps lead back to the first (303: ok).
    *both(
        "auth.assisted_register",
        SOCIAL_WORKER_A,
        "community A",
        community_id="@community_a",
    ),
    *both(
        "auth.assisted_register_code",
        SOCIAL_WORKER_A,
        "community A",
        community_id="@community_a",
    ),
    *both(
        "auth.assisted_register_details",
        SOCIAL_WORKER_A,
        "community A",
        community_id="@community_a",
    ),
    *both("activation.activate", ALL, "imported account", token="@activation_token"),
    # Number changes by the street, and SMS volume: reviewers and admins. The world
    # holds no change, so its rows show the role check on a missing one; the street
    # check (404 for another street's) is in tests/web/test_recovery.py.
    row("verification.recoveries_list", "GET", "login 403 403 403 403 403 ok ok ok"),
    row("verification.new_recovery", "GET", "login 403 403 403 403 403 ok ok ok"),
    row(
        "verification.new_recovery",
        "POST",
        "login 403 403 403 403 403 ok ok ok",
        "unknown number",
        data={"mobile": "13700000002"},
    ),
    row(
        "verification.ask_recovery",
        "POST",
        "login 403 403 403 403 403 ok ok ok",
        "unknown number",
        data={"mobile": "13700000002", "new_mobile": "13700000003", "reason": "ID"},
    ),
    row(
        "verification.recovery",
        "GET",
        "login 403 403 403 403 403 404 404 404",
        "no such change",
        recovery_id=999999,
    ),
    row(
        "verification.approve_recovery",
        "POST",
        "login 403 403 403 403 403 404 404 404",
        "no such change",
        recovery_id=999999,
    ),
    row(
        "verification.decline_recovery",
        "POST",
        "login 403 403 403 403 403 404 404 404",
        "no such change",
        recovery_id=999999,
        data={"reason": "not the person"},
    ),
    row("verification.sms_volume_page", "GET", "login 403 403 403 403 403 ok ok ok"),
    # Privacy ------------------------------------------------------------------------
    *both("privacy.consent", USER),
    *both("privacy.download", USER),
    *both("privacy.delete_account", USER),
    row(
        "privacy.reveal_phone",
        "POST",
        "login ok ok 403 ok 403 403 403 403",
        "sign-up A",
        kind="signup",
        object_id="@signup_a",
    ),
    row(
        "privacy.reveal_phone",
        "POST",
        "login 403 ok 403 ok 403 403 403 403",
        "assigned need A",
        kind="need",
        object_id="@need_assigned_a",
    ),
    row(
        "privacy.reveal_phone",
        "POST",
        "login 403 ok 403 403 403 ok 403 403",
        "filing of org A",
        kind="filing",
        object_id="@org_a",
    ),
    row(
        "privacy.reveal_phone",
        "POST",
        STAFF_A,
        "draft filing A",
        kind="filing",
        object_id="@draft_filing_a",
    ),
    # Volunteer profile --------------------------------------------------------------
    *both("profiles.edit", USER),
    row("profiles.places", "GET", USER),
    # Notifications ------------------------------------------------------------------
    row("notifications.index", "GET", USER),
    row(
        "notifications.read",
        "POST",
        VOLUNTEER_ONLY_404,
        "notification of the volunteer",
        notification_id="@notification_a",
    ),
    row(
        "notifications.read",
        "POST",
        "login 404 404 404 404 404 404 404 404",
        "notification of another volunteer",
        notification_id="@notification_b",
    ),
    row("notifications.read_all", "POST", USER),
    # Organizations and filings ------------------------------------------------------
    row("organizations.directory", "GET", ALL),
    row("organizations.profile", "GET", ALL, "approved org A", org_id="@org_a"),
    row(
        "organizations.profile",
        "GET",
        "404 404 404 404 404 404 404 404 404",
        "draft filing A",
        org_id="@draft_filing_a",
    ),
    row("organizations.mine", "GET", USER),
    *both("organizations.start", USER),
    row(
        "organizations.application",
        "GET",
        "login 403 ok 403 403 403 ok 403 403",
        "submitted filing A",
        org_id="@submitted_filing_a",
    ),
    row(
        "organizations.application",
        "GET",
        STAFF_A,
        "draft filing A",
        org_id="@draft_filing_a",
    ),
    *both(
        "organizations.edit_step",
        STAFF_A,
        "draft filing A",
        org_id="@draft_filing_a",
        step=1,
    ),
    row(
        "organizations.upload",
        "POST",
        STAFF_A,
        "draft filing A",
        org_id="@draft_filing_a",
    ),
    row(
        "organizations.remove_document",
        "POST",
        STAFF_A,
        "document of draft filing A",
        org_id="@draft_filing_a",
        document_id="@draft_document_a",
    ),
    row(
        "organizations.download",
        "GET",
        "login 403 ok 403 403 403 ok 403 403",
        "document of org A",
        document_id="@document_a",
    ),
    row(
        "organizations.download",
        "GET",
        STAFF_A,
        "document of draft filing A",
        document_id="@draft_document_a",
    ),
    row(
        "organizations.submit",
        "POST",
        STAFF_A,
        "draft filing A",
        org_id="@draft_filing_a",
    ),
    *both("organizations.staff_page", STAFF_A, "org A", org_id="@org_a"),
    row(
        "organizations.change_role",
        "POST",
        STAFF_A,
        "manager of org A",
        org_id="@org_a",
        grant_id="@manager_grant_a",
        data={"role": "org_owner"},
    ),
    row(
        "organizations.remove_member",
        "POST",
        STAFF_A,
        "manager of org A",
        org_id="@org_a",
        grant_id="@manager_grant_a",
    ),
    row(
        "organizations.answer",
        "POST",
        VOLUNTEER_ONLY_404,
        "invitation to the volunteer",
        invitation_id="@staff_invitation_a",
        answer="decline",
    ),
    *both(
        "organizations.confirm_invitation",
        VOLUNTEER_ONLY_404,
        "invitation to the volunteer",
        invitation_id="@staff_invitation_a",
    ),
    row("review.queue", "GET", REVIEWERS),
    row("review.organizations", "GET", REVIEWERS),
    row(
        "review.filing",
        "GET",
        REVIEWER_A,
        "submitted filing A",
        org_id="@submitted_filing_a",
    ),
    row(
        "review.filing",
        "GET",
        "login 403 403 403 403 403 404 404 403",
        "draft filing A",
        org_id="@draft_filing_a",
    ),
    row(
        "review.approve",
        "POST",
        REVIEWER_A,
        "submitted filing A",
        org_id="@submitted_filing_a",
    ),
    row(
        "review.request_changes",
        "POST",
        REVIEWER_A,
        "submitted filing A",
        org_id="@submitted_filing_a",
    ),
    row(
        "review.reject",
        "POST",
        REVIEWER_A,
        "submitted filing A",
        org_id="@submitted_filing_a",
    ),
    row("review.change_stage", "POST", REVIEWER_A, "org A", org_id="@org_a"),
    # Projects ------------------------------------------------------------------------
    row("projects.show", "GET", ALL, "recruiting project A", project_id="@project_a"),
    row(
        "projects.show",
        "GET",
        "404 404 ok 404 404 404 ok 404 404",
        "draft project A",
        project_id="@draft_project_a",
    ),
    row("projects.organization_projects", "GET", STAFF_A, "org A", org_id="@org_a"),
    *both("projects.new", STAFF_A, "org A", org_id="@org_a"),
    *both("projects.edit", STAFF_A, "project A", project_id="@project_a"),
    row(
        "projects.edit",
        "GET",
        "login 403 ok 404 403 403 403 403 403",
        "draft project A",
        project_id="@draft_project_a",
    ),
    row("projects.manage", "GET", STAFF_A, "project A", project_id="@project_a"),
    row(
        "projects.request_linkage",
        "POST",
        STAFF_A,
        "project A",
        project_id="@project_a",
    ),
    row(
        "projects.staff_step",
        "POST",
        STAFF_A,
        "project A",
        project_id="@project_a",
        step="start",
    ),
    row(
        "projects.cancel",
        "POST",
        "login 403 ok 403 403 403 ok 403 403",
        "project A",
        project_id="@project_a",
    ),
    row(
        "projects.cancel",
        "POST",
        # Without projects:cancel the answer is 403 for any project (nothing is
        # revealed); with it, someone else's draft stays hidden (404).
        "login 403 ok 404 403 403 ok 404 403",
        "draft project A",
        project_id="@draft_project_a",
    ),
    row("projects.coordination", "GET", SOCIAL_WORKERS),
    row(
        "projects.answer_linkage",
        "POST",
        "login 403 403 403 ok 403 403 403 403",
        "project A",
        project_id="@project_a",
        answer="accept",
    ),
    row("projects.review_list", "GET", REVIEWERS),
    row("projects.review", "GET", REVIEWER_A, "project A", project_id="@project_a"),
    row("projects.approve", "POST", REVIEWER_A, "project A", project_id="@project_a"),
    row("projects.send_back", "POST", REVIEWER_A, "project A", project_id="@project_a"),
    row(
        "projects.record_meeting",
        "POST",
        REVIEWER_A,
        "project A",
        project_id="@evaluated_a",
    ),
    # Tenders and proposals -----------------------------------------------------------
    row("tenders.index", "GET", ALL),
    row("tenders.show", "GET", ALL, "tender A", tender_id="@tender_a"),
    *both(
        "tenders.proposal",
        "login 403 ok ok 403 403 403 403 403",
        "tender A",
        tender_id="@tender_a",
    ),
    row(
        "tenders.proposal",
        "GET",
        "login 403 ok 403 403 403 403 403 403",
        "?org= org A",
        tender_id="@tender_a",
        org="@org_a",
    ),
    row(
        "tenders.withdraw",
        "POST",
        "login 403 ok 403 403 403 403 403 403",
        "?org= org A: its proposal",
        tender_id="@tender_a",
        org="@org_a",
    ),
    row(
        "tenders.withdraw",
        "POST",
        "login 403 403 404 403 403 403 403 403",
        "?org= org B: it has none",
        tender_id="@tender_a",
        org="@org_b",
    ),
    row("tenders.review_list", "GET", REVIEWERS),
    *both("tenders.new", REVIEWERS),
    row("tenders.review", "GET", REVIEWER_A, "tender A", tender_id="@tender_a"),
    row("tenders.award", "POST", REVIEWER_A, "tender A", tender_id="@tender_a"),
    row("tenders.cancel", "POST", REVIEWER_A, "tender A", tender_id="@tender_a"),
    # Shifts and sign-ups -------------------------------------------------------------
    row("finding.index", "GET", ALL),
    row("poster.show", "GET", ALL, "recruiting project A", project_id="@project_a"),
    row(
        "poster.show",
        "GET",
        "404 404 404 404 404 404 404 404 404",
        "draft project A",
        project_id="@draft_project_a",
    ),
    row(
        "projects.shifts",
        "GET",
        ALL,
        "recruiting project A",
        project_id="@project_a",
    ),
    row(
        "projects.shifts",
        "GET",
        "404 404 ok 404 404 404 ok 404 404",
        "draft project A",
        project_id="@draft_project_a",
    ),
    row("shifts.sign_up", "POST", USER, "shift A", shift_id="@shift_a"),
    row(
        "shifts.cancel",
        "POST",
        VOLUNTEER_ONLY_404,
        "the volunteer's sign-up",
        signup_id="@signup_a",
    ),
    row("shifts.mine", "GET", USER),
    *both("shifts.new", STAFF_A, "project A", project_id="@project_a"),
    *both("shifts.edit", STAFF_A, "shift A", shift_id="@shift_a"),
    row(
        "calendar.shift_event",
        "GET",
        VOLUNTEER_ONLY_403,
        "shift A (the volunteer's)",
        shift_id="@shift_a",
    ),
    row("calendar.feed", "GET", ALL, "the volunteer's link", token="@calendar_token_a"),
    row(
        "calendar.feed",
        "GET",
        "404 404 404 404 404 404 404 404 404",
        "a made-up link",
        token="no-such-token",
    ),
    row("calendar.set_feed", "POST", USER),
    # Shift roster --------------------------------------------------------------------
    row("roster.show", "GET", ORGANIZERS_A, "shift A", shift_id="@shift_a"),
    row("roster.export", "GET", ORGANIZERS_A, "shift A", shift_id="@shift_a"),
    row(
        "roster.remove",
        "POST",
        ORGANIZERS_A,
        "the volunteer on shift A",
        shift_id="@shift_a",
        signup_id="@signup_a",
    ),
    row("roster.message", "POST", ORGANIZERS_A, "shift A", shift_id="@shift_a"),
    row("roster.cancel", "POST", ORGANIZERS_A, "shift A", shift_id="@shift_a"),
    # Matching and shift invitations --------------------------------------------------
    row("matching.candidates", "GET", ORGANIZERS_A, "shift A", shift_id="@shift_a"),
    row(
        "matching.invite",
        "POST",
        ORGANIZERS_A,
        "shift A",
        shift_id="@shift_a",
        user_id="@resident_b",
    ),
    row(
        "matching.invitation",
        "GET",
        VOLUNTEER_ONLY_403,
        "invitation to the volunteer",
        invitation_id="@shift_invitation_a",
    ),
    row(
        "matching.invitation",
        "GET",
        "login 403 403 403 403 403 403 403 403",
        "invitation to another volunteer",
        invitation_id="@shift_invitation_b",
    ),
    row(
        "matching.accept",
        "POST",
        VOLUNTEER_ONLY_403,
        "invitation to the volunteer",
        invitation_id="@shift_invitation_a",
    ),
    row(
        "matching.decline",
        "POST",
        VOLUNTEER_ONLY_403,
        "invitation to the volunteer",
        invitation_id="@shift_invitation_a",
    ),
    # Check-in ------------------------------------------------------------------------
    row("checkin.screen", "GET", ORGANIZERS_A, "shift A", shift_id="@shift_a"),
    row("checkin.attendance_list", "GET", ORGANIZERS_A, "shift A", shift_id="@shift_a"),
    row("checkin.walk_in", "POST", ORGANIZERS_A, "shift A", shift_id="@shift_a"),
    row(
        "checkin.mark",
        "POST",
        ORGANIZERS_A,
        "the volunteer on shift A",
        shift_id="@shift_a",
        signup_id="@signup_a",
        data={"state": "no_show"},
    ),
    row(
        "checkin.review_sent_later",
        "POST",
        ORGANIZERS_A,
        "the volunteer on shift A",
        shift_id="@shift_a",
        signup_id="@signup_a",
        data={"decision": "refuse"},
    ),
    row("checkin.end_all", "POST", ORGANIZERS_A, "shift A", shift_id="@shift_a"),
    row("checkin.confirm", "POST", ORGANIZERS_A, "shift A", shift_id="@shift_a"),
    *both("checkin.scan", USER, "QR link of shift A", token="@checkin_in_a"),
    *both("checkin.attend", USER, "shift A", shift_id="@shift_a"),
    row("offline.service_worker", "GET", ALL),
    row("offline.offline_page", "GET", ALL),
    row("offline.csrf_token", "GET", USER),
    row(
        "offline.late",
        "POST",
        USER,
        "QR link of shift A",
        json={"token": "@checkin_in_a"},
    ),
    # Hours and certificates ----------------------------------------------------------
    row("hours.mine", "GET", USER),
    row(
        "hours.dispute",
        "POST",
        VOLUNTEER_ONLY_403,
        "the volunteer's record",
        record_id="@record_a",
    ),
    row(
        "hours.dispute",
        "POST",
        "login 403 403 403 403 403 403 403 403",
        "another volunteer's record",
        record_id="@record_b",
    ),
    row("hours.issue", "POST", USER),
    row(
        "hours.certificate",
        "GET",
        VOLUNTEER_ONLY_403,
        "the volunteer's certificate",
        certificate_id="@certificate_a",
    ),
    row(
        "hours.certificate",
        "GET",
        "login 403 403 403 403 403 403 403 403",
        "another volunteer's certificate",
        certificate_id="@certificate_b",
    ),
    row("hours.verify", "GET", ALL, "certificate A", code="@certificate_code_a"),
    row("keeping.project", "GET", ORGANIZERS_A, "project A", project_id="@project_a"),
    row("keeping.backfill", "POST", ORGANIZERS_A, "project A", project_id="@project_a"),
    row(
        "keeping.approve",
        "POST",
        "login 403 403 403 ok 403 403 403 403",
        "back-fill entered by org A's owner",
        record_id="@backfill_a",
    ),
    row(
        "keeping.reject",
        "POST",
        "login 403 403 403 ok 403 403 403 403",
        "back-fill entered by org A's owner",
        record_id="@backfill_a",
    ),
    row("keeping.adjust", "POST", ORGANIZERS_A, "record A", record_id="@record_a"),
    row(
        "keeping.resolve",
        "POST",
        ORGANIZERS_A,
        "dispute of record A",
        dispute_id="@dispute_a",
    ),
    # Evaluations ---------------------------------------------------------------------
    row(
        "evaluations.project",
        "GET",
        ALL,
        "evaluated project A",
        project_id="@evaluated_a",
    ),
    row(
        "evaluations.rate",
        "POST",
        VOLUNTEER_ONLY_403,
        "evaluated project A",
        project_id="@evaluated_a",
        data={"satisfaction": "4", "quality": "4", "responsiveness": "4"},
    ),
    row("evaluations.mine", "GET", USER),
    *both(
        "evaluations.open_window",
        REVIEWER_A,
        "evaluated project A",
        project_id="@evaluated_a",
    ),
    row(
        "evaluations.hide",
        "POST",
        REVIEWER_A,
        "rating of project A",
        rating_id="@rating_a",
    ),
    row("evaluations.residents_list", "GET", SOCIAL_WORKERS),
    row(
        "evaluations.confirm_resident",
        "POST",
        "login 403 403 403 ok 404 403 403 403",
        "resident of community A",
        user_id="@resident_a",
    ),
    row(
        "evaluations.withdraw_resident",
        "POST",
        "login 403 403 403 ok 404 403 403 403",
        "resident of community A",
        user_id="@resident_a",
    ),
    # Service needs -------------------------------------------------------------------
    *both("needs.new", USER),
    row("needs.mine", "GET", USER),
    row(
        "needs.show",
        "GET",
        "login ok 403 403 ok 403 ok 403 403",
        "open need A",
        need_id="@need_open_a",
    ),
    row(
        "needs.show",
        "GET",
        "login ok ok 403 ok 403 ok 403 403",
        "need A assigned to org A",
        need_id="@need_assigned_a",
    ),
    row(
        "needs.photo",
        "GET",
        "login ok 403 403 ok 403 ok 403 403",
        "open need A",
        need_id="@need_open_a",
    ),
    row(
        "needs.withdraw",
        "POST",
        VOLUNTEER_ONLY_403,
        "open need A",
        need_id="@need_open_a",
    ),
    row("needs.triage_queue", "GET", SOCIAL_WORKERS),
    row(
        "needs.assign",
        "POST",
        "login 403 403 403 ok 403 403 403 403",
        "open need A",
        need_id="@need_open_a",
    ),
    row(
        "needs.decline",
        "POST",
        "login 403 403 403 ok 403 403 403 403",
        "open need A",
        need_id="@need_open_a",
    ),
    row(
        "needs.resolve",
        "POST",
        ORGANIZERS_A,
        "need A assigned to org A",
        need_id="@need_assigned_a",
    ),
    row("needs.organization_needs", "GET", STAFF_A, "org A", org_id="@org_a"),
    row(
        "needs.accept",
        "POST",
        STAFF_A,
        "need A assigned to org A",
        need_id="@need_assigned_a",
    ),
    row(
        "needs.hand_back",
        "POST",
        STAFF_A,
        "need A assigned to org A",
        need_id="@need_assigned_a",
    ),
    *both(
        "needs.to_project",
        STAFF_A,
        "need A assigned to org A",
        need_id="@need_assigned_a",
    ),
    row("needs.review_list", "GET", REVIEWERS),
    # Reports and exports -------------------------------------------------------------
    row("reports.index", "GET", REPORTERS),
    row(
        "reports.street",
        "GET",
        "login 403 403 403 404 404 ok 404 403",
        "street A",
        place_id="@street_a",
    ),
    row(
        "reports.community",
        "GET",
        "login 403 403 403 ok 404 ok 404 403",
        "community A",
        place_id="@community_a",
    ),
    row(
        "reports.listing",
        "GET",
        "login 403 403 403 404 404 ok 404 403",
        "street A's hours",
        kind="street",
        place_id="@street_a",
        what="hours",
    ),
    row(
        "reports.listing",
        "GET",
        "login 403 403 403 ok 404 ok 404 403",
        "community A's volunteers",
        kind="community",
        place_id="@community_a",
        what="volunteers",
    ),
    row("exports.index", "GET", REVIEWERS),
    row(
        "exports.download",
        "GET",
        REVIEWER_A,
        "?street= street A: its volunteers",
        kind="volunteers",
        fmt="csv",
        street="@street_a",
    ),
    # Imports -------------------------------------------------------------------------
    *both("imports.upload", REPORTERS),
    row("imports.template", "GET", REPORTERS, fmt="csv"),
    row(
        "imports.preview",
        "GET",
        "login 403 403 403 ok 404 404 404 403",
        "a file social worker A uploaded",
        upload_id="@import_a",
    ),
    row(
        "imports.confirm",
        "POST",
        "login 403 403 403 ok 404 404 404 403",
        "a file social worker A uploaded",
        upload_id="@import_a",
    ),
    row(
        "imports.discard",
        "POST",
        "login 403 403 403 ok 404 404 404 403",
        "a file social worker A uploaded",
        upload_id="@import_a",
    ),
    # Audit log -----------------------------------------------------------------------
    row("audit.street_log", "GET", REVIEWERS),
    row("audit.accounts_log", "GET", ADMIN),
    # Open data -----------------------------------------------------------------------
    row("opendata.index", "GET", ALL),
    row("opendata.projects_csv", "GET", ALL),
    row("opendata.release_package", "GET", ALL),
    row("opendata.release_package_all", "GET", ALL),
    # Administration ------------------------------------------------------------------
    *both("admin.places", ADMIN),
    *both("admin.street", ADMIN, "street A", street_id="@street_a"),
    *both("admin.community", ADMIN, "community A", community_id="@community_a"),
    *both("admin.rename_place", ADMIN, "street A", kind="street", place_id="@street_a"),
    *both("admin.users", ADMIN),
    *both("admin.user", ADMIN, "the volunteer", user_id="@volunteer"),
    row("admin.revoke", "POST", ADMIN, "manager of org A", grant_id="@manager_grant_a"),
    row("admin.set_active", "POST", ADMIN, "the volunteer", user_id="@volunteer"),
]
