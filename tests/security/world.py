"""The world the access matrix is walked in: two streets, each with everything.

Side A and side B are built alike: a street with a community and a grid, an
approved organization serving the community, a social worker coordinating its
projects, a reviewer of the street, and a volunteer who signed up, served, holds a
certificate, raised needs and rated a project. The nine principals of the matrix
are side A's volunteer, both organizations' owners, both social workers, both
reviewers and an administrator; side B's volunteer owns the B objects used to show
that one person's things are not another's.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app

from hub.evaluations import residents
from hub.evaluations import services as evaluations
from hub.extensions import db
from hub.hours import certificates, records, tokens
from hub.imports import storage
from hub.imports.services import UNUSABLE_PASSWORD
from hub.imports.tokens import activation_token
from hub.matching import services as matching
from hub.models import User
from hub.models.base import utcnow
from hub.models.shifts import SignupState
from hub.needs import services as needs
from hub.notifications import services as notifications
from hub.organizations import services as organizations
from hub.organizations import staff
from hub.permissions import Role
from hub.projects import services as projects
from hub.shifts import ics
from hub.shifts import services as shifts
from tests import factories
from tests.tender_factories import open_tender, propose

IMPORT_CSV = "姓名,手机号,社区,网格,技能\n王芳,13812345678,,,\n".encode("utf-8-sig")


class World(dict):
    """Named objects' ids (``world["project_a"]``) and the principals' numbers.

    A value may be a callable: it is called for every request (a fresh check-in
    code, a new pending import), inside that request's rolled-back savepoint.
    Only ids are kept, so nothing here touches the database after the build.
    """

    #: The mobile number each principal logs in with (None: anonymous).
    principals: dict[str, str | None]

    def value(self, name: str) -> Any:
        """The object's id, or the string itself for tokens and codes."""
        found = self[name]
        return found() if callable(found) else found


def _recruiting(org, community, worker, reviewer, owner, **kwargs):  # noqa: ANN001, ANN003, ANN202
    """A project of ``org`` coordinated by ``worker``, approved: it recruits."""
    p = factories.project(org, community, **kwargs)
    projects.request_linkage(p, worker, by=owner)
    projects.answer_linkage(p, user=worker, accept=True, note=None)
    projects.submit_project(p, by=owner)
    projects.approve_project(p, by=reviewer)
    return p


