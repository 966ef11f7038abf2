"""Import pages: upload → preview → confirm, idempotent; activation by link."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from hub.extensions import db
from hub.imports import labels
from hub.imports.reading import FileRefused
from hub.models import AuditEntry, Notification, OutboxMessage, User
from tests import factories
from tests.unit.test_imports import HEADER, csv_bytes, xlsx_bytes

ROWS = [
    HEADER,
    ["王芳", "138 1234 5678", "锁三社区", "第1网格", "elderly_care、driving"],
    ["欧阳娜娜", "13812345679", "东井亭社区", "", ""],
    ["张伟", "12345", "锁三社区", "", ""],
    ["李老师", "13900009999", "锁三社区", "", ""],
]
FILES = {
    "csv-utf8": lambda: (csv_bytes(ROWS, "utf-8-sig"), "名单.csv"),
    "csv-gb18030": lambda: (csv_bytes(ROWS, "gb18030"), "名单.csv"),
    "xlsx": lambda: (xlsx_bytes(ROWS), "名单.xlsx"),
}


@pytest.fixture
def street():  # noqa: ANN201
    street = factories.StreetFactory(name="锁金村街道")
    community = factories.CommunityFactory(street=street, name="锁三社区")
    factories.GridFactory(community=community, name="第1网格")
    factories.CommunityFactory(street=street, name="东井亭社区")
    factories.volunteer(name="李老师", mobile="13900009999")
    return street


def upload(client, data: bytes, filename: str):  # noqa: ANN001, ANN201
    return client.post(
        "/imports/volunteers",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def pending_files(app: Flask) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"]) / "imports"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _imported(*mobiles: str) -> int:
    return db.session.scalar(select(func.count()).where(User.mobile.in_(mobiles)))


@pytest.mark.parametrize("kind", list(FILES))
def test_preview_then_confirm_then_the_same_file_again(
    app, client, login, street, kind: str
) -> None:
    data, filename = FILES[kind]()
    login(factories.reviewer(street=street))
    response = upload(client, data, filename)
    assert response.status_code == 303
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "王芳" in page and "欧阳娜娜" in page and "名单" in page
    assert "12345" in page  # the bad number, shown with its problem
    assert re.search(r'class="big-number">2<', page)  # two will be added
    assert _imported("13812345678", "13812345679") == 0  # nothing yet

    response = client.post(preview_url + "/confirm")
    assert response.status_code == 303
    people = db.session.scalars(
        select(User).where(User.mobile.in_(["13812345678", "13812345679"]))
    ).all()
    assert sorted(p.name for p in people) == ["欧阳娜娜", "王芳"]
    assert all(not p.active for p in people)
    assert client.get(preview_url).status_code == 404  # the file is gone
    assert not [
        p for p in pending_files(app) if p.stem == preview_url.rsplit("/", 1)[1]
    ]

    again = upload(client, data, filename)
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert re.search(r'class="big-number">0<', page)
    client.post(again.headers["Location"] + "/confirm")
    assert _imported("13812345678", "13812345679") == 2
    assert _imported("13900009999") == 1


def test_confirm_writes_the_audit_entry_and_the_activation_sms(
    client, login, street
) -> None:
    reviewer = login(factories.reviewer(street=street))
    response = upload(client, csv_bytes(ROWS), "九月名单.csv")
    client.post(response.headers["Location"] + "/confirm")
    (entry,) = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "volunteers.import")
    ).all()
    assert entry.actor_id == reviewer.id and entry.reason == "九月名单.csv"
    assert entry.data["created"] == 2 and entry.data["skipped"] == 1
    assert entry.data["refused"] == 1
    sms = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "account_imported")
    ).all()
    # By SMS the registered template only (log in with a code); the link stays in
    # the in-app message.
    assert [(m.template, m.params) for m in sms] == [("account_created", {})] * 2
    assert all("/activate/" in m.notification.params["link"] for m in sms)


def test_a_file_that_is_no_list_gets_422_beside_the_file_field(
    client, login, street
) -> None:
    login(factories.reviewer(street=street))
    for data, name in (
        (factories.PNG_BYTES, "名单.csv"),
        (factories.PDF_BYTES, "名单.xlsx"),
    ):
        response = upload(client, data, name)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert 'id="file-error"' in html
        assert labels.file_error(FileRefused("type")) in html
    response = upload(client, csv_bytes([["名字"], ["王芳"]]), "名单.csv")
    assert response.status_code == 422 and 'id="file-error"' in response.get_data(
        as_text=True
    )
    assert client.post("/imports/volunteers", data={}).status_code == 422


def test_a_number_registered_after_the_preview_is_skipped_on_confirm(
    client, login, street
) -> None:
    login(factories.reviewer(street=street))
    response = upload(client, csv_bytes(ROWS), "名单.csv")
    url = response.headers["Location"]
    factories.volunteer(mobile="13812345679")  # registers between preview and confirm
    client.post(url + "/confirm")
    # The fresh check skips that person and adds the other: one transaction.
    assert _imported("13812345678") == 1


def test_a_failure_mid_import_keeps_nobody_and_keeps_the_file(
    app, client, login, street, monkeypatch
) -> None:
    from hub.imports import services

    real = services.notify
    calls = []

    def flaky(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(1)
        if len(calls) == 2:
            raise IntegrityError("INSERT", {}, Exception("mobile taken meanwhile"))
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "notify", flaky)
    login(factories.reviewer(street=street))
    url = upload(client, csv_bytes(ROWS), "名单.csv").headers["Location"]
    response = client.post(url + "/confirm")
    assert response.status_code == 303 and response.headers["Location"] == url
    assert _imported("13812345678", "13812345679") == 0  # all or nothing
    assert client.get(url).status_code == 200  # the file waits for another try
    assert not db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "volunteers.import")
    ).all()


def test_someone_elses_upload_is_not_found(app, client, login, street) -> None:
    login(factories.reviewer(street=street))
    url = upload(client, csv_bytes(ROWS), "名单.csv").headers["Location"]
    other = factories.reviewer(street=street)
    from tests.conftest import second_device

    browser = second_device(app, other)
    assert browser.get(url).status_code == 404
    assert browser.post(url + "/confirm").status_code == 404
    assert browser.post(url + "/discard").status_code == 404
    assert _imported("13812345678") == 0


def test_discarding_deletes_the_file(app, client, login, street) -> None:
    login(factories.reviewer(street=street))
    url = upload(client, csv_bytes(ROWS), "名单.csv").headers["Location"]
    upload_id = url.rsplit("/", 1)[1]
    assert [p for p in pending_files(app) if p.stem == upload_id]
    assert client.post(url + "/discard").status_code == 303
    assert not [p for p in pending_files(app) if p.stem == upload_id]
    assert _imported("13812345678") == 0


def test_a_social_worker_imports_only_into_their_community(
    client, login, street
) -> None:
    community = next(c for c in street.communities if c.name == "东井亭社区")
    login(factories.social_worker(community=community))
    url = upload(client, csv_bytes(ROWS), "名单.csv").headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "锁三社区" in page  # 王芳's community is not theirs: a problem row
    client.post(url + "/confirm")
    names = set(
        db.session.scalars(
            select(User.name).where(User.mobile.in_(["13812345678", "13812345679"]))
        )
    )
    assert names == {"欧阳娜娜"}


@pytest.mark.parametrize(
    "who",
    [factories.volunteer, lambda: factories.org_staff()],
    ids=["volunteer", "org_staff"],
)
def test_volunteers_and_organization_staff_may_not_import(client, login, who) -> None:  # noqa: ANN001
    login(who())
    assert client.get("/imports/volunteers").status_code == 403
    assert upload(client, csv_bytes(ROWS), "名单.csv").status_code == 403
    assert client.get("/imports/volunteers/template.csv").status_code == 403


def test_the_empty_template_opens_in_excel_with_chinese_headers(
    client, login, street
) -> None:
    login(factories.reviewer(street=street))
    response = client.get("/imports/volunteers/template.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert response.data.decode("utf-8-sig").strip() == "姓名,手机号,社区,网格,技能"
    page = client.get("/imports/volunteers").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page


def _activation_url(client, login, street) -> tuple[str, User]:  # noqa: ANN001
    login(factories.reviewer(street=street))
    url = upload(client, csv_bytes(ROWS[:2]), "名单.csv").headers["Location"]
    client.post(url + "/confirm")
    client.post("/logout")
    person = db.session.scalar(select(User).where(User.mobile == "13812345678"))
    link = db.session.scalar(
        select(Notification.params).where(Notification.user_id == person.id)
    )["link"]
    return "/activate/" + link.rsplit("/activate/", 1)[1], person


def test_the_activation_link_sets_a_password_and_logs_in_once(
    client, login, street
) -> None:
    url, person = _activation_url(client, login, street)
    refused = client.post(
        "/login", data={"mobile": person.mobile, "password": "anything-at-all"}
    )
    assert refused.status_code == 422
    page = client.get(url)
    assert page.status_code == 200 and "王芳" in page.get_data(as_text=True)
    weak = client.post(url, data={"password": "12345678", "consent": "y"})
    assert weak.status_code == 422
    assert 'id="password-error"' in weak.get_data(as_text=True)
    response = client.post(url, data={"password": "plum-blossom-77", "consent": "y"})
    assert response.status_code == 303
    assert client.get("/account").status_code == 200  # logged in
    db.session.refresh(person)
    assert person.active
    assert client.get(url).status_code == 410  # used up
    client.post("/logout")
    assert (
        client.post(
            "/login", data={"mobile": person.mobile, "password": "plum-blossom-77"}
        ).status_code
        == 303
    )
    assert db.session.scalar(
        select(func.count()).where(
            AuditEntry.action == "account.activate", AuditEntry.actor_id == person.id
        )
    )


def test_a_damaged_link_says_so(client) -> None:
    response = client.get("/activate/not-a-real-token")
    assert response.status_code == 410
    assert client.post("/activate/not-a-real-token", data={}).status_code == 410


def test_uploads_and_activation_attempts_are_rate_limited(
    client, login, street
) -> None:
    login(factories.reviewer(street=street))
    statuses = [upload(client, b"not a list", "x.csv").status_code for _ in range(31)]
    assert statuses[:30] == [422] * 30 and statuses[30] == 429
    client.post("/logout")
    tries = [client.post("/activate/x", data={}).status_code for _ in range(11)]
    assert tries[:10] == [410] * 10 and tries[10] == 429
