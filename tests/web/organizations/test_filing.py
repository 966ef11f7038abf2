"""Filing: apply in steps, documents, submit, review, decisions, permissions."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from hub.extensions import db
from hub.models import Document, Organization
from hub.models.notifications import Notification, OutboxMessage
from hub.models.organizations import FilingState, Stage
from hub.permissions import Role
from tests import factories
from tests.factories import PDF_BYTES, PNG_BYTES

#: The second tap of a confirmed action (hub/web/confirm.py).
YES = {"confirm": "yes"}


def _org(name: str) -> Organization:
    return db.session.scalar(select(Organization).where(Organization.name == name))


def test_apply_in_steps_then_submit(client, login) -> None:
    me = login(factories.volunteer())
    street = factories.StreetFactory()
    community = factories.CommunityFactory(street=street)
    response = client.post(
        "/apply",
        data={
            "name": "锁金 互助社",
            "org_type": "elderly_care",
            "street_id": street.id,
        },
    )
    assert response.status_code == 303
    org = _org("锁金 互助社")
    assert org.filing_state == FilingState.DRAFT
    assert Role.ORG_OWNER in me.roles
    assert response.headers["Location"] == f"/filings/{org.id}/step/1"

    assert (
        client.post(
            f"/filings/{org.id}/step/1",
            data={
                "name": "锁金 互助社",
                "org_type": "elderly_care",
                "service_categories": ["elderly", "health"],
                "communities": [str(community.id)],
            },
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"/filings/{org.id}/step/2",
            data={
                "lead_person": "陈静",
                "contact_phone": "139 0000 2222",
                "address": "锁金村路1号",
                "member_count": "15",
                "credit_code": "91350100m000100y43",
            },
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"/filings/{org.id}/step/3", data={"description": "上门探访独居老人。"}
        ).status_code
        == 303
    )
    for kind, data in (("charter", PDF_BYTES), ("lead_id", PNG_BYTES)):
        response = client.post(
            f"/filings/{org.id}/documents",
            data={"kind": kind, "file": (io.BytesIO(data), f"{kind}.pdf")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 303, response.get_data(as_text=True)
    org = db.session.get(Organization, org.id)
    assert org.contact_phone == "13900002222"
    assert org.credit_code == "91350100M000100Y43"
    assert [c.id for c in org.communities] == [community.id]

    assert client.post(f"/filings/{org.id}/submit").status_code == 303
    org = db.session.get(Organization, org.id)
    assert org.filing_state == FilingState.SUBMITTED
    assert org.submitted_at is not None


def test_step_errors_beside_field_and_typed_values_kept(client, login) -> None:
    owner = login(factories.volunteer())
    org = factories.application(owner=owner)
    response = client.post(
        f"/filings/{org.id}/step/2",
        data={
            "lead_person": "陈静",
            "contact_phone": "12345",
            "address": "锁金村路1号",
            "member_count": "0",
            "credit_code": "91350100M000100Y44",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for field in ("contact_phone", "member_count", "credit_code"):
        assert f'id="{field}-error"' in html, field
    assert 'value="陈静"' in html and 'value="锁金村路1号"' in html
    assert db.session.get(Organization, org.id).lead_person == ""


def test_name_unique_ignoring_case_and_spaces(client, login) -> None:
    factories.application(name="Golden Age Club")
    login(factories.volunteer())
    street = factories.StreetFactory()
    response = client.post(
        "/apply",
        data={"name": "golden  age club", "org_type": "other", "street_id": street.id},
    )
    assert response.status_code == 422
    assert 'id="name-error"' in response.get_data(as_text=True)


def test_submit_incomplete_lists_what_is_missing_and_keeps_documents(
    client, login
) -> None:
    owner = login(factories.volunteer())
    org = factories.application(owner=owner)
    client.post(
        f"/filings/{org.id}/documents",
        data={"kind": "charter", "file": (io.BytesIO(PDF_BYTES), "章程.pdf")},
        content_type="multipart/form-data",
    )
    response = client.post(f"/filings/{org.id}/submit")
    assert response.status_code == 303
    org = db.session.get(Organization, org.id)
    assert org.filing_state == FilingState.DRAFT
    assert [d.original_name for d in org.documents] == ["章程.pdf"]
    page = client.get(f"/filings/{org.id}").get_data(as_text=True)
    assert f'href="/filings/{org.id}/step/2"' in page


def test_renamed_exe_upload_refused_beside_field(client, login) -> None:
    owner = login(factories.volunteer())
    org = factories.application(owner=owner)
    response = client.post(
        f"/filings/{org.id}/documents",
        data={
            "kind": "charter",
            "file": (io.BytesIO(b"MZ\x90\x00" + b"\0" * 64), "a.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert 'id="file-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Document)) is None


def test_a_document_downloads_under_a_safe_name(client, login) -> None:
    """The uploaded file's own name went back unchanged (path parts, markup)."""
    org = factories.submitted_application()
    document = org.documents[0]
    document.original_name = '../../<b>章程</b>"; x=.pdf'
    db.session.flush()
    login(db.session.get(factories.User, org.created_by_id))
    response = client.get(f"/documents/{document.id}")
    header = response.headers["Content-Disposition"]
    response.close()
    assert header.startswith('attachment; filename="')
    assert header.count('"') == 2  # the quoted ASCII name holds no quote of its own
    for unsafe in ("<", ">", "/", "..", "%2F", "%3C", "%22"):
        assert unsafe not in header


