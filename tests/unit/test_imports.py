"""Volunteer import: reading files, checking rows, creating and activating accounts."""

from __future__ import annotations

import io
import time

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from hub.auth import services as auth
from hub.extensions import db
from hub.imports import services, storage, tokens
from hub.imports.checking import check_rows, import_scope
from hub.imports.reading import MAX_ROWS, FileRefused, read_table
from hub.models import AuditEntry, OutboxMessage, RoleGrant, User, VolunteerProfile
from hub.permissions import Role
from tests import factories

HEADER = ["姓名", "手机号", "社区", "网格", "技能"]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    return "\r\n".join(",".join(r) for r in rows).encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ROWS = [
    HEADER,
    ["王芳", "138 1234 5678", "锁三社区", "第1网格", "elderly_care、Driving"],
]


@pytest.mark.parametrize(
    ("data", "kind", "encoding"),
    [
        (csv_bytes(ROWS, "utf-8-sig"), "csv", "utf-8-sig"),
        (csv_bytes(ROWS, "utf-8"), "csv", "utf-8"),
        (csv_bytes(ROWS, "gb18030"), "csv", "gb18030"),
        (xlsx_bytes(ROWS), "xlsx", None),
    ],
    ids=["utf8-bom", "utf8", "gb18030", "xlsx"],
)
def test_each_format_reads_the_chinese_names(data: bytes, kind: str, encoding) -> None:  # noqa: ANN001
    table = read_table(data)
    assert (table.kind, table.encoding) == (kind, encoding)
    (row,) = table.rows
    assert (row.line, row.name, row.mobile, row.community, row.grid) == (
        2,
        "王芳",
        "138 1234 5678",
        "锁三社区",
        "第1网格",
    )


def test_gbk_text_is_not_mistaken_for_utf8() -> None:
    data = csv_bytes([HEADER, ["欧阳娜娜", "13812345678", "东井亭社区"]], "gbk")
    assert read_table(data).rows[0].name == "欧阳娜娜"


def test_numbers_typed_into_number_cells_read_as_mobiles() -> None:
    table = read_table(xlsx_bytes([HEADER, ["王芳", 13812345678, "锁三社区"]]))
    assert table.rows[0].mobile == "13812345678"


def test_english_and_bilingual_headers_in_any_order() -> None:
    rows = [["Mobile", "社区 community", "姓名 name"], ["13812345678", "锁三", "Li"]]
    row = read_table(csv_bytes(rows)).rows[0]
    assert (row.name, row.mobile, row.community) == ("Li", "13812345678", "锁三")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (factories.PNG_BYTES, "type"),
        (factories.PDF_BYTES, "type"),
        ("姓名\r\n".encode("utf-16"), "type"),
        (b"PK\x03\x04not really a zip", "type"),
        (csv_bytes([["名字"], ["王芳"]]), "columns"),
        (csv_bytes([HEADER]), "no_rows"),
        (csv_bytes([HEADER] + [["a", "1"]] * (MAX_ROWS + 1)), "too_many_rows"),
    ],
    ids=["empty", "png", "pdf", "utf16", "bad-zip", "columns", "header-only", "many"],
)
def test_files_that_are_not_lists_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(FileRefused) as refused:
        read_table(data)
    assert refused.value.reason == reason


@pytest.fixture
def place():  # noqa: ANN201
    street = factories.StreetFactory(name="锁金村街道")
    community = factories.CommunityFactory(street=street, name="锁三社区")
    grid = factories.GridFactory(community=community, name="第1网格")
    factories.CommunityFactory(street=street, name="东井亭社区")
    return street, community, grid


