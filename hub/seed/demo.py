"""The demo `make run` loads on first start: the article's six streets, and a story.

The story is told through the services, so every rule holds as it would for people
using the site: organizations at each filing stage, a purchase need carried from
tender to evaluation, projects recruiting, shifts that already happened with their
attendance and confirmed hours, residents' needs in every state, an open evaluation
and a certificate. Where a service takes a ``now`` it is given the story's moment
(the past); everything is placed relative to today, in Asia/Shanghai, and nothing is
random, so two seeds on two empty databases tell the same story.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hub.admin import services as admin
from hub.auth import services as accounts
from hub.extensions import db
from hub.localtime import local_date, zone
from hub.models import Community, Organization, Project, Street, Tender, User
from hub.models.base import utcnow
from hub.models.organizations import Stage
from hub.organizations import services
from hub.permissions import Qualification, Role
from hub.seed import demo_work
from hub.tenders import services as tenders

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
#: The street the story happens in (the others have their places only).
STORY_STREET = "SJC"


@dataclass(frozen=True)
class DemoAccount:
    """One demo person; ``label`` set: printed as a login by ``make run``."""

    name: str
    mobile: str
    role: Role
    label: str | None = None
    street: str | None = None
    community: str | None = None
    qualification: Qualification | None = None


DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount("王建国", "13800000001", Role.ADMIN, "admin"),
    DemoAccount(
        "李秀英",
        "13800000002",
        Role.STREET_REVIEWER,
        "street reviewer (锁金村街道)",
        street="SJC",
    ),
    DemoAccount(
        "张伟",
        "13800000003",
        Role.SOCIAL_WORKER,
        "social worker (锁三社区)",
        community="锁三社区",
        qualification=Qualification.ASSISTANT,
    ),
    DemoAccount("陈静", "13800000004", Role.ORG_OWNER, "organization owner (邻里互助)"),
    DemoAccount("刘阿姨", "13800000005", Role.VOLUNTEER, "volunteer"),
    DemoAccount("孙丽", "13800000006", Role.ORG_OWNER, "organization owner (绿邻环保)"),
    DemoAccount("周桂兰", "13800000007", Role.VOLUNTEER, "resident (锁三社区)"),
    DemoAccount(
        "吴敏",
        "13800000008",
        Role.SOCIAL_WORKER,
        "social worker (锁一社区)",
        community="锁一社区",
        qualification=Qualification.GRADUATE,
    ),
    # Neighbours who volunteer: they fill the shifts (same password, not listed).
    DemoAccount("王芳", "13800000009", Role.VOLUNTEER),
    DemoAccount("李强", "13800000010", Role.VOLUNTEER),
    DemoAccount("陈红", "13800000011", Role.VOLUNTEER),
    DemoAccount("杨帆", "13800000012", Role.VOLUNTEER),
    DemoAccount("黄磊", "13800000013", Role.VOLUNTEER),
    DemoAccount("马丽", "13800000014", Role.VOLUNTEER),
]


def demo_logins() -> list[DemoAccount]:
    """The accounts `make run` lists, one per role and story part."""
    return [a for a in DEMO_ACCOUNTS if a.label]


@dataclass(frozen=True)
class Clock:
    """Today in Asia/Shanghai, and moments relative to it."""

    now: datetime

    @property
    def today(self) -> date:
        return local_date(self.now)

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def at(self, offset: int, hour: int, minute: int = 0) -> datetime:
        """``offset`` days from today at hour:minute, Shanghai time, as UTC."""
        local = datetime.combine(self.day(offset), time(hour, minute), zone())
        return local.astimezone(UTC)


@dataclass
class Demo:
    """What the story has made so far, by name."""

    clock: Clock
    streets: dict[str, Street] = field(default_factory=dict)
    communities: dict[str, Community] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)
    orgs: dict[str, Organization] = field(default_factory=dict)
    tenders: dict[str, Tender] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)

    def person(self, number: int) -> User:
        """A demo person by the last digits of their number (5: 13800000005)."""
        return self.people[f"138{number:08d}"]

    @property
    def street(self) -> Street:
        return self.streets[STORY_STREET]


def seed_demo(now: datetime | None = None) -> list[DemoAccount]:
    """Load the demo places, people and story; returns the logins to print."""
    demo = Demo(Clock(now or utcnow()))
    _places(demo)
    _people(demo)
    _organizations(demo)
    _tenders(demo)
    demo_work.tell_story(demo)
    db.session.flush()
    return demo_logins()


def _places(demo: Demo) -> None:
    for code, name, communities in DEMO_PLACES:
        street = admin.save_street(None, name=name, code=code)
        demo.streets[code] = street
        for community_name in communities:
            community = admin.save_community(None, street=street, name=community_name)
            if code == STORY_STREET:
                demo.communities[community_name] = community
            for grid_name in DEMO_GRIDS:
                admin.save_grid(None, community=community, name=grid_name)


def _people(demo: Demo) -> None:
    admin_user = None
    for spec in DEMO_ACCOUNTS:
        user = accounts.register_user(
            name=spec.name,
            mobile=spec.mobile,
            password=DEMO_PASSWORD,
            consent_version=accounts.current_consent_version(),
            # Demo numbers are not real phones; they count as proved.
            verified_at=demo.clock.now,
        )
        demo.people[spec.mobile] = user
        # Volunteers have their role from registering; owners from their filings.
        if spec.role in (Role.VOLUNTEER, Role.ORG_OWNER):
            continue
        kwargs: dict[str, Any] = {}
        if spec.street:
            kwargs["street"] = demo.streets[spec.street]
        if spec.community:
            kwargs["community"] = demo.communities[spec.community]
            kwargs["qualification"] = spec.qualification
        admin.grant_role(user, spec.role, by=admin_user, **kwargs)
        if spec.role is Role.ADMIN:
            admin_user = user


#: (key, owner's number, name, type, categories, members, description, outcome)
ORGANIZATIONS = [
    (
        "neighbours",
        4,
        "锁金村邻里互助服务中心",
        "community_service",
        ["elderly", "mediation"],
        25,
        "邻里互助、独居老人探访、楼道议事。",
        "incubating",
    ),
    (
        "silver",
        4,
        "锁三社区银龄志愿服务队",
        "volunteer_team",
        ["elderly", "health"],
        18,
        "低龄老人帮扶高龄老人，每周上门探访。",
        "waiting",
    ),
    (
        "green",
        6,
        "锁金村绿邻环保社",
        "community_service",
        ["environment", "governance"],
        32,
        "垃圾分类宣传、旧衣回收、楼道微更新。",
        "graduated",
    ),
    (
        "books",
        6,
        "锁金村书香读书会",
        "culture_sports",
        ["culture", "children", "education"],
        21,
        "亲子共读、老人读报、社区图书角。",
        "incubating",
    ),
    (
        "youth",
        6,
        "锁一社区青少年成长驿站",
        "youth",
        ["children", "education"],
        12,
        "放学后的作业辅导和兴趣小组。",
        "changes",
    ),
]
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _organizations(demo: Demo) -> None:
    """Filings at every stage: incubating, graduated (出壳), waiting, to change."""
    reviewer = demo.person(2)
    street = demo.street
    for (
        key,
        owner_no,
        name,
        org_type,
        categories,
        members,
        text,
        outcome,
    ) in ORGANIZATIONS:
        owner = demo.person(owner_no)
        org = services.start_application(
            user=owner, name=name, street=street, org_type=org_type
        )
        services.update_application(
            org,
            by=owner,
            fields={
                "service_categories": categories,
                "lead_person": owner.name,
                "contact_phone": owner.mobile,
                "address": "南京市玄武区锁金村街道",
                "member_count": members,
                "description": text,
            },
            community_ids=[c.id for c in street.communities],
        )
        for kind in ("charter", "lead_id"):
            services.add_document(
                org,
                by=owner,
                kind=kind,
                stream=io.BytesIO(DEMO_PDF),
                filename=f"{kind}.pdf",
            )
        services.submit_application(org, by=owner)
        if outcome in ("incubating", "graduated"):
            services.approve_application(org, by=reviewer)
        if outcome == "graduated":
            services.change_stage(org, Stage.GRADUATED, by=reviewer, reason=None)
        if outcome == "changes":
            services.request_changes(
                org,
                by=reviewer,
                comment="请补充活动场地的使用协议，并写明每周固定的活动时间。",
            )
        demo.orgs[key] = org


def _tenders(demo: Demo) -> None:
    """One purchase need taking proposals, one waiting for the award (the awarded
    one, from tender to evaluation, is told with its project in demo_work)."""
    clock, street = demo.clock, demo.street
    reviewer = demo.person(2)
    visits = tenders.publish_tender(
        by=reviewer,
        street=street,
        community=demo.communities["锁三社区"],
        title="锁三社区独居老人上门探访",
        category="elderly",
        budget_fen=80_000_00,
        period_start=clock.day(30),
        period_end=clock.day(395),
        deadline=clock.at(14, 17),
        description=(
            "每周上门探访辖区 60 位独居老人，建立健康档案，遇紧急情况及时转介。"
        ),
    )
    tenders.submit_proposal(
        visits,
        demo.orgs["green"],
        by=demo.person(6),
        plan="组织 12 名低龄老人志愿者结对探访，每月一次健康讲座。",
        price_fen=76_000_00,
        team="负责人 1 名，社工 1 名，志愿者 12 名。",
    )
    demo.tenders["visits"] = visits

    published = clock.at(-25, 9)
    after_school = tenders.publish_tender(
        by=reviewer,
        street=street,
        community=demo.communities["锁一社区"],
        title="锁一社区儿童课后托管",
        category="children",
        budget_fen=60_000_00,
        period_start=clock.day(10),
        period_end=clock.day(190),
        deadline=clock.at(-3, 17),
        description="工作日放学后为双职工家庭的小学生提供作业辅导和看护。",
        now=published,
    )
    demo_work.published_at(after_school, published)
    for key, owner_no, price, plan in [
        ("books", 6, 55_000_00, "读书会志愿者每天陪伴写作业，周五亲子共读。"),
        ("neighbours", 4, 58_000_00, "社工带领大学生志愿者开展课后辅导。"),
    ]:
        tenders.submit_proposal(
            after_school,
            demo.orgs[key],
            by=demo.person(owner_no),
            plan=plan,
            price_fen=price,
            team="社工 1 名，志愿者 6 名。",
            now=clock.at(-20, 10),
        )
    demo.tenders["after_school"] = after_school
