"""The resident's side: raise a need, the grid picker, My needs, photo, withdraw."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from hub.extensions import db
from hub.models import AuditEntry, Notification, ServiceNeed, VolunteerProfile
from hub.models.needs import NeedState
from tests import factories

HX = {"HX-Request": "true"}

#: The second tap of a confirmed action (hub/web/confirm.py).
YES = {"confirm": "yes"}


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(ServiceNeed))


def _form(grid, **extra) -> dict:  # noqa: ANN001, ANN003
    return {
        "community_id": str(grid.community_id),
        "grid_id": str(grid.id),
        "category": "elderly",
        "description": "楼下王奶奶独居，腿脚不便，需要每周有人探访。",
        **extra,
    }


def test_resident_raises_a_need_with_a_photo(client, login) -> None:
    grid = factories.GridFactory()
    worker = factories.social_worker(community=grid.community)
    me = login(factories.volunteer())
    data = _form(grid, photo=(io.BytesIO(factories.PNG_BYTES), "ramp.png"))
    response = client.post("/needs/new", data=data)
    assert response.status_code == 303
    need = db.session.scalar(select(ServiceNeed))
    assert response.headers["Location"] == f"/needs/{need.id}"
    assert need.user_id == me.id and need.grid_id == grid.id
    assert need.community_id == grid.community_id
    assert need.photo_content_type == "image/png"
    assert db.session.scalar(
        select(AuditEntry.action).where(AuditEntry.object_type == "service_need")
    ) == ("need.post")
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "王奶奶" in page and f"/needs/{need.id}/photo" in page
    assert 'id="history"' in page
    assert "征集中" not in page  # a tender's "open", not the need's
    assert db.session.scalar(
        select(Notification.kind).where(Notification.user_id == worker.id)
    ) == ("need_posted")


def test_form_starts_from_the_home_grid(client, login) -> None:
    grid = factories.GridFactory(name="锁三第2网格")
    factories.GridFactory(community=grid.community, name="锁三第1网格")
    me = login(factories.volunteer())
    db.session.add(
        VolunteerProfile(
            user_id=me.id, home_community_id=grid.community_id, home_grid_id=grid.id
        )
    )
    db.session.flush()
    page = client.get("/needs/new").get_data(as_text=True)
    assert f'<option selected value="{grid.community_id}">' in page
    assert f'<option selected value="{grid.id}">锁三第2网格</option>' in page
    assert "锁三第1网格" in page


def test_empty_description_and_community_are_refused_beside_the_fields(
    client, login
) -> None:
    grid = factories.GridFactory()
    login(factories.volunteer())
    response = client.post(
        "/needs/new",
        data=_form(grid, community_id="", description="", category="legal"),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="description-error"' in html and 'id="community_id-error"' in html
    assert '<option selected value="legal">' in html
    assert _count() == 0


def test_too_long_description_is_refused_and_kept(client, login) -> None:
    grid = factories.GridFactory()
    login(factories.volunteer())
    text = "长" * 1001
    response = client.post("/needs/new", data=_form(grid, description=text))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="description-error"' in html and text in html
    assert _count() == 0


def test_text_file_renamed_jpg_is_refused_and_typed_text_kept(client, login) -> None:
    grid = factories.GridFactory()
    login(factories.volunteer())
    data = _form(grid, photo=(io.BytesIO(b"not a picture at all"), "photo.jpg"))
    response = client.post("/needs/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="photo-error"' in html
    assert "JPEG" in html and "PNG" in html
    assert "王奶奶独居" in html
    assert _count() == 0


def test_a_pdf_is_not_a_photo(client, login) -> None:
    grid = factories.GridFactory()
    login(factories.volunteer())
    data = _form(grid, photo=(io.BytesIO(factories.PDF_BYTES), "scan.png"))
    response = client.post("/needs/new", data=data)
    assert response.status_code == 422
    assert 'id="photo-error"' in response.get_data(as_text=True)


def test_a_need_without_a_grid_is_raised_in_the_community(client, login) -> None:
    grid = factories.GridFactory()
    worker = factories.social_worker(community=grid.community)
    login(factories.volunteer())
    form = client.get(f"/needs/new?community_id={grid.community_id}")
    assert "网格（可不选）" in form.get_data(as_text=True)
    response = client.post("/needs/new", data=_form(grid, grid_id=""))
    assert response.status_code == 303
    need = db.session.scalar(select(ServiceNeed))
    assert need.grid_id is None and need.community_id == grid.community_id
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "未选网格" in page
    client.post("/logout")
    login(worker)
    queue = client.get("/coordination/needs").get_data(as_text=True)
    assert f"/needs/{need.id}" in queue


def test_grid_from_another_community_is_refused(client, login) -> None:
    grid = factories.GridFactory()
    elsewhere = factories.GridFactory()
    login(factories.volunteer())
    response = client.post("/needs/new", data=_form(grid, grid_id=str(elsewhere.id)))
    assert response.status_code == 422
    assert 'id="grid_id-error"' in response.get_data(as_text=True)
    assert _count() == 0


def test_htmx_community_change_returns_only_the_grid_field(client, login) -> None:
    grid = factories.GridFactory(name="金陵第3网格")
    login(factories.volunteer())
    response = client.get(f"/needs/new?community_id={grid.community_id}", headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="grid-field">')
    assert "<html" not in html and "金陵第3网格" in html
    assert "HX-Request" in response.headers["Vary"]
    page = client.get("/needs/new").get_data(as_text=True)
    assert "<html" in page and 'hx-get="/needs/new"' in page


def test_without_javascript_show_grids_keeps_what_was_typed(client, login) -> None:
    grid = factories.GridFactory(name="玄武第7网格")
    login(factories.volunteer())
    response = client.post(
        "/needs/new",
        data=_form(grid, grid_id="", action="grids", description="门口坡道坏了"),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "玄武第7网格" in html and "门口坡道坏了" in html
    assert 'class="error"' not in html
    assert _count() == 0


def test_posting_is_rate_limited_per_person(client, login) -> None:
    grid = factories.GridFactory()
    login(factories.volunteer())
    for _n in range(5):
        assert client.post("/needs/new", data=_form(grid)).status_code == 303
    assert client.post("/needs/new", data=_form(grid)).status_code == 429
    assert _count() == 5


def test_failed_posts_do_not_count_against_the_limit(client, login) -> None:
    grid = factories.GridFactory()
    login(factories.volunteer())
    for _n in range(6):
        response = client.post("/needs/new", data=_form(grid, description=""))
        assert response.status_code == 422
    assert client.post("/needs/new", data=_form(grid)).status_code == 303


def test_anonymous_is_sent_to_log_in(client) -> None:
    response = client.get("/needs/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_my_needs_lists_only_mine_with_states(client, login) -> None:
    me = login(factories.volunteer())
    mine = factories.need(resident=me, description="我的需求")
    closed = factories.need(resident=me, description="已撤回的需求")
    closed.withdraw()
    factories.need(description="别人的需求")
    db.session.flush()
    page = client.get("/my/needs").get_data(as_text=True)
    assert "我的需求" in page and "已撤回的需求" in page
    assert "别人的需求" not in page
    assert f"/needs/{mine.id}" in page and "chip-wait" in page


def test_another_resident_may_not_see_a_need_or_its_photo(client, login) -> None:
    need = factories.need(photo=io.BytesIO(factories.PNG_BYTES))
    login(factories.volunteer())
    assert client.get(f"/needs/{need.id}").status_code == 403
    assert client.get(f"/needs/{need.id}/photo").status_code == 403
    assert client.post(f"/needs/{need.id}/withdraw", data=YES).status_code == 403
    assert client.get("/needs/999999").status_code == 404


def test_resident_sees_own_photo_privately(client, login) -> None:
    me = login(factories.volunteer())
    need = factories.need(resident=me, photo=io.BytesIO(factories.PNG_BYTES))
    response = client.get(f"/needs/{need.id}/photo")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data == factories.PNG_BYTES
    assert "no-store" in response.headers["Cache-Control"]
    response.close()
    plain = factories.need(resident=me)
    assert client.get(f"/needs/{plain.id}/photo").status_code == 404


def test_withdraw_without_javascript(client, login) -> None:
    me = login(factories.volunteer())
    need = factories.need(resident=me)
    response = client.post(f"/needs/{need.id}/withdraw", data=YES)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/needs/{need.id}"
    assert db.session.get(ServiceNeed, need.id).state == NeedState.WITHDRAWN


def test_withdraw_with_htmx_swaps_the_need(client, login) -> None:
    me = login(factories.volunteer())
    need = factories.need(resident=me)
    response = client.post(f"/needs/{need.id}/withdraw", data=YES, headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="need"')
    assert "<html" not in html and 'hx-swap-oob="true"' in html
    assert db.session.get(ServiceNeed, need.id).state == NeedState.WITHDRAWN


def test_withdraw_after_triage_is_refused(client, login) -> None:
    need, _worker = factories.assigned_need()
    login(need.resident)
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert f"/needs/{need.id}/withdraw" not in page
    response = client.post(f"/needs/{need.id}/withdraw", data=YES, headers=HX)
    assert response.status_code == 409
    assert db.session.get(ServiceNeed, need.id).state == NeedState.TRIAGED
    response = client.post(f"/needs/{need.id}/withdraw", data=YES)
    assert response.status_code == 303


def test_account_page_links_to_needs(client, login) -> None:
    login(factories.volunteer())
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/needs/new"' in page and 'href="/my/needs"' in page
    assert 'href="/review/needs"' not in page


def test_need_pages_have_no_inline_script_or_style(client, login) -> None:
    import re

    me = login(factories.volunteer())
    need = factories.need(resident=me)
    for url in ["/needs/new", "/my/needs", f"/needs/{need.id}"]:
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert " style=" not in html and "<style" not in html, url