def test_document_served_as_attachment_only_to_staff_and_street_reviewers(
    app, client, login
) -> None:
    org = factories.submitted_application()
    document = org.documents[0]
    stored = app.config["UPLOAD_DIR"]
    assert "static" not in stored

    owner = db.session.get(factories.User, org.created_by_id)
    login(owner)
    response = client.get(f"/documents/{document.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data() == PDF_BYTES
    response.close()
    client.post("/logout")

    login(factories.reviewer(street=org.street))
    response = client.get(f"/documents/{document.id}")
    assert response.status_code == 200
    response.close()
    client.post("/logout")

    login(factories.org_staff())  # staff of another organization
    assert client.get(f"/documents/{document.id}").status_code == 403
    client.post("/logout")

    login(factories.reviewer())  # reviewer of another street
    assert client.get(f"/documents/{document.id}").status_code == 403


def test_queue_oldest_first_only_my_street(client, login) -> None:
    street = factories.StreetFactory()
    first = factories.submitted_application(street=street, name="第一家")
    second = factories.submitted_application(street=street, name="第二家")
    factories.submitted_application(name="别的街道的")
    login(factories.reviewer(street=street))
    html = client.get("/review/filings").get_data(as_text=True)
    assert html.index("第一家") < html.index("第二家")
    assert "别的街道的" not in html
    assert first.id != second.id


def test_reviewer_of_another_street_gets_404(client, login) -> None:
    org = factories.submitted_application()
    login(factories.reviewer())
    assert client.get(f"/review/filings/{org.id}").status_code == 404
    assert client.post(f"/review/filings/{org.id}/approve", data=YES).status_code == 404
    assert db.session.get(Organization, org.id).filing_state == FilingState.SUBMITTED


def test_volunteer_cannot_review(client, login) -> None:
    org = factories.submitted_application()
    login(factories.volunteer())
    assert client.get("/review/filings").status_code == 403
    assert client.post(f"/review/filings/{org.id}/approve", data=YES).status_code == 403


def test_other_staff_cannot_see_or_edit_application(client, login) -> None:
    org = factories.application()
    login(factories.org_staff())
    assert client.get(f"/filings/{org.id}").status_code == 403
    assert (
        client.post(f"/filings/{org.id}/step/3", data={"description": "x"}).status_code
        == 403
    )
    assert client.post(f"/filings/{org.id}/submit").status_code == 403


def test_changes_requested_then_resubmit_then_approve(client, login) -> None:
    street = factories.StreetFactory(code="XW")
    org = factories.submitted_application(street=street)
    owner = db.session.get(factories.User, org.created_by_id)
    reviewer = factories.reviewer(street=street)

    login(reviewer)
    response = client.post(f"/review/filings/{org.id}/changes", data={"comment": ""})
    assert response.status_code == 422
    assert 'id="comment-error"' in response.get_data(as_text=True)
    response = client.post(
        f"/review/filings/{org.id}/changes", data={"comment": "请补充会员名单。"}
    )
    assert response.status_code == 303
    client.post("/logout")

    login(owner)
    page = client.get(f"/filings/{org.id}").get_data(as_text=True)
    assert "请补充会员名单。" in page
    assert (
        client.post(
            f"/filings/{org.id}/step/2",
            data={
                "lead_person": "陈静",
                "contact_phone": "13900001111",
                "address": "新地址",
                "member_count": "20",
                "credit_code": "",
            },
        ).status_code
        == 303
    )
    assert client.post(f"/filings/{org.id}/submit").status_code == 303
    client.post("/logout")

    login(reviewer)
    assert client.post(f"/review/filings/{org.id}/approve", data=YES).status_code == 303
    org = db.session.get(Organization, org.id)
    assert org.filing_state == FilingState.APPROVED
    assert re.fullmatch(r"XW-\d{4}-0001", org.filing_number)
    assert org.stage == Stage.INCUBATING
    # Deciding again is refused, not repeated.
    response = client.post(f"/review/filings/{org.id}/approve", data=YES)
    assert response.status_code == 303
    assert db.session.get(Organization, org.id).filing_number == org.filing_number
    client.post("/logout")

    login(owner)
    page = client.get(f"/filings/{org.id}").get_data(as_text=True)
    assert org.filing_number in page
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == owner.id)
    ).all()
    assert kinds == ["filing_changes_requested", "filing_approved"]
    assert db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "filing_approved")
    )
    # Both sides see the whole history.
    actions = re.findall(r'class="timeline-what">(.*?)<', page)
    assert len(actions) >= 5


