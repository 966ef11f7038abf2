"""Command-line tasks: ``flask --app hub seed demo``."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import func, select

from hub.extensions import db

#: The article's streets (code, name) and some of their communities.
DEMO_PLACES: list[tuple[str, str, list[str]]] = [
    ("FH", "凤凰街道", ["东井亭社区", "凤凰西街社区"]),
    ("SJC", "锁金村街道", ["锁三社区", "锁一社区"]),
    ("XL", "仙林街道", ["外港社区", "仙鹤门社区"]),
    ("MY", "梅园街道", ["瑞金新村社区", "梅园新村社区"]),
    ("YJL", "阅江楼街道", ["道西街社区", "阅江楼社区"]),
    ("XWM", "玄武门街道", ["玄武门社区", "湖南路社区"]),
]
DEMO_GRIDS = ["第一网格", "第二网格", "第三网格"]
DEMO_PASSWORD = "shanzhi-demo-2026"  # noqa: S105 - published demo login, never production


def _demo_accounts() -> list[dict]:
    return [
        {"name": "王建国", "mobile": "13800000001", "role": "admin", "label": "admin"},
        {
            "name": "李秀英",
            "mobile": "13800000002",
            "role": "street_reviewer",
            "street": "SJC",
            "label": "street reviewer (锁金村街道)",
        },
        {
            "name": "张伟",
            "mobile": "13800000003",
            "role": "social_worker",
            "community": ("SJC", "锁三社区"),
            "qualification": "assistant_social_worker",
            "label": "social worker (锁三社区)",
        },
        {
            "name": "陈静",
            "mobile": "13800000004",
            "role": "org_owner",
            "organization": "锁金村邻里互助服务中心",
            "label": "organization owner",
        },
        {
            "name": "刘阿姨",
            "mobile": "13800000005",
            "role": "volunteer",
            "label": "volunteer",
        },
    ]


def seed_demo() -> list[dict]:
    """Load the demo places and one account per role; returns the logins."""
    from hub.admin import services as admin
    from hub.auth import services as accounts
    from hub.models import Community, Street
    from hub.models.base import utcnow
    from hub.permissions import Qualification, Role

    streets: dict[str, Street] = {}
    for code, name, communities in DEMO_PLACES:
        street = admin.save_street(None, name=name, code=code)
        streets[code] = street
        for community_name in communities:
            community = admin.save_community(None, street=street, name=community_name)
            for grid_name in DEMO_GRIDS:
                admin.save_grid(None, community=community, name=grid_name)
    logins = _demo_accounts()
    admin_user = None
    demo_orgs: list = []
    for spec in logins:
        user = accounts.register_user(
            name=spec["name"],
            mobile=spec["mobile"],
            password=DEMO_PASSWORD,
            consent_version=accounts.current_consent_version(),
            # Demo numbers are not real phones; they count as proved.
            verified_at=utcnow(),
        )
        role = Role(spec["role"])
        if role is Role.VOLUNTEER:
            continue
        kwargs: dict = {}
        if "street" in spec:
            kwargs["street"] = streets[spec["street"]]
        if "community" in spec:
            code, community_name = spec["community"]
            kwargs["community"] = db.session.scalar(
                select(Community).where(
                    Community.street_id == streets[code].id,
                    Community.name == community_name,
                )
            )
            kwargs["qualification"] = Qualification(spec["qualification"])
        if "organization" in spec:
            demo_orgs.append((user, spec["organization"]))
            continue
        admin.grant_role(user, role, by=admin_user, **kwargs)
        if role is Role.ADMIN:
            admin_user = user
    reviewer = accounts.find_user_by_mobile("13800000002")
    for owner, org_name in demo_orgs:
        _seed_organizations(owner, org_name, streets["SJC"], reviewer)
        _seed_projects(owner, streets["SJC"], reviewer)
    return logins


def _seed_projects(owner, street, reviewer) -> None:  # noqa: ANN001
    """An open purchase need and a linked project that is recruiting volunteers."""
    from datetime import timedelta

    from hub.auth.services import find_user_by_mobile
    from hub.models import Community, Organization
    from hub.models.base import utcnow
    from hub.models.projects import Funding
    from hub.projects import services as projects
    from hub.tenders import services as tenders

    today = utcnow().date()
    community = db.session.scalar(
        select(Community).where(
            Community.street_id == street.id, Community.name == "锁三社区"
        )
    )
    tenders.publish_tender(
        by=reviewer,
        street=street,
        community=community,
        title="锁三社区独居老人上门探访",
        category="elderly",
        budget_fen=80_000_00,
        period_start=today + timedelta(days=30),
        period_end=today + timedelta(days=395),
        deadline=utcnow() + timedelta(days=14),
        description=(
            "每周上门探访辖区 60 位独居老人，建立健康档案，遇紧急情况及时转介。"
        ),
    )
    org = db.session.scalar(
        select(Organization).where(Organization.filing_number.is_not(None))
    )
    project = projects.create_project(
        org,
        by=owner,
        title="锁三社区助餐送餐",
        category="elderly",
        community=community,
        funding=Funding.CHARITY,
        period_start=today + timedelta(days=7),
        period_end=today + timedelta(days=180),
        place="锁三社区老年活动中心",
        description="为行动不便的老人每天送午餐；志愿者负责分装和配送。",
        amount_fen=36_000_00,
    )
    worker = find_user_by_mobile("13800000003")
    projects.request_linkage(project, worker, by=owner)
    projects.answer_linkage(project, user=worker, accept=True, note=None)
    projects.submit_project(project, by=owner)
    projects.approve_project(project, by=reviewer)


def _seed_organizations(owner, name: str, street, reviewer) -> None:  # noqa: ANN001
    """One approved, incubating organization and one filing waiting for review."""
    import io

    from hub.organizations import services

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    details = [
        (
            name,
            "community_service",
            ["elderly", "mediation"],
            "邻里互助、独居老人探访、楼道议事。",
        ),
        (
            "锁三社区银龄志愿服务队",
            "volunteer_team",
            ["elderly", "health"],
            "低龄老人帮扶高龄老人，每周上门探访。",
        ),
    ]
    for index, (org_name, org_type, categories, description) in enumerate(details):
        org = services.start_application(
            user=owner, name=org_name, street=street, org_type=org_type
        )
        services.update_application(
            org,
            by=owner,
            fields={
                "service_categories": categories,
                "lead_person": owner.name,
                "contact_phone": owner.mobile,
                "address": "南京市玄武区锁金村街道",
                "member_count": 18 + index * 7,
                "description": description,
            },
            community_ids=[c.id for c in street.communities],
        )
        for kind in ("charter", "lead_id"):
            services.add_document(
                org, by=owner, kind=kind, stream=io.BytesIO(pdf), filename=f"{kind}.pdf"
            )
        services.submit_application(org, by=owner)
        if index == 0:
            services.approve_application(org, by=reviewer)


def print_logins(logins: list[dict]) -> None:
    click.echo("")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD})")
    for spec in logins:
        click.echo(f"  {spec['mobile']}  {spec['name']:<4}  {spec['label']}")
    click.echo("")


def register_cli(app: Flask) -> None:
    """Add the hub's commands to ``flask``."""
    from hub.notifications.cli import register_outbox_cli
    from hub.ops.cli import register_ops_cli

    register_outbox_cli(app)
    register_ops_cli(app)

    @app.cli.group()
    def seed() -> None:
        """Load data."""

    @seed.command("demo")
    @click.option(
        "--if-empty",
        is_flag=True,
        help="Do nothing if the database already has places.",
    )
    def seed_demo_command(if_empty: bool) -> None:
        """The article's streets, communities and grids, and one account per role."""
        from hub.models import Street

        if db.session.scalar(select(func.count()).select_from(Street)):
            if if_empty:
                click.echo("Demo data already loaded; keeping it.")
                print_logins(_demo_accounts())
                return
            raise click.ClickException("the database already has places; not seeding")
        from flask import current_app

        with current_app.test_request_context():
            logins = seed_demo()
        db.session.commit()
        click.echo("Demo data loaded.")
        print_logins(logins)

    @seed.command("city")
    @click.option("--seed", "seed_value", default=1, show_default=True, type=int)
    @click.option("--scale", default=1.0, show_default=True, type=float)
    @click.option("--database-url", help="Seed this database instead of the app's.")
    def seed_city_command(
        seed_value: int, scale: float, database_url: str | None
    ) -> None:
        """A city-scale data set (DESIGN §5) into an empty database; see hub.seed."""
        from hub.seed.cli import run_seed_city

        run_seed_city(seed_value, scale, database_url)
