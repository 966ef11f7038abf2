"""The demo's work: projects, shifts past and upcoming, hours, evaluations, needs.

Every step goes through the services. Shifts that already happened are made the way
they happen: while the project recruits, each volunteer signs up two days before
(``sign_up(now=…)``), the organizer marks who came after the end (``now=…``) and
confirms the hours two hours later (``confirm_hours(now=…)``); so capacity,
sign-up states, the hour records and the audit trail are what the site would hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from hub.evaluations import services as evaluations
from hub.extensions import db
from hub.hours import attendance, marking, records
from hub.matching import services as matching
from hub.models import Grid, Project, Shift, Tender, User
from hub.models.evaluations import Conclusion
from hub.models.hours import Method
from hub.models.projects import Funding
from hub.projects import services as projects
from hub.seed import demo_needs
from hub.shifts import services as shifts
from hub.tenders import services as tenders

if TYPE_CHECKING:
    from hub.seed.demo import Demo

#: People by the last digits of their demo number (see hub.seed.demo.DEMO_ACCOUNTS).
VOLUNTEER = 5
NEIGHBOURS = (9, 10, 11, 12, 13, 14)


@dataclass(frozen=True)
class Plan:
    """A project of the story: who runs it, where, who coordinates it."""

    key: str
    org: str
    owner: int
    coordinator: int
    community: str
    title: str
    category: str
    funding: Funding
    start: int
    end: int
    place: str
    description: str
    amount_fen: int | None = None


PLANS = [
    Plan(
        "sorting",
        "green",
        6,
        8,
        "锁一社区",
        "锁一社区垃圾分类宣传",
        "environment",
        Funding.SELF,
        -70,
        -8,
        "锁一社区广场",
        "周末在小区广场教居民垃圾分类，志愿者讲解并发放宣传册。",
        12_000_00,
    ),
    Plan(
        "meals",
        "neighbours",
        4,
        3,
        "锁三社区",
        "锁三社区助餐送餐",
        "elderly",
        Funding.CHARITY,
        -45,
        180,
        "锁三社区老年活动中心",
        "为行动不便的老人每天送午餐；志愿者负责分装和配送。",
        36_000_00,
    ),
    Plan(
        "clothes",
        "green",
        6,
        8,
        "锁一社区",
        "锁一社区旧衣回收日",
        "environment",
        Funding.SELF,
        0,
        120,
        "锁一社区东门",
        "每周收旧衣，分拣后捐给需要的家庭；志愿者负责登记和分拣。",
        8_000_00,
    ),
]

#: Shifts already done: (project, day, start, end, places, people signed up); all
#: came, but for those in LATE (checked in with the code) and NO_SHOWS. The
#: administrator (1) helped once too: his hours are in his messages.
PAST_SHIFTS: list[tuple[str, int, tuple[int, int], tuple[int, int], int, list[int]]] = [
    ("tender", -135, (10, 30), (12, 30), 6, [9, 10, 11]),
    ("tender", -121, (10, 30), (12, 30), 6, [10, 12, 13]),
    ("tender", -107, (10, 30), (12, 30), 6, [9, 11, 14]),
    ("tender", -93, (10, 30), (12, 30), 6, [5, 9, 10]),
    ("tender", -79, (10, 30), (12, 30), 6, [11, 12, 13]),
    ("tender", -65, (10, 30), (12, 30), 6, [1, 9, 10, 14]),
    ("sorting", -60, (9, 0), (11, 30), 8, [11, 12, 13, 14]),
    ("tender", -51, (10, 30), (12, 30), 6, [5, 11, 13]),
    ("sorting", -46, (9, 0), (11, 30), 8, [5, 9, 12, 14]),
    ("meals", -38, (10, 30), (12, 30), 6, [9, 13, 14]),
    ("tender", -37, (10, 30), (12, 30), 6, [9, 12, 14]),
    ("sorting", -32, (9, 0), (11, 30), 8, [11, 13, 14, 10]),
    ("meals", -31, (10, 30), (12, 30), 6, [5, 10, 12]),
    ("meals", -24, (10, 30), (12, 30), 6, [9, 11, 10]),
    ("tender", -23, (10, 30), (12, 30), 6, [10, 11, 13]),
    ("sorting", -18, (9, 0), (11, 30), 8, [9, 12, 13]),
    ("meals", -17, (10, 30), (12, 30), 6, [12, 13, 14]),
    ("meals", -10, (10, 30), (12, 30), 6, [5, 9, 11]),
    ("meals", -4, (10, 30), (12, 30), 6, [5, 12, 13]),
]
#: (project, day) -> {person: minutes late}, checked in with the shift's code.
LATE = {("meals", -24): {10: 20}}
#: (project, day) -> people who signed up and did not come.
NO_SHOWS = {("sorting", -32): [10]}
#: The shift whose hours the organizer has still to confirm.
UNCONFIRMED = ("meals", -4)

#: Shifts to come: (project, day, start, end, places, confirmed, waiting).
UPCOMING_SHIFTS = [
    ("meals", 2, (10, 30), (12, 30), 6, [9, 12], []),
    ("clothes", 3, (9, 0), (11, 0), 3, [9, 10, 14], [11]),
    ("meals", 5, (10, 30), (12, 30), 6, [5, 13], []),
    ("clothes", 6, (14, 0), (16, 0), 8, [12, 13], []),
    ("meals", 9, (10, 30), (12, 30), 6, [], []),
    ("meals", 12, (10, 30), (12, 30), 6, [11], []),
    ("clothes", 13, (9, 0), (11, 0), 8, [], []),
]


def tell_story(demo: Demo) -> None:
    """Profiles, projects, their shifts and hours, evaluations, needs, certificate."""
    demo_needs.profiles(demo)
    _awarded_tender(demo)
    for plan in PLANS:
        demo.projects[plan.key] = _launch(demo, plan)
    _reading_waiting(demo)
    _past_shifts(demo)
    _close_projects(demo)
    _upcoming_shifts(demo)
    demo_needs.needs(demo)
    demo_needs.certificate(demo)


def _link_and_approve(demo: Demo, project: Project, owner: User, worker: User) -> None:
    projects.request_linkage(project, worker, by=owner)
    projects.answer_linkage(project, user=worker, accept=True, note=None)
    projects.submit_project(project, by=owner)
    projects.approve_project(project, by=demo.person(2))


def _awarded_tender(demo: Demo) -> None:
    """A purchase need from tender to evaluation: the open-data process in full."""
    clock = demo.clock
    published = clock.at(-170, 9)
    tender = tenders.publish_tender(
        by=demo.person(2),
        street=demo.street,
        community=demo.communities["锁三社区"],
        title="锁金村街道老年人助餐服务",
        category="elderly",
        budget_fen=150_000_00,
        period_start=clock.day(-140),
        period_end=clock.day(-15),
        deadline=clock.at(-150, 17),
        description="为锁三社区 80 岁以上老人提供午餐，行动不便的送餐上门。",
        now=published,
    )
    published_at(tender, published)
    bids = [
        ("neighbours", 4, 138_000_00, "中心食堂供餐，志愿者分装、送餐上门。"),
        ("green", 6, 145_000_00, "与社区食堂合作，环保餐盒，志愿者配送。"),
    ]
    proposals = [
        tenders.submit_proposal(
            tender,
            demo.orgs[key],
            by=demo.person(owner),
            plan=plan,
            price_fen=price,
            team="负责人 1 名，厨师 2 名，志愿者 10 名。",
            now=clock.at(-160 + i, 10),
        )
        for i, (key, owner, price, plan) in enumerate(bids)
    ]
    project = tenders.award_tender(
        tender,
        proposals[0],
        by=demo.person(2),
        amount_fen=138_000_00,
        period_start=clock.day(-140),
        period_end=clock.day(-15),
        now=clock.at(-148, 10),
    )
    projects.update_project(
        project, by=demo.person(4), fields={"place": "锁三社区老年助餐点"}
    )
    _link_and_approve(demo, project, demo.person(4), demo.person(3))
    demo.tenders["meals"] = tender
    demo.projects["tender"] = project


def _launch(demo: Demo, plan: Plan) -> Project:
    """A project of an organization, linked (三社联动) and approved: recruiting."""
    owner = demo.person(plan.owner)
    project = projects.create_project(
        demo.orgs[plan.org],
        by=owner,
        title=plan.title,
        category=plan.category,
        community=demo.communities[plan.community],
        funding=plan.funding,
        period_start=demo.clock.day(plan.start),
        period_end=demo.clock.day(plan.end),
        place=plan.place,
        description=plan.description,
        amount_fen=plan.amount_fen,
    )
    _link_and_approve(demo, project, owner, demo.person(plan.coordinator))
    return project


def _reading_waiting(demo: Demo) -> None:
    """A project waiting: the social worker is asked to coordinate it, then the
    street approves it (the demo leaves both steps to the people logging in)."""
    owner = demo.person(6)
    project = projects.create_project(
        demo.orgs["books"],
        by=owner,
        title="锁三社区亲子共读",
        category="culture",
        community=demo.communities["锁三社区"],
        funding=Funding.CHARITY,
        period_start=demo.clock.day(14),
        period_end=demo.clock.day(104),
        place="锁三社区图书角",
        description="每周六上午，志愿者带家长和孩子一起读绘本。",
        amount_fen=6_000_00,
    )
    projects.request_linkage(project, demo.person(3), by=owner)
    projects.submit_project(project, by=owner)
    demo.projects["reading"] = project


def _grid(project: Project) -> Grid:
    """Shifts are in the community's first grid (where the demo volunteer lives)."""
    return next(g for g in project.community.grids if g.name == "第一网格")


