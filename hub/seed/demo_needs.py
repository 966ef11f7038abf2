"""The demo's people as volunteers and residents: profiles, needs, a certificate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hub.evaluations.residents import confirm_residence
from hub.hours import certificates
from hub.models import Community, Grid
from hub.models.profiles import PARTS
from hub.needs import services as needs_services
from hub.profiles import services as profiles_services

if TYPE_CHECKING:
    from hub.seed.demo import Demo

MORNING, AFTERNOON, EVENING = range(PARTS)
WEEKDAYS, WEEKEND = range(5), (5, 6)

#: person -> (home community, skills, interests, days, parts of the day)
PROFILES = {
    5: (
        "锁三社区",
        ["elderly_care", "cooking"],
        ["elderly", "health", "environment"],
        range(7),
        (MORNING, AFTERNOON),
    ),
    7: ("锁三社区", ["recreation"], ["elderly", "culture"], WEEKDAYS, (MORNING,)),
    9: ("锁三社区", ["cooking", "driving"], ["elderly"], range(7), (MORNING,)),
    10: ("锁三社区", ["repair"], ["elderly", "environment"], WEEKEND, (MORNING,)),
    11: ("锁一社区", ["tutoring"], ["children", "environment"], range(7), (MORNING,)),
    12: ("锁一社区", ["photography"], ["environment"], range(7), (MORNING, AFTERNOON)),
    13: ("锁三社区", ["nursing"], ["health", "elderly"], range(7), (MORNING,)),
    14: ("锁一社区", ["counselling"], ["environment"], range(7), (MORNING,)),
}


def _grid(community: Community, name: str = "第一网格") -> Grid:
    return next(g for g in community.grids if g.name == name)


def profiles(demo: Demo) -> None:
    """Onboarded volunteers: skills, interests, free times, home grid (the demo
    volunteer's and the resident's homes confirmed by their social worker)."""
    for n, (home, skills, interests, days, parts) in PROFILES.items():
        community = demo.communities[home]
        profile = profiles_services.save_profile(
            demo.person(n),
            profiles_services.ProfileInput(
                skills=skills,
                interests=interests,
                availability=profiles_services.availability_mask(
                    day * PARTS + part for day in days for part in parts
                ),
                home_community=community,
                home_grid=_grid(community),
                monthly_hour_limit=20,
            ),
            now=demo.clock.at(-180, 20),
        )
        if n in (5, 7):
            confirm_residence(profile, by=demo.person(3))


#: (resident, community, grid, category, what they wrote, what became of it)
NEEDS = [
    (
        7,
        "锁三社区",
        "第一网格",
        "governance",
        "3 号楼楼道灯坏了快一个月，晚上上下楼看不清，老人容易摔倒。",
        "open",
    ),
    (
        14,
        "锁三社区",
        "第二网格",
        "elderly",
        "想找人每周陪我父亲说说话，他腿脚不便，一个人在家很闷。",
        "open",
    ),
    (
        7,
        "锁三社区",
        "第一网格",
        "health",
        "小区里几位独居老人想每周量一次血压，有没有人能上门？",
        "triaged",
    ),
    (
        9,
        "锁三社区",
        "第三网格",
        "mediation",
        "楼上卫生间漏水到我家，沟通几次没结果，希望社区帮忙调解。",
        "in_progress",
    ),
    (
        7,
        "锁三社区",
        "第一网格",
        "elderly",
        "助餐点的饭菜有点咸，老人血压高，希望少放盐。",
        "resolved",
    ),
    (
        13,
        "锁三社区",
        "第二网格",
        "elderly",
        "希望社区出钱给我家换一台新空调。",
        "declined",
    ),
    (
        5,
        "锁三社区",
        "第一网格",
        "culture",
        "想报名老年大学的书法班，不知道去哪里报。",
        "withdrawn",
    ),
    (
        12,
        "锁一社区",
        "第二网格",
        "environment",
        "小区东门的旧衣回收箱满了很久，没人来收。",
        "open",
    ),
]


def needs(demo: Demo) -> None:
    """Residents' needs, one or more in each state, through the social workers."""
    worker, staff = demo.person(3), demo.person(4)
    helpers = demo.orgs["neighbours"]
    for n, community, grid, category, text, outcome in NEEDS:
        need = needs_services.post_need(
            demo.person(n),
            grid=_grid(demo.communities[community], grid),
            category=category,
            description=text,
        )
        if outcome in ("triaged", "in_progress", "resolved"):
            needs_services.assign_need(
                need, by=worker, organization=helpers, note="请安排志愿者联系居民。"
            )
        if outcome == "in_progress":
            needs_services.start_need(need, by=staff)
        if outcome == "resolved":
            needs_services.resolve_need(
                need,
                by=staff,
                note="已和厨房沟通，每周一、三、五供应少盐餐，欢迎老人试吃。",
            )
        if outcome == "declined":
            needs_services.decline_need(
                need,
                by=worker,
                reason="个人家电购置不在社区服务范围内；已告诉您可以申请的困难补助。",
            )
        if outcome == "withdrawn":
            needs_services.withdraw_need(need, by=demo.person(n))


def certificate(demo: Demo) -> None:
    """The demo volunteer's certificate of the last half year, to verify by code."""
    certificates.issue_certificate(
        demo.person(5), start=demo.clock.day(-180), end=demo.clock.today
    )