def test_reject_needs_a_reason(client, login) -> None:
    org = factories.submitted_application()
    login(factories.reviewer(street=org.street))
    assert (
        client.post(
            f"/review/filings/{org.id}/reject", data={"reason": " "}
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/review/filings/{org.id}/reject", data={"reason": "不属于本街道。"}
        ).status_code
        == 303
    )
    assert db.session.get(Organization, org.id).filing_state == FilingState.REJECTED


def test_rejected_name_can_be_used_again(client, login) -> None:
    org = factories.submitted_application(name="再来一次服务社")
    login(factories.reviewer(street=org.street))
    client.post(f"/review/filings/{org.id}/reject", data={"reason": "材料不全"})
    client.post("/logout")
    login(factories.volunteer())
    response = client.post(
        "/apply",
        data={
            "name": "再来一次服务社",
            "org_type": "other",
            "street_id": org.street_id,
        },
    )
    assert response.status_code == 303


def test_filing_numbers_are_sequential_per_street_and_never_reused(
    client, login
) -> None:
    street = factories.StreetFactory(code="FH")
    orgs = [factories.submitted_application(street=street) for _ in range(3)]
    login(factories.reviewer(street=street))
    for org in orgs:
        client.post(f"/review/filings/{org.id}/approve", data=YES)
    numbers = [db.session.get(Organization, o.id).filing_number for o in orgs]
    assert [n.rsplit("-", 1)[1] for n in numbers] == ["0001", "0002", "0003"]


def test_stage_changes_need_reason_to_exit_or_revoke(client, login) -> None:
    org = factories.submitted_application()
    login(factories.reviewer(street=org.street))
    client.post(f"/review/filings/{org.id}/approve", data=YES)
    response = client.post(
        f"/review/organizations/{org.id}/stage", data={"stage": "exited"}
    )
    assert response.status_code == 422
    assert 'id="reason-error"' in response.get_data(as_text=True)
    assert (
        client.post(
            f"/review/organizations/{org.id}/stage", data={"stage": "graduated"}
        ).status_code
        == 303
    )
    org = db.session.get(Organization, org.id)
    assert org.stage == Stage.GRADUATED and org.stage_changed_at is not None
    assert (
        client.post(
            f"/review/organizations/{org.id}/stage",
            data={"stage": "revoked", "reason": "违规"},
        ).status_code
        == 303
    )
    assert db.session.get(Organization, org.id).stage == Stage.REVOKED


def test_public_directory_shows_only_approved_without_private_data(
    client, login
) -> None:
    approved = factories.submitted_application(name="公开的服务社")
    factories.submitted_application(name="还在审核的")
    reviewer = factories.reviewer(street=approved.street)
    login(reviewer)
    client.post(f"/review/filings/{approved.id}/approve", data=YES)
    client.post("/logout")
    html = client.get("/organizations?q=公开").get_data(as_text=True)
    assert "公开的服务社" in html
    assert "还在审核的" not in client.get("/organizations").get_data(as_text=True)
    profile = client.get(f"/organizations/{approved.id}").get_data(as_text=True)
    assert "13900001111" not in profile and "陈静" not in profile
    assert db.session.get(Organization, approved.id).filing_number in profile
    pending = _org("还在审核的")
    assert client.get(f"/organizations/{pending.id}").status_code == 404