def build_side(world: World, x: str, volunteer: User) -> None:
    """Everything of one side, its names ending in ``_a`` or ``_b``."""
    street = factories.StreetFactory(name=f"{x}街道")
    community = factories.CommunityFactory(street=street, name=f"{x}社区")
    grid = factories.GridFactory(community=community, name=f"{x}1网格")
    reviewer = factories.reviewer(street=street, name=f"审核员{x}")
    worker = factories.social_worker(community=community, name=f"社工{x}")
    owner = factories.volunteer(name=f"负责人{x}")

    org = factories.application(owner=owner, street=street, name=f"{x}服务中心")
    factories.complete_application(org, community)
    organizations.submit_application(org, by=owner)
    organizations.approve_application(org, by=reviewer)
    manager = factories.org_staff(org, role=Role.ORG_MANAGER, name=f"经理{x}")
    # Two more filings by the same owner: one still being written (documents can
    # change), one waiting for the street's review.
    draft_filing = factories.complete_application(
        factories.application(owner=owner, street=street, name=f"{x}新服务社"),
        community,
    )
    submitted_filing = factories.complete_application(
        factories.application(owner=owner, street=street, name=f"{x}待审服务社"),
        community,
    )
    organizations.submit_application(submitted_filing, by=owner)
    invitation = staff.invite_staff(
        org, mobile=volunteer.mobile, role=Role.ORG_MANAGER, by=owner
    )

    # The volunteer lives in the community (confirmed) and has a calendar link.
    profile = factories.volunteer_profile(volunteer, grid=grid)
    residents.confirm_residence(profile, by=worker)
    calendar_token = ics.issue_calendar_token(volunteer)

    project = _recruiting(org, community, worker, reviewer, owner)
    draft_project = factories.project(org, community, title=f"{x}筹备中的项目")
    shift = factories.shift(project, grid=grid, hours_from_now=48)
    signup = shifts.sign_up(shift, user=volunteer)
    other = factories.shift(project, grid=grid, hours_from_now=96)
    shift_invitation = matching.invite_to_shift(other, user=volunteer, by=owner)

    record, _shift, _person, _org = factories.confirmed_hours(
        volunteer, project=project, hours_from_now=-72
    )
    dispute = records.open_dispute(record, user=volunteer, reason="少记了半小时")
    backfill = records.add_backfill(
        project,
        by=owner,
        volunteer=volunteer,
        served_on=record.served_on,
        minutes=60,
        reason="当天忘记签到",
    )
    certificate = certificates.issue_certificate(
        volunteer, start=record.served_on, end=record.served_on
    )

    # A finished project the volunteer served on, its evaluation open and rated.
    evaluated = _recruiting(
        org, community, worker, reviewer, owner, title=f"{x}已完成的项目"
    )
    served = factories.shift(evaluated, hours_from_now=150)
    shifts.sign_up(served, user=volunteer).state = SignupState.ATTENDED
    projects.start_project(evaluated, by=owner)
    projects.complete_project(evaluated, by=owner)
    evaluations.open_window(
        evaluated,
        by=reviewer,
        opens_at=utcnow() - timedelta(minutes=1),
        closes_at=utcnow() + timedelta(days=14),
    )
    rating = evaluations.rate_project(
        evaluated,
        user=volunteer,
        satisfaction=5,
        quality=4,
        responsiveness=5,
        comment="服务很周到",
    )

    need_open = needs.post_need(
        volunteer,
        grid=grid,
        category="elderly",
        description="楼下独居老人需要每周有人探访。",
        photo=io.BytesIO(factories.PNG_BYTES),
    )
    need_assigned = needs.post_need(
        volunteer, grid=grid, category="elderly", description="帮忙买菜。"
    )
    needs.assign_need(need_assigned, by=worker, organization=org)

    notification = notifications.notify(
        volunteer, "staff_removed", params={"organization": org.name}
    )
    tender = open_tender(community=community, by=reviewer)
    proposal = propose(tender, org, 50_000_00, by=owner)

    upload_dir, worker_id, shift_id = (
        current_app.config["UPLOAD_DIR"],
        worker.id,
        shift.id,
    )

    def pending_import() -> str:
        """A fresh upload by the social worker (confirm and discard consume it)."""
        return storage.keep_upload(
            upload_dir, user_id=worker_id, filename="名单.csv", data=IMPORT_CSV
        )

    def checkin_code(mode: str) -> Callable[[], str]:
        return lambda: tokens.make_link_token(shift_id, mode, utcnow())

    objects = {
        f"street_{x.lower()}": street,
        f"community_{x.lower()}": community,
        f"grid_{x.lower()}": grid,
        f"org_{x.lower()}": org,
        f"manager_grant_{x.lower()}": next(
            g for g in manager.grants if g.role == Role.ORG_MANAGER
        ),
        f"draft_filing_{x.lower()}": draft_filing,
        f"submitted_filing_{x.lower()}": submitted_filing,
        f"document_{x.lower()}": org.documents[0],
        f"draft_document_{x.lower()}": draft_filing.documents[0],
        f"staff_invitation_{x.lower()}": invitation,
        f"project_{x.lower()}": project,
        f"draft_project_{x.lower()}": draft_project,
        f"evaluated_{x.lower()}": evaluated,
        f"rating_{x.lower()}": rating,
        f"shift_{x.lower()}": shift,
        f"signup_{x.lower()}": signup,
        f"shift_invitation_{x.lower()}": shift_invitation,
        f"record_{x.lower()}": record,
        f"dispute_{x.lower()}": dispute,
        f"backfill_{x.lower()}": backfill,
        f"certificate_{x.lower()}": certificate,
        f"certificate_code_{x.lower()}": certificate.code,
        f"need_open_{x.lower()}": need_open,
        f"need_assigned_{x.lower()}": need_assigned,
        f"notification_{x.lower()}": notification,
        f"tender_{x.lower()}": tender,
        f"proposal_{x.lower()}": proposal,
        f"resident_{x.lower()}": volunteer,
        f"calendar_token_{x.lower()}": calendar_token,
        f"import_{x.lower()}": pending_import,
        f"checkin_in_{x.lower()}": checkin_code("in"),
    }
    world.update({name: getattr(v, "id", v) for name, v in objects.items()})
    world.principals[f"staff_{x.lower()}"] = owner.mobile
    world.principals[f"sw_{x.lower()}"] = worker.mobile
    world.principals[f"reviewer_{x.lower()}"] = reviewer.mobile


def build_world() -> World:
    """Both sides, an administrator, and an imported account to activate."""
    world = World()
    volunteer = factories.volunteer(name="志愿者甲")
    world.principals = {"anon": None, "volunteer": volunteer.mobile}
    build_side(world, "A", volunteer)
    build_side(world, "B", factories.volunteer(name="志愿者乙"))
    world.principals["admin"] = factories.admin(name="管理员").mobile
    imported = factories.volunteer(name="待激活", password_hash=UNUSABLE_PASSWORD)
    world["activation_token"] = activation_token(imported)
    world["volunteer"] = volunteer.id
    db.session.flush()
    return world
