"""Admin pages: places and role grants."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from hub.extensions import db
from hub.models import (
    AuditEntry,
    Community,
    Grid,
    Notification,
    RoleGrant,
    Street,
    User,
)
from hub.permissions import Qualification, Role
from tests import factories

#: The second tap of a confirmed action (hub/web/confirm.py).
YES = {"confirm": "yes"}


def test_admin_adds_a_street(client, login) -> None:
    login(factories.admin())
    response = client.post("/admin/places", data={"name": "玄武门街道", "code": "xwm"})
    assert response.status_code == 303
    street = db.session.scalar(select(Street).where(Street.name == "玄武门街道"))
    assert street.code == "XWM"
    assert "玄武门街道" in client.get("/admin/places").get_data(as_text=True)


def test_duplicate_street_name_or_code_is_refused_beside_field(client, login) -> None:
    login(factories.admin())
    factories.StreetFactory(name="凤凰街道", code="FH")
    response = client.post("/admin/places", data={"name": "凤凰街道", "code": "FX"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="name-error"' in html and 'value="FX"' in html
    response = client.post("/admin/places", data={"name": "新街道", "code": "fh"})
    assert 'id="code-error"' in response.get_data(as_text=True)


def test_street_code_must_be_letters(client, login) -> None:
    login(factories.admin())
    response = client.post("/admin/places", data={"name": "新街道", "code": "12"})
    assert response.status_code == 422
    assert 'id="code-error"' in response.get_data(as_text=True)


def test_admin_adds_community_and_grid(client, login) -> None:
    login(factories.admin())
    street = factories.StreetFactory()
    response = client.post(f"/admin/streets/{street.id}", data={"name": "锁三社区"})
    assert response.status_code == 303
    community = db.session.scalar(select(Community).where(Community.name == "锁三社区"))
    assert community.street_id == street.id
    response = client.post(
        f"/admin/communities/{community.id}", data={"name": "第一网格"}
    )
    assert response.status_code == 303
    grid = db.session.scalar(select(Grid).where(Grid.community_id == community.id))
    assert grid.name == "第一网格"


def test_same_community_name_allowed_in_another_street(client, login) -> None:
    login(factories.admin())
    factories.CommunityFactory(name="新村社区")
    other = factories.StreetFactory()
    response = client.post(f"/admin/streets/{other.id}", data={"name": "新村社区"})
    assert response.status_code == 303


def test_blank_community_name_is_refused(client, login) -> None:
    login(factories.admin())
    street = factories.StreetFactory()
    response = client.post(f"/admin/streets/{street.id}", data={"name": "  "})
    assert response.status_code == 422
    assert 'id="name-error"' in response.get_data(as_text=True)


def test_rename_with_htmx_returns_the_item_fragment(client, login) -> None:
    login(factories.admin())
    grid = factories.GridFactory(name="旧网格")
    url = f"/admin/places/grid/{grid.id}/rename"
    form = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert form.lstrip().startswith("{%") is False
    assert "<html" not in form and 'hx-post="' + url + '"' in form
    response = client.post(url, data={"name": "新网格"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and "新网格" in fragment
    assert db.session.get(Grid, grid.id).name == "新网格"


def test_rename_without_js_redirects_to_parent(client, login) -> None:
    login(factories.admin())
    community = factories.CommunityFactory()
    response = client.post(
        f"/admin/places/community/{community.id}/rename", data={"name": "改名社区"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/streets/{community.street_id}"


def test_rename_error_with_htmx_is_422_fragment(client, login) -> None:
    login(factories.admin())
    street = factories.StreetFactory()
    response = client.post(
        f"/admin/places/street/{street.id}/rename",
        data={"name": "", "code": street.code},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "<html" not in response.get_data(as_text=True)


def test_rename_unknown_kind_is_404(client, login) -> None:
    login(factories.admin())
    assert client.get("/admin/places/planet/1/rename").status_code == 404


def test_admin_finds_people_by_name_or_number(client, login) -> None:
    login(factories.admin())
    factories.volunteer(name="刘阿姨", mobile="13955556666")
    html = client.post("/admin/users", data={"q": "刘"}).get_data(as_text=True)
    assert "刘阿姨" in html and "139****6666" in html and "13955556666" not in html
    found = client.post("/admin/users", data={"q": "139 5555 6666"})
    assert "刘阿姨" in found.get_data(as_text=True)
    fragment = client.post(
        "/admin/users", data={"q": "刘"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.get_data(as_text=True)


def test_admin_grants_social_worker_with_qualification(client, login) -> None:
    login(factories.admin())
    person = factories.volunteer()
    community = factories.CommunityFactory()
    response = client.post(
        f"/admin/users/{person.id}",
        data={
            "role": "social_worker",
            "street_id": "0",
            "community_id": str(community.id),
            "organization_id": "0",
            "qualification": "assistant_social_worker",
        },
    )
    assert response.status_code == 303
    grant = db.session.scalar(
        select(RoleGrant).where(
            RoleGrant.user_id == person.id, RoleGrant.role == Role.SOCIAL_WORKER
        )
    )
    assert grant.community_id == community.id
    assert grant.qualification == Qualification.ASSISTANT
    assert grant.granted_by_id is not None


def test_reviewer_grant_needs_a_street(client, login) -> None:
    login(factories.admin())
    person = factories.volunteer()
    response = client.post(
        f"/admin/users/{person.id}",
        data={
            "role": "street_reviewer",
            "street_id": "0",
            "community_id": "0",
            "organization_id": "0",
            "qualification": "none",
        },
    )
    assert response.status_code == 422
    assert 'id="street_id-error"' in response.get_data(as_text=True)
    assert Role.STREET_REVIEWER not in db.session.get(User, person.id).roles


def test_revoking_a_grant_removes_the_permission(client, login) -> None:
    login(factories.admin())
    person = factories.reviewer()
    grant = person.grants_for(Role.STREET_REVIEWER)[0]
    response = client.post(f"/admin/grants/{grant.id}/revoke", data=YES)
    assert response.status_code == 303
    db.session.expire_all()
    assert Role.STREET_REVIEWER not in db.session.get(User, person.id).roles
    assert db.session.get(RoleGrant, grant.id).revoked_at is not None
    assert client.post(f"/admin/grants/{grant.id}/revoke", data=YES).status_code == 404


def test_admin_cannot_disable_themself(client, login) -> None:
    me = login(factories.admin())
    assert (
        client.post(f"/admin/users/{me.id}/active", data={"active": "0"}).status_code
        == 403
    )


# Every admin action is on the record (issue #17, item 7) ------------------------


def _grant_form(role: str, street_id: int = 0) -> dict[str, str]:
    return {
        "role": role,
        "street_id": str(street_id),
        "community_id": "0",
        "organization_id": "0",
        "qualification": "none",
    }


def test_a_grant_is_audited_and_the_person_told(client, login) -> None:
    admin = login(factories.admin())
    person = factories.volunteer()
    street = factories.StreetFactory()
    response = client.post(
        f"/admin/users/{person.id}", data=_grant_form("street_reviewer", street.id)
    )
    assert response.status_code == 303
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "role.grant")
    )
    assert (entry.actor_id, entry.street_id) == (admin.id, street.id)
    assert entry.data["user_id"] == person.id
    told = db.session.scalar(
        select(Notification).where(Notification.user_id == person.id)
    )
    assert told.kind == "role_granted"
    log = client.get("/admin/audit").get_data(as_text=True)
    assert person.name in log and "授予角色" in log


@pytest.mark.parametrize("role", ["street_reviewer", "admin"])
def test_an_admin_cannot_give_themself_a_supervising_role(
    client, login, role: str
) -> None:
    me = login(factories.admin())
    street = factories.StreetFactory()
    form = _grant_form(role, street.id if role == "street_reviewer" else 0)
    response = client.post(f"/admin/users/{me.id}", data=form)
    assert response.status_code == 422
    assert 'id="role-error"' in response.get_data(as_text=True)
    assert Role.STREET_REVIEWER not in db.session.get(User, me.id).roles


def test_revoking_and_disabling_are_audited(client, login) -> None:
    admin = login(factories.admin())
    person = factories.reviewer()
    grant = person.grants_for(Role.STREET_REVIEWER)[0]
    client.post(f"/admin/grants/{grant.id}/revoke", data=YES)
    client.post(f"/admin/users/{person.id}/active", data={"active": "0"})
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.actor_id == admin.id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["role.revoke", "account.disable"]


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM role_grants WHERE id = :id",
        "UPDATE role_grants SET role = 'admin' WHERE id = :id",
        "UPDATE role_grants SET user_id = user_id + 1 WHERE id = :id",
    ],
)
def test_the_history_of_grants_cannot_be_rewritten_in_the_database(
    db_session,  # noqa: ANN001
    statement: str,
) -> None:
    grant = factories.reviewer().grants_for(Role.STREET_REVIEWER)[0]
    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(sa.text(statement), {"id": grant.id})


def test_a_revoked_grant_cannot_be_unrevoked_in_the_database(db_session) -> None:  # noqa: ANN001
    grant = factories.reviewer().grants_for(Role.STREET_REVIEWER)[0]
    update = "UPDATE role_grants SET revoked_at = CURRENT_TIMESTAMP WHERE id = :id"
    db.session.execute(sa.text(update), {"id": grant.id})  # revoking is allowed
    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(
            sa.text("UPDATE role_grants SET revoked_at = NULL WHERE id = :id"),
            {"id": grant.id},
        )
