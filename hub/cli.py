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
    from hub.models import Community, Organization, Street
    from hub.models.organizations import name_key
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
    for spec in logins:
        user = accounts.register_user(
            name=spec["name"],
            mobile=spec["mobile"],
            password=DEMO_PASSWORD,
            consent_version=accounts.current_consent_version(),
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
            org = Organization(
                name=spec["organization"],
                name_key=name_key(spec["organization"]),
                street=streets["SJC"],
            )
            db.session.add(org)
            db.session.flush()
            kwargs["organization"] = org
        admin.grant_role(user, role, by=admin_user, **kwargs)
        if role is Role.ADMIN:
            admin_user = user
    return logins


def print_logins(logins: list[dict]) -> None:
    click.echo("")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD})")
    for spec in logins:
        click.echo(f"  {spec['mobile']}  {spec['name']:<4}  {spec['label']}")
    click.echo("")


def register_cli(app: Flask) -> None:
    """Add the hub's commands to ``flask``."""

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
        logins = seed_demo()
        db.session.commit()
        click.echo("Demo data loaded.")
        print_logins(logins)