def test_every_problem_of_a_row_is_reported(place) -> None:  # noqa: ANN001
    street, community, grid = place
    factories.CommunityFactory(name="外港社区")  # another street: not mine
    factories.volunteer(mobile="13900009999")
    reviewer = factories.reviewer(street=street)
    rows = [
        HEADER,
        ["王芳", "138 1234 5678", "锁三社区", "第1网格", "elderly_care、Driving"],
        ["李强", "+86 139-0000-1111", "锁三", "", ""],
        ["张伟", "12345", "锁三社区", "", ""],
        ["赵敏", "13812345678", "东井亭社区", "", ""],
        ["陈静", "13700001111", "外港社区", "", ""],
        ["刘洋", "13600002222", "锁三社区", "第9网格", "魔法"],
        ["", "", "", "", ""],  # blank lines are skipped
        ["", "13500003333", "", "", ""],
        ["老会员", "13900009999", "锁三社区", "", ""],
    ]
    preview = check_rows(read_table(csv_bytes(rows)).rows, import_scope(reviewer))
    by_line = {r.raw.line: r for r in preview.rows}
    first = by_line[2]
    assert first.status == "new"
    assert (first.mobile, first.community, first.grid) == (
        "13812345678",
        community,
        grid,
    )
    assert first.skills == ["elderly_care", "driving"]
    assert by_line[3].status == "new" and by_line[3].community == community
    problems = {
        line: [(p.code, p.value) for p in r.problems]
        for line, r in by_line.items()
        if r.status == "error"
    }
    assert problems == {
        4: [("mobile_bad", "12345")],
        5: [("mobile_duplicate", "2")],
        6: [("community_unknown", "外港社区")],
        7: [("grid_unknown", "第9网格"), ("skill_unknown", "魔法")],
        9: [("name_missing", ""), ("community_missing", "")],
    }
    assert by_line[10].status == "exists"
    assert preview.counts == {"new": 2, "exists": 1, "error": 5, "total": 8}


def test_a_social_worker_imports_into_their_own_community(place) -> None:  # noqa: ANN001
    _street, community, _grid = place
    worker = factories.social_worker(community=community)
    rows = [
        HEADER,
        ["王芳", "13812345678", "", "", ""],
        ["李强", "13812345679", "东井亭社区", "", ""],
    ]
    preview = check_rows(read_table(csv_bytes(rows)).rows, import_scope(worker))
    assert preview.rows[0].community == community  # their only community by default
    assert [p.code for p in preview.rows[1].problems] == ["community_unknown"]


def _import(rows, importer):  # noqa: ANN001, ANN202
    preview = check_rows(read_table(csv_bytes(rows)).rows, import_scope(importer))
    return services.import_volunteers(
        preview, by=importer, filename="名单.csv", link_for=tokens.activation_link
    )


def test_imported_people_are_inactive_volunteers_with_a_profile_and_a_link(
    place,  # noqa: ANN001
) -> None:
    street, community, grid = place
    reviewer = factories.reviewer(street=street)
    report = _import(
        [HEADER, ["王芳", "13812345678", "锁三社区", "第1网格", "driving"]], reviewer
    )
    (person,) = report.created
    assert (person.name, person.mobile, person.active) == ("王芳", "13812345678", False)
    assert not services.has_usable_password(person)
    assert [
        g.role
        for g in db.session.scalars(
            select(RoleGrant).where(RoleGrant.user_id == person.id)
        )
    ] == [Role.VOLUNTEER]
    profile = db.session.get(VolunteerProfile, person.id)
    assert (profile.home_community_id, profile.home_grid_id) == (community.id, grid.id)
    assert profile.skills == ["driving"]
    (message,) = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.user_id == person.id)
    ).all()
    assert message.kind == "account_imported"
    # The SMS is the registered template (no link, no names); the in-app message
    # keeps the activation link.
    assert (message.template, message.params) == ("account_created", {})
    link = message.notification.params["link"] if message.notification else ""
    assert "/activate/" in link and link.startswith("http")
    (entry,) = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "volunteers.import")
    ).all()
    assert (entry.actor_id, entry.street_id) == (reviewer.id, street.id)
    assert entry.data == {"file": "名单.csv", "created": 1, "skipped": 0, "refused": 0}


