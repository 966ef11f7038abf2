"""Every list of grids (and communities) counts 第一, 第二 … 第十, 第十一."""

from __future__ import annotations

from hub.models import Community
from tests import factories

SHUFFLED = ["第十网格", "第2网格", "第十一网格", "第一网格", "第三网格"]
COUNTED = ["第一网格", "第2网格", "第三网格", "第十网格", "第十一网格"]


def _grids(community: Community | None = None) -> Community:
    community = community or factories.CommunityFactory()
    for name in SHUFFLED:
        factories.GridFactory(community=community, name=name)
    return community


def _in_order(page: str, names: list[str]) -> bool:
    places = [page.find(f">{name}<") for name in names]
    return -1 not in places and places == sorted(places)


def test_need_form_lists_grids_in_counting_order(client, login) -> None:
    community = _grids()
    login(factories.volunteer())
    page = client.get(f"/needs/new?community_id={community.id}").get_data(as_text=True)
    assert _in_order(page, COUNTED)


def test_new_shift_form_lists_grids_in_counting_order(client, login) -> None:
    project = factories.recruiting_project()
    _grids(project.community)
    login(factories.owner_of(project.organization))
    page = client.get(f"/projects/{project.id}/shifts/new").get_data(as_text=True)
    assert _in_order(page, COUNTED)


def test_profile_lists_grids_in_counting_order(client, login) -> None:
    community = _grids()
    login(factories.volunteer())
    page = client.get(
        f"/me/profile/places?street_id={community.street_id}"
        f"&home_community_id={community.id}",
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert _in_order(page, COUNTED)


def test_admin_lists_grids_and_communities_in_counting_order(client, login) -> None:
    community = _grids()
    for name in ("第十社区", "第二社区"):
        factories.CommunityFactory(street=community.street, name=name)
    login(factories.admin())
    page = client.get(f"/admin/communities/{community.id}").get_data(as_text=True)
    assert _in_order(page, COUNTED)
    page = client.get(f"/admin/streets/{community.street_id}").get_data(as_text=True)
    assert _in_order(page, ["第二社区", "第十社区"])
