"""Finding work (/find): filters, what is never listed, htmx, paging, query count;
the nav and home links to it; the printable poster and link previews."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import segno
from sqlalchemy import select

from hub.extensions import db
from hub.models import Signup
from hub.permissions import Role
from hub.projects import services as project_services
from hub.shifts import services as shift_services
from hub.shifts.routes import finding
from tests import factories
from tests.conftest import second_device
from tests.factories import SHANGHAI
from tests.querycount import statements

HX = {"HX-Request": "true"}


def _page(client, url: str = "/find", **kwargs) -> str:  # noqa: ANN001
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _shift_at(project, starts_at: datetime, **kwargs):  # noqa: ANN001, ANN003, ANN202
    """A two-hour shift at a given time (factories.shift counts hours from now)."""
    return shift_services.add_shifts(
        project,
        by=factories.owner_of(project.organization),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        place=kwargs.pop("place", "活动室"),
        capacity=kwargs.pop("capacity", 3),
    )[0]


# Filters ----------------------------------------------------------------------


def test_lists_open_shifts_soonest_first_with_what_the_card_needs(client) -> None:
    later = factories.shift(factories.recruiting_project(title="周末环境清洁"))
    sooner = factories.shift(
        factories.recruiting_project(title="助老送餐"), hours_from_now=24
    )
    html = _page(client)
    assert html.index("助老送餐") < html.index("周末环境清洁")
    assert sooner.project.organization.name in html
    assert sooner.project.community.name in html
    assert f'action="/shifts/{later.id}/signup"' not in html  # anonymous: log in
    assert "/login?next=" in html
    assert '<span class="big-number">' in html


def test_street_filter_narrows_the_list(client) -> None:
    here = factories.shift(factories.recruiting_project(title="锁金村探访"))
    factories.shift(factories.recruiting_project(title="仙林植树"))
    html = _page(client, f"/find?street={here.project.street_id}")
    assert "锁金村探访" in html and "仙林植树" not in html


def test_community_filter_narrows_the_list(client) -> None:
    org = factories.approved_organization()
    first = factories.recruiting_project(org=org, title="东井亭读书会")
    other_community = factories.CommunityFactory(street=org.street)
    factories.shift(first)
    factories.shift(
        factories.recruiting_project(
            org=org, community=other_community, title="瑞金新村义诊"
        )
    )
    html = _page(client, f"/find?street={org.street_id}&community={first.community_id}")
    assert "东井亭读书会" in html and "瑞金新村义诊" not in html
    # The street's communities are offered; a community alone implies its street.
    assert other_community.name in html
    html = _page(client, f"/find?community={first.community_id}")
    assert "东井亭读书会" in html and "瑞金新村义诊" not in html


def test_community_of_another_street_is_dropped(client) -> None:
    a = factories.shift(factories.recruiting_project(title="甲街道活动"))
    b = factories.shift(factories.recruiting_project(title="乙街道活动"))
    html = _page(
        client,
        f"/find?street={a.project.street_id}&community={b.project.community_id}",
    )
    assert "甲街道活动" in html and "乙街道活动" not in html


def test_category_filter_narrows_the_list(client) -> None:
    factories.shift(factories.recruiting_project(title="老人助餐", category="elderly"))
    factories.shift(
        factories.recruiting_project(title="四点半课堂", category="children")
    )
    html = _page(client, "/find?category=children")
    assert "四点半课堂" in html and "老人助餐" not in html
    html = _page(client, "/find?category=no-such-thing")
    assert "四点半课堂" in html and "老人助餐" in html


@pytest.fixture
def wednesday_morning(monkeypatch):  # noqa: ANN001, ANN201
    """It is Wednesday 6 March 2030, 08:00 in Shanghai."""
    now = datetime(2030, 3, 6, 8, 0, tzinfo=SHANGHAI)
    assert now.weekday() == 2
    monkeypatch.setattr(finding, "utcnow", lambda: now)
    return now


def test_date_filters_today_this_week_and_a_chosen_date(
    client, wednesday_morning
) -> None:
    project = factories.recruiting_project()
    at = wednesday_morning
    _shift_at(project, at.replace(hour=7), place="已开始的班次")  # earlier today
    _shift_at(project, at.replace(hour=10), place="今天上午")
    _shift_at(project, at.replace(hour=23, minute=30), place="今天深夜")
    _shift_at(project, at + timedelta(days=4), place="本周日")
    _shift_at(project, at + timedelta(days=5), place="下周一")

    def places(query: str) -> set[str]:
        html = _page(client, f"/find?{query}")
        names = ("已开始的班次", "今天上午", "今天深夜", "本周日", "下周一")
        return {p for p in names if p in html}

    assert places("") == {"今天上午", "今天深夜", "本周日", "下周一"}
    assert places("when=today") == {"今天上午", "今天深夜"}
    assert places("when=week") == {"今天上午", "今天深夜", "本周日"}
    assert places("date=2030-03-11") == {"下周一"}
    assert places("when=today&date=2030-03-10") == {"本周日"}  # a date wins
    assert places("date=not-a-date") == places("")


def test_past_cancelled_and_not_recruiting_shifts_are_never_listed(client) -> None:
    project = factories.recruiting_project()
    factories.shift(project, hours_from_now=-3, place="昨天的班次")
    cancelled = factories.shift(project, hours_from_now=30, place="取消的班次")
    shift_services.cancel_shift(
        cancelled, by=factories.owner_of(project.organization), reason="下雨"
    )
    factories.shift(project, hours_from_now=50, place="开放的班次")
    started = factories.recruiting_project()
    factories.shift(started, place="已开工项目的班次")
    project_services.start_project(started, by=factories.owner_of(started.organization))
    html = _page(client)
    assert "开放的班次" in html
    for hidden in ("昨天的班次", "取消的班次", "已开工项目的班次"):
        assert hidden not in html


# One URL, two answers ----------------------------------------------------------


def test_htmx_gets_the_list_fragment_and_plain_gets_the_page(client) -> None:
    shift = factories.shift()
    url = f"/find?street={shift.project.street_id}"
    fragment = _page(client, url, headers=HX)
    assert "<html" not in fragment and "<form" not in fragment.split("<li")[0]
    assert 'id="find-list"' in fragment and f'id="shift-{shift.id}"' in fragment
    # The street's communities come along, swapped out of band into the form.
    assert 'id="community-field" hx-swap-oob="true"' in fragment
    page = _page(client, url)
    assert page.lstrip().startswith("<!doctype html>")
    assert 'hx-get="/find"' in page and 'hx-target="#find-results"' in page
    assert 'hx-push-url="true"' in page and 'method="get" action="/find"' in page
    assert f'<option selected value="{shift.project.street_id}">' in page
    assert "HX-Request" in client.get(url).headers["Vary"]


@pytest.mark.parametrize(
    "query",
    [
        "street=abc&community=%EF%BC%91",
        "community=99999999999999999999",
        "after=99999999999999999999",
        "after=-1&date=2030-13-40&when=yesterday",
    ],
)
def test_odd_query_strings_show_the_list(client, query: str) -> None:
    factories.shift(factories.recruiting_project(title="仍然列出"))
    assert "仍然列出" in _page(client, f"/find?{query}") or "after=" in query


def test_empty_list_says_what_to_try(client) -> None:
    html = _page(client, "/find?category=legal")
    assert 'class="empty"' in html


def test_pages_of_twenty_with_a_more_link(client, monkeypatch) -> None:
    monkeypatch.setattr(finding, "PAGE_SIZE", 2)
    project = factories.recruiting_project()
    shifts = [factories.shift(project, hours_from_now=30 + i) for i in range(3)]
    html = _page(client, f"/find?street={project.street_id}")
    more = re.search(r'<a class="button" href="([^"]+)" hx-get', html)
    assert more and "after=" in more.group(1) and "street=" in more.group(1)
    assert f'id="shift-{shifts[2].id}"' not in html
    url = more.group(1).replace("&amp;", "&")
    rest = _page(client, url, headers=HX)
    assert "<html" not in rest and "<ul" not in rest
    assert rest.lstrip().startswith(f'<li class="card shift" id="shift-{shifts[2].id}"')
    assert "after=" not in rest  # the last page
    plain = _page(client, url)  # without JavaScript: the next page, in full
    assert (
        f'id="shift-{shifts[2].id}"' in plain
        and f'id="shift-{shifts[0].id}"' not in plain
    )


def test_query_count_does_not_grow_with_the_shifts(client, login) -> None:
    me = login(factories.volunteer())

    def add(n: int) -> None:
        for _ in range(n):
            project = factories.recruiting_project()
            shift = factories.shift(project)
            shift.grid = factories.GridFactory(community=project.community)
        db.session.flush()

    add(2)
    mine = factories.shift(factories.recruiting_project())
    shift_services.sign_up(mine, user=me)
    with statements() as three:
        html = _page(client)
    assert html.count('class="card shift"') == 3
    add(17)
    with statements() as twenty:
        html = _page(client)
    assert html.count('class="card shift"') == 20
    assert len(twenty) == len(three), "\n".join(twenty)
    signup_reads = [s for s in twenty if "FROM signups" in s]
    assert len(signup_reads) == 1


# Signing up from the list --------------------------------------------------------


def test_sign_up_from_the_list_without_javascript_comes_back_to_it(
    client, login
) -> None:
    shift = factories.shift(capacity=1)
    login(factories.volunteer())
    back = f"/find?street={shift.project.street_id}"
    html = _page(client, back)
    assert f'action="/shifts/{shift.id}/signup"' in html
    assert f'name="next" value="{back.replace("&", "&amp;")}"' in html
    response = client.post(
        f"/shifts/{shift.id}/signup", data={"next": back, "with_project": "1"}
    )
    assert response.status_code == 303 and response.headers["Location"] == back
    html = _page(client, back)
    assert 'action="/signups/' in html  # the card now offers to cancel


def test_sign_up_from_the_list_with_htmx_keeps_the_project_on_the_card(
    client, login
) -> None:
    full = factories.shift(capacity=1)
    shift_services.sign_up(full, user=factories.volunteer())
    login(factories.volunteer())
    html = _page(client)
    assert "Join the waitlist" in html or "加入候补" in html
    response = client.post(
        f"/shifts/{full.id}/signup",
        data={"next": "/find", "with_project": "1"},
        headers=HX,
    )
    assert response.status_code == 200
    card = response.get_data(as_text=True)
    assert full.project.title in card and "<html" not in card
    assert 'id="flash" class="flash-area"' in card and 'hx-swap-oob="true"' in card
    state = db.session.scalar(
        select(Signup.state)
        .where(Signup.shift_id == full.id)
        .order_by(Signup.id.desc())
    )
    assert state == "waitlisted"


# Ways in ----------------------------------------------------------------------------


def test_volunteer_nav_is_home_find_my_shifts_messages_me(client, login) -> None:
    login(factories.volunteer())
    html = _page(client, "/find")
    nav = re.search(r'<nav class="bottomnav".*?</nav>', html, re.S).group(0)
    hrefs = re.findall(r'<a href="([^"]+)"', nav)
    assert hrefs == ["/", "/find", "/my/shifts", "/notifications", "/account"]
    assert re.search(r'<a href="/find" aria-current="page">', nav)
    assert "<svg" in nav.split('href="/find"')[1].split("</a>")[0]


@pytest.mark.parametrize(
    "make_user", [factories.admin, factories.reviewer, factories.org_staff]
)
def test_nav_never_has_more_than_five_items(client, login, make_user) -> None:
    user = make_user()
    factories.grant(user, Role.SOCIAL_WORKER, community=factories.CommunityFactory())
    login(user)
    nav = re.search(r'<nav class="bottomnav".*?</nav>', _page(client, "/"), re.S)
    assert nav.group(0).count("<a ") == 5 and 'href="/find"' in nav.group(0)


def test_home_offers_volunteers_finding_work_first(client, login) -> None:
    person = factories.volunteer()
    login(person)
    first = r'<li class="card([^"]*)">\s*<a class="card-link" href="([^"]+)"'
    # Before onboarding, the first step is the profile matching works from.
    assert re.search(first, _page(client, "/")).group(2) == "/me/profile"
    factories.volunteer_profile(person)
    found = re.search(first, _page(client, "/"))
    assert found.group(2) == "/find" and "card-primary" in found.group(1)


def test_my_shifts_empty_state_links_to_find(client, login) -> None:
    login(factories.volunteer())
    assert 'href="/find"' in _page(client, "/my/shifts").split('class="empty"')[1]


# Poster and link previews --------------------------------------------------------


def test_poster_has_a_server_drawn_qr_code_to_the_project(client) -> None:
    shift = factories.shift()
    project = shift.project
    response = client.get(f"/projects/{project.id}/poster")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    url = f"http://localhost/projects/{project.id}"
    assert url in html and project.title in html
    assert project.organization.name in html and project.community.name in html
    assert "Scan to sign up" in html or "扫码报名" in html
    expected = segno.make(url, error="m").svg_inline(scale=4, omitsize=True)
    path = re.search(r' d="([^"]+)"', expected).group(1)
    assert '<svg viewBox="0 0 ' in html and path in html  # the QR encodes the URL
    assert re.search(r"css/print\.[0-9a-f]+\.css", html)  # hashed, cached long
    # Strict CSP: no inline styles or scripts.
    assert "<style" not in html and " style=" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None


@pytest.mark.parametrize("state", ["draft", "in_progress"])
def test_poster_only_for_recruiting_projects(client, state: str) -> None:
    if state == "draft":
        project = factories.project()
    else:
        project = factories.recruiting_project()
        project_services.start_project(
            project, by=factories.owner_of(project.organization)
        )
    assert client.get(f"/projects/{project.id}/poster").status_code == 404
    assert client.get("/projects/999999/poster").status_code == 404


def test_project_page_links_the_poster_for_its_staff_only(app, client, login) -> None:
    project = factories.recruiting_project()
    poster = f"/projects/{project.id}/poster"
    login(factories.owner_of(project.organization))
    assert poster in _page(client, f"/projects/{project.id}")
    other = second_device(app, factories.volunteer())
    assert poster not in _page(other, f"/projects/{project.id}")


def test_project_page_has_link_preview_tags(client) -> None:
    project = factories.recruiting_project()
    html = _page(client, f"/projects/{project.id}")
    assert '<meta property="og:title"' in html
    assert (
        f'<meta property="og:url" content="http://localhost/projects/{project.id}">'
        in html
    )
    assert '<meta property="og:type" content="website">' in html
    description = re.search(r'<meta property="og:description" content="([^"]+)">', html)
    text = description.group(1)
    assert project.organization.name in text and project.community.name in text
    assert "2026" in text and "2027" in text  # the period