def _add_shift(
    demo: Demo,
    key: str,
    day: int,
    start: tuple[int, int],
    end: tuple[int, int],
    capacity: int,
) -> Shift:
    project = demo.projects[key]
    (shift,) = shifts.add_shifts(
        project,
        by=_owner_of(demo, project),
        starts_at=demo.clock.at(day, *start),
        ends_at=demo.clock.at(day, *end),
        place=project.place,
        capacity=capacity,
        grid=_grid(project),
    )
    return shift


def _owner_of(demo: Demo, project: Project) -> User:
    """The owner of the project's organization (陈静 or 孙丽)."""
    neighbours = project.organization_id == demo.orgs["neighbours"].id
    return demo.person(4 if neighbours else 6)


def _past_shifts(demo: Demo) -> None:
    """Each shift as it happened: sign-ups, who came (or not), hours confirmed."""
    for key, day, start, end, capacity, people in PAST_SHIFTS:
        shift = _add_shift(demo, key, day, start, end, capacity)
        owner = _owner_of(demo, shift.project)
        signups = {
            n: shifts.sign_up(
                shift,
                user=demo.person(n),
                now=shift.starts_at - timedelta(days=2, minutes=n),
            )
            for n in people
        }
        late = LATE.get((key, day), {})
        absent = NO_SHOWS.get((key, day), [])
        after = shift.ends_at + timedelta(minutes=10)
        for n, signup in signups.items():
            if n in absent:
                marking.mark_no_show(signup, by=owner, now=after)
            elif n in late:
                arrived = shift.starts_at + timedelta(minutes=late[n])
                attendance.check_in(
                    shift,
                    user=demo.person(n),
                    at=arrived,
                    method=Method.CODE,
                    now=arrived,
                )
                attendance.check_out(
                    shift,
                    user=demo.person(n),
                    at=shift.ends_at,
                    method=Method.CODE,
                    now=shift.ends_at,
                )
            else:
                marking.mark_attended(signup, by=owner, now=after)
        if (key, day) != UNCONFIRMED:
            records.confirm_hours(
                shift, by=owner, now=shift.ends_at + timedelta(hours=2)
            )