def test_importing_the_same_list_twice_creates_nobody_twice(place) -> None:  # noqa: ANN001
    street, _community, _grid = place
    reviewer = factories.reviewer(street=street)
    rows = [
        HEADER,
        ["王芳", "13812345678", "锁三社区"],
        ["李强", "13812345679", "锁三社区"],
    ]
    assert len(_import(rows, reviewer).created) == 2
    with pytest.raises(services.NothingToImport):
        _import(rows, reviewer)
    count = db.session.scalar(
        select(func.count()).where(User.mobile.in_(["13812345678", "13812345679"]))
    )
    assert count == 2


def test_an_imported_account_cannot_log_in_until_activated(place) -> None:  # noqa: ANN001
    street, _community, _grid = place
    (person,) = _import(
        [HEADER, ["王芳", "13812345678", "锁三社区"]], factories.reviewer(street=street)
    ).created
    for guess in ("", "!imported", "imported", factories.DEFAULT_PASSWORD):
        assert auth.authenticate(person.mobile, guess) is None
    person.active = True  # even an admin re-enabling it leaves no usable password
    assert auth.authenticate(person.mobile, "!imported") is None


def test_an_activation_link_works_once(place) -> None:  # noqa: ANN001
    street, _community, _grid = place
    (person,) = _import(
        [HEADER, ["王芳", "13812345678", "锁三社区"]], factories.reviewer(street=street)
    ).created
    token = tokens.activation_token(person)
    assert tokens.user_for_token(token) == person
    services.activate_account(person, password="lantern-river-42", consent_version="v1")
    assert person.active and services.has_usable_password(person)
    assert auth.authenticate(person.mobile, "lantern-river-42") == person
    with pytest.raises(tokens.BadActivation) as used:
        tokens.user_for_token(token)
    assert used.value.reason == "used"
    with pytest.raises(services.AlreadyActivated):
        services.activate_account(
            person, password="another-pass-99", consent_version="v1"
        )


def test_activation_links_expire_and_cannot_be_forged(place, monkeypatch) -> None:  # noqa: ANN001
    street, _community, _grid = place
    (person,) = _import(
        [HEADER, ["王芳", "13812345678", "锁三社区"]], factories.reviewer(street=street)
    ).created
    token = tokens.activation_token(person)
    later = time.time() + tokens.MAX_AGE_DAYS * 24 * 3600 + 5
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(tokens.BadActivation) as expired:
        tokens.user_for_token(token)
    assert expired.value.reason == "expired"
    monkeypatch.undo()
    with pytest.raises(tokens.BadActivation) as forged:
        tokens.user_for_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    assert forged.value.reason == "invalid"


def test_disabling_an_account_kills_its_activation_link(place) -> None:  # noqa: ANN001
    street, _community, _grid = place
    (person,) = _import(
        [HEADER, ["王芳", "13812345678", "锁三社区"]], factories.reviewer(street=street)
    ).created
    token = tokens.activation_token(person)
    auth.set_active(person, False)
    with pytest.raises(tokens.BadActivation):
        tokens.user_for_token(token)


def test_pending_uploads_belong_to_their_importer_and_expire(tmp_path) -> None:  # noqa: ANN001
    upload_id = storage.keep_upload(tmp_path, user_id=7, filename="名单.csv", data=b"x")
    assert storage.load_upload(tmp_path, upload_id, user_id=8) is None
    pending = storage.load_upload(tmp_path, upload_id, user_id=7)
    assert (pending.filename, pending.data) == ("名单.csv", b"x")
    assert storage.load_upload(tmp_path, "../../etc/passwd", user_id=7) is None
    assert storage.sweep(tmp_path, now=time.time() + storage.KEEP_FOR + 1) == 2
    assert storage.load_upload(tmp_path, upload_id, user_id=7) is None
