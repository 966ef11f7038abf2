"""Staff: owners invite by mobile number, change roles, remove; the last owner stays."""

from __future__ import annotations

from hub.extensions import db
from hub.models import User
from hub.models.verification import Purpose
from hub.permissions import Role
from tests import factories
from tests.sms import code_for

#: The second tap of a confirmed action (hub/web/confirm.py).
YES = {"confirm": "yes"}


def test_invite_accept_and_manage(client, login) -> None:
    owner = factories.volunteer()
    org = factories.application(owner=owner)
    invitee = factories.volunteer(mobile="13977778888")
    login(owner)
    response = client.post(
        f"/organizations/{org.id}/staff",
        data={"mobile": "139 7777 8888", "role": "org_manager"},
    )
    assert response.status_code == 303
    client.post("/logout")

    login(invitee)
    page = client.get("/my/organizations").get_data(as_text=True)
    assert org.name in page
    invitation_id = int(page.split("/invitations/")[1].split("/")[0])
    sent = client.post(f"/invitations/{invitation_id}/accept")
    assert sent.headers["Location"].endswith(f"/invitations/{invitation_id}/confirm")
    # Accepting needs the code sent to the invited number.
    assert Role.ORG_MANAGER not in db.session.get(User, invitee.id).roles
    code = code_for("13977778888", Purpose.INVITATION)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    refused = client.post(f"/invitations/{invitation_id}/confirm", data={"code": wrong})
    assert refused.status_code == 422
    assert Role.ORG_MANAGER not in db.session.get(User, invitee.id).roles
    done = client.post(f"/invitations/{invitation_id}/confirm", data={"code": code})
    assert done.status_code == 303
    assert Role.ORG_MANAGER in db.session.get(User, invitee.id).roles
    # A manager may not invite or change roles.
    assert (
        client.post(
            f"/organizations/{org.id}/staff",
            data={"mobile": "13966665555", "role": "org_owner"},
        ).status_code
        == 403
    )


def test_invitation_for_someone_else_is_not_found(client, login) -> None:
    owner = factories.volunteer()
    org = factories.application(owner=owner)
    login(owner)
    client.post(
        f"/organizations/{org.id}/staff",
        data={"mobile": "13977778888", "role": "org_manager"},
    )
    page = client.get(f"/organizations/{org.id}/staff").get_data(as_text=True)
    assert "139****8888" in page
    client.post("/logout")
    login(factories.volunteer(mobile="13911110000"))
    from sqlalchemy import select

    from hub.models import StaffInvitation

    invitation = db.session.scalar(select(StaffInvitation))
    assert client.post(f"/invitations/{invitation.id}/accept").status_code == 404


def test_last_owner_cannot_leave_or_step_down(client, login) -> None:
    owner = factories.volunteer()
    org = factories.application(owner=owner)
    grant = owner.grants_for(Role.ORG_OWNER)[0]
    login(owner)
    client.post(f"/organizations/{org.id}/staff/{grant.id}/remove", data=YES)
    assert Role.ORG_OWNER in db.session.get(User, owner.id).roles
    client.post(
        f"/organizations/{org.id}/staff/{grant.id}/role", data={"role": "org_manager"}
    )
    assert Role.ORG_OWNER in db.session.get(User, owner.id).roles


def test_owner_removes_a_manager(client, login) -> None:
    owner = factories.volunteer()
    org = factories.application(owner=owner)
    manager = factories.org_staff(organization=org, role=Role.ORG_MANAGER)
    grant = manager.grants_for(Role.ORG_MANAGER)[0]
    login(owner)
    assert (
        client.post(
            f"/organizations/{org.id}/staff/{grant.id}/remove", data=YES
        ).status_code
        == 303
    )
    assert Role.ORG_MANAGER not in db.session.get(User, manager.id).roles


def test_outsider_cannot_see_staff(client, login) -> None:
    org = factories.application()
    login(factories.volunteer())
    assert client.get(f"/organizations/{org.id}/staff").status_code == 403