def _close_projects(demo: Demo) -> None:
    """The awarded project is done and evaluated (成效评议会); the sorting project
    is done and its residents' evaluation is open now."""
    clock, reviewer = demo.clock, demo.person(2)
    tender_project = demo.projects["tender"]
    projects.start_project(tender_project, by=demo.person(4))
    projects.complete_project(tender_project, by=demo.person(4))
    projects.record_meeting(
        tender_project,
        by=reviewer,
        held_on=clock.day(-12),
        attendees="街道、社区代表 4 人，居民代表 8 人，社工 1 人",
        summary="按合同完成 9 次集中供餐和送餐，居民满意；建议增加少盐餐。",
        conclusion=Conclusion.GOOD,
    )
    sorting = demo.projects["sorting"]
    projects.start_project(sorting, by=demo.person(6))
    projects.complete_project(sorting, by=demo.person(6))
    evaluations.open_window(
        sorting, by=reviewer, opens_at=clock.at(-5, 9), closes_at=clock.at(9, 18)
    )
    for i, (n, scores, comment) in enumerate(
        [
            (11, (5, 4, 5), "讲解很耐心，宣传册图文清楚。"),
            (12, (4, 4, 4), "希望以后晚上也办一次，上班族也能来。"),
            (13, (5, 5, 4), ""),
        ]
    ):
        evaluations.rate_project(
            sorting,
            user=demo.person(n),
            satisfaction=scores[0],
            quality=scores[1],
            responsiveness=scores[2],
            comment=comment,
            now=clock.at(-4 + i, 20),
        )


def _upcoming_shifts(demo: Demo) -> None:
    """Shifts to come: some with places, one full with a waitlist, an invitation."""
    for key, day, start, end, capacity, confirmed, waiting in UPCOMING_SHIFTS:
        shift = _add_shift(demo, key, day, start, end, capacity)
        for n in [*confirmed, *waiting]:
            shifts.sign_up(
                shift,
                user=demo.person(n),
                now=demo.clock.now - timedelta(hours=30, minutes=n),
            )
        if (key, day) == ("clothes", 6):
            matching.invite_to_shift(
                shift, user=demo.person(VOLUNTEER), by=_owner_of(demo, shift.project)
            )


def published_at(tender: Tender, moment: datetime) -> None:
    """The tender row's creation time is the story's (publish_tender takes ``now``
    for its checks, but the row's timestamp is the clock's): the open-data release
    dates its tender period from it."""
    tender.created_at = moment
    db.session.flush()
